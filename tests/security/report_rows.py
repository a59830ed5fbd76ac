"""Rows of the authorisation matrix for the report pages (reports/urls.py), in the format of
matrix.py, which merges them into MATRIX. Their objects are made on first use from the test
world (``report_world``): an approved application of the world's municipality with the partner
municipality (term 1 April 2025 to 31 March 2026, a Belegliste required), its grant with a
payment, the submitted final report (with a receipt and the two attachments) and the draft
interim report for 2025. Its title is the world's secret title, so the matrix test's "refused
means refused" check covers these rows too."""

from __future__ import annotations

from .matrix import ADMIN, CASE_OFFICER, OK, PARTNER, REDIRECT, STAFF, Entry, logged_in, only

RP_STAFF = (CASE_OFFICER, ADMIN)
VIEWERS = (STAFF, PARTNER, CASE_OFFICER, ADMIN)


def report_world(world):
    """The report objects of ``world``, made once per world."""
    cached = getattr(world, "_report_world", None)
    if cached is not None:
        return cached
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from applications.models import ApplicationPartner, PartnerStatus
    from applications.workflow import Status
    from grants import services as grant_services
    from grants.models import GrantRules
    from reports import services
    from reports.models import ReportKind
    from tests.factories import ApplicationFactory, FundingRoundFactory
    from tests.reports.conftest import categories, fill_final, pay

    from .conftest import SECRET_TITLE

    staff = world.users[STAFF]
    round_ = FundingRoundFactory()
    GrantRules.objects.create(round=round_, receipts_required=True)
    application = ApplicationFactory(
        round=round_,
        lead_municipality=world.municipality,
        complete=True,
        status=Status.APPROVED,
        title=SECRET_TITLE,
        granted_amount=Decimal("18000.00"),
        decided_at=timezone.make_aware(dt.datetime(2025, 3, 3, 10, 0)),
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2026, 3, 31),
    )
    ApplicationPartner.objects.create(
        application=application,
        municipality=world.partner_municipality,
        status=PartnerStatus.CONFIRMED,
    )
    grant = grant_services.grant_ensure(application)
    pay(grant, "10000")
    final = services.report_open(grant=grant, user=staff, kind=ReportKind.FINAL)
    fill_final(final, staff)
    receipt = services.receipt_add(
        report=final,
        user=staff,
        category_id=categories(application)[0].pk,
        paid_on=dt.date(2025, 6, 1),
        payee="Moderation GmbH",
        purpose="Werkstatt",
        amount="9.000,00",
    )
    services.report_submit(report=final, user=staff)
    interim = services.report_open(
        grant=grant, user=staff, kind=ReportKind.INTERIM, budget_year=2025
    )
    cached = {
        "application": application,
        "final": final,
        "interim": interim,
        "receipt": receipt,
        "attachment": final.attachments.first(),
    }
    world._report_world = cached
    return cached


def _application(w):
    return {"pk": report_world(w)["application"].pk}


def _final(w):
    return {"pk": report_world(w)["final"].pk}


def _interim(w):
    return {"pk": report_world(w)["interim"].pk}


def _receipt(w):
    objects = report_world(w)
    return {"pk": objects["final"].pk, "line_pk": objects["receipt"].pk}


def _attachment(w):
    objects = report_world(w)
    return {"pk": objects["final"].pk, "attachment_pk": objects["attachment"].pk}


def _filer(kwargs, *, get=OK, post=OK) -> Entry:
    """A step of the municipality's form: lead staff only (partner staff and RP see the
    report but may not file it)."""
    get_row = logged_in(405) if get == 405 else only([STAFF], get)
    return Entry(get=get_row, post=only([STAFF], post), kwargs=kwargs)


def _officer(kwargs, *, get=OK, post=OK) -> Entry:
    get_row = logged_in(405) if get == 405 else only([CASE_OFFICER], get)
    return Entry(get=get_row, post=only([CASE_OFFICER], post), kwargs=kwargs)


REPORT_ROWS: dict[str, Entry] = {
    # Whoever sees the application sees its reports.
    "reports:grant_reports": Entry(get=only(VIEWERS, OK), post=logged_in(405), kwargs=_application),
    "reports:detail": Entry(get=only(VIEWERS, OK), post=logged_in(405), kwargs=_final),
    "reports:attachment_download": Entry(
        get=only(VIEWERS, OK), post=logged_in(405), kwargs=_attachment
    ),
    # Lead staff open a report (the final report exists: on to its page) ...
    "reports:open": Entry(
        get=logged_in(405),
        post=only([STAFF], REDIRECT),
        kwargs=_application,
        post_data={"kind": "final"},
    ),
    # ... and fill in the draft interim report step by step (an empty form is saved as a
    # draft and leads to the next step; an empty upload or submission shows its errors).
    "reports:factual": _filer(_interim, post=REDIRECT),
    "reports:numbers": _filer(_interim, post=REDIRECT),
    "reports:attachments": _filer(_interim),
    "reports:check": _filer(_interim),
    # The final report is submitted: its Belegliste and attachments are closed.
    "reports:receipts": _filer(_final, get=REDIRECT, post=REDIRECT),
    "reports:receipt_remove": _filer(_receipt, get=405, post=REDIRECT),
    "reports:attachment_remove": _filer(_attachment, get=405, post=REDIRECT),
    # RP Darmstadt: case officers and admins read; only case officers check.
    "reports:queue": Entry(get=only(RP_STAFF, OK), post=logged_in(405)),
    "reports:review": Entry(get=only(RP_STAFF, OK), post=logged_in(405), kwargs=_final),
    "reports:start_check": _officer(_final, get=405, post=REDIRECT),
    # Submitted, not yet in check: neither a Nachforderung nor a settlement yet.
    "reports:request_items": _officer(_final, get=REDIRECT, post=REDIRECT),
    "reports:settle": _officer(_final, get=REDIRECT, post=REDIRECT),
}
