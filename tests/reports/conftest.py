"""Fixtures of the report tests: an approved application (term 1 April 2025 to 31 March 2026,
so one interim report for 2025 and the final report), its grant, staff of the lead
municipality, a case officer, money paid out, and helpers that fill a report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import CostCategory
from applications.workflow import Status
from grants import services as grant_services
from grants.models import GrantRules, PaymentRequest
from grants.workflow import PaymentState
from reports import services
from reports.models import ReportAttachmentKind, ReportKind
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    CaseOfficerFactory,
    MunicipalityFactory,
    ReviewerFactory,
    _minimal_pdf,
    staff_for,
)

DECIDED = timezone.make_aware(dt.datetime(2025, 3, 3, 10, 0))


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def make_approved(**kwargs):
    """Cost plan 20.000 € (15.000 € and 5.000 € in the round's first two categories), own
    funds 2.000 €, grant 18.000 €."""
    defaults = {
        "status": Status.APPROVED,
        "complete": True,
        "decided_at": DECIDED,
        "granted_amount": Decimal("18000.00"),
        "start_date": dt.date(2025, 4, 1),
        "end_date": dt.date(2026, 3, 31),
    }
    defaults.update(kwargs)
    return ApplicationFactory(**defaults)


def pay(grant, amount, paid_on=dt.date(2025, 5, 4)) -> PaymentRequest:
    """A paid Mittelabruf (as the grants app leaves it after the cash office paid)."""
    number = grant.payment_requests.count() + 1
    return PaymentRequest.objects.create(
        grant=grant,
        number=number,
        state=PaymentState.PAID,
        amount=Decimal(amount),
        approved_amount=Decimal(amount),
        iban="DE89370400440532013000",
        account_holder="Stadtkasse",
        paid_on=paid_on,
    )


def pdf_upload(name="strategie.pdf"):
    return SimpleUploadedFile(name, _minimal_pdf(), content_type="application/pdf")


def categories(application) -> list[CostCategory]:
    return list(CostCategory.objects.filter(round=application.round).order_by("position"))


def fill_final(report, user, *, spent=("15000", "5000"), own="2000", third="0"):
    """A complete final report (simple, without receipts): Sachbericht, numbers, strategy and
    council resolution."""
    application = report.grant.application
    services.report_save_factual(
        report=report,
        user=user,
        activities="Drei Zukunftswerkstätten, ein Fest der Vielfalt.",
        participants="Vereine, Schulen, Verwaltung, 240 Bürgerinnen und Bürger.",
        strategy="Vielfaltsstrategie Heppenheim 2030 mit acht Handlungsfeldern.",
        council_adopted=True,
        council_date=dt.date(2026, 3, 20),
    )
    cats = categories(application)
    services.report_save_numbers(
        report=report,
        user=user,
        own_funds=own,
        third_party_funds=third,
        amounts={c.pk: a for c, a in zip(cats, spent, strict=False)},
    )
    services.report_attachment_add(
        report=report, user=user, kind=ReportAttachmentKind.STRATEGY, uploaded_file=pdf_upload()
    )
    services.report_attachment_add(
        report=report,
        user=user,
        kind=ReportAttachmentKind.COUNCIL_RESOLUTION,
        uploaded_file=pdf_upload("beschluss.pdf"),
    )
    return report


@pytest.fixture
def lead(db):
    return MunicipalityFactory(name="Heppenheim (Bergstraße)")


@pytest.fixture
def application(lead):
    return make_approved(lead_municipality=lead, title="Heppenheim für alle")


@pytest.fixture
def applicant(lead):
    return staff_for(lead, full_name="Erika Kommunal")


@pytest.fixture
def other_staff(db):
    return staff_for(MunicipalityFactory(name="Bensheim"))


@pytest.fixture
def officer(db):
    return CaseOfficerFactory(full_name="Rita Prüfer")


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


@pytest.fixture
def grant(application):
    return grant_services.grant_ensure(application, now=DECIDED)


@pytest.fixture
def paid_grant(grant):
    pay(grant, "10000", dt.date(2025, 5, 4))
    pay(grant, "8000", dt.date(2026, 1, 15))
    return grant


@pytest.fixture
def final_report(paid_grant, applicant):
    return services.report_open(grant=paid_grant, user=applicant, kind=ReportKind.FINAL)


@pytest.fixture
def receipts_round(application):
    GrantRules.objects.create(round=application.round, receipts_required=True)
    return application.round
