"""Rows of the authorisation matrix for the grant pages (grants/urls.py), in the format of
matrix.py. Their objects are made on first use from the test world (``grant_world``): an
approved application of the world's municipality with the partner municipality (confirmed),
its grant binding after the municipality's waiver, a payment request, a notice and a change
request, all open. Its title is the world's secret title, so "refused means refused" covers
these rows too."""

from __future__ import annotations

from .matrix import ADMIN, CASE_OFFICER, OK, PARTNER, REDIRECT, STAFF, Entry, logged_in, only

RP_STAFF = (CASE_OFFICER, ADMIN)
VIEWERS = (STAFF, PARTNER, CASE_OFFICER, ADMIN)


def grant_world(world):
    cached = getattr(world, "_grant_world", None)
    if cached is not None:
        return cached
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from applications.models import ApplicationPartner, PartnerStatus
    from applications.workflow import Status
    from grants import services
    from tests.factories import ApplicationFactory

    from .conftest import SECRET_TITLE

    staff = world.users[STAFF]
    today = timezone.localdate()
    application = ApplicationFactory(
        lead_municipality=world.municipality,
        complete=True,
        status=Status.APPROVED,
        title=SECRET_TITLE,
        granted_amount=Decimal("18000.00"),
        decided_at=timezone.now() - dt.timedelta(days=10),
        start_date=today - dt.timedelta(days=5),
        end_date=today + dt.timedelta(days=300),
    )
    ApplicationPartner.objects.create(
        application=application,
        municipality=world.partner_municipality,
        status=PartnerStatus.CONFIRMED,
    )
    grant = services.grant_ensure(application)
    grant = services.grant_accept(grant=grant, user=staff, waive_appeal=True)
    payment = services.payment_request_create(
        grant=grant,
        user=staff,
        amount="1.000,00",
        items=[{"description": "Moderation", "due_on": today, "amount": "1.000,00"}],
        iban="DE89370400440532013000",
        account_holder="Stadtkasse",
    )
    notice = services.notice_file(grant=grant, user=staff, kind="purpose_changed", text="x")
    change = services.change_request_create(grant=grant, user=staff, kind="content", text="x")
    cached = {"application": application, "payment": payment, "notice": notice, "change": change}
    world._grant_world = cached
    return cached


def _application(w):
    return {"pk": grant_world(w)["application"].pk}


def _object(key):
    def kwargs(w):
        objects = grant_world(w)
        return {"pk": objects["application"].pk, "obj_pk": objects[key].pk}

    return kwargs


def _applicant_form(kwargs) -> Entry:
    # An empty POST re-shows the form with its errors.
    return Entry(get=only([STAFF], OK), post=only([STAFF], OK), kwargs=kwargs)


def _applicant_step(kwargs) -> Entry:
    return Entry(get=logged_in(405), post=only([STAFF], REDIRECT), kwargs=kwargs)


def _rp_decide(key) -> Entry:
    # A POST without a button re-shows the page; only case officers see the forms.
    return Entry(get=only(RP_STAFF, OK), post=only(RP_STAFF, OK), kwargs=_object(key))


GRANT_ROWS: dict[str, Entry] = {
    # The area after the decision: whoever sees the application reads it; lead staff act.
    "grants:detail": Entry(get=only(VIEWERS, OK), post=logged_in(405), kwargs=_application),
    "grants:accept": _applicant_step(_application),  # binding already: a message, back
    "grants:payment_new": _applicant_form(_application),
    "grants:payment_withdraw": _applicant_step(_object("payment")),
    "grants:notice_new": _applicant_form(_application),
    "grants:change_new": _applicant_form(_application),
    "grants:change_withdraw": _applicant_step(_object("change")),
    # RP Darmstadt: case officers and admins read, case officers decide (the tables).
    "grants:payment_decide": _rp_decide("payment"),
    "grants:notice_decide": _rp_decide("notice"),
    "grants:change_decide": _rp_decide("change"),
    "grants:queue": Entry(get=only(RP_STAFF, OK), post=logged_in(405)),
    "grants:orders_csv": Entry(get=only(RP_STAFF, OK), post=logged_in(405)),
}
