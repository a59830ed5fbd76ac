"""Demo data of the reports app: one approved application of Heppenheim in the 2019 round whose
term has ended, with money paid out and the final report (Verwendungsnachweis) submitted, so
that a case officer finds it in "Nachweise zu prüfen" and can check and settle it.

The approval is written directly (the 2019 round is long closed, so the application cannot go
through submission and the jury again); everything after it goes through the services of
``grants`` and ``reports``. Idempotent: the application is made once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.calls import round_declarations
from applications.models import (
    Application,
    CostCategory,
    CostLine,
    FundingRound,
    RoundParticipation,
)
from applications.models.choices import ParticipationRole
from applications.search import search_vectors_refresh
from applications.services.base import record_event
from applications.workflow import Action, Status
from documents.rendering import render_html_pdf
from grants import services as grant_services
from grants.models import PaymentRequest
from grants.workflow import PaymentState
from municipalities.models import Municipality
from reports import services
from reports.models import ReportAttachmentKind, ReportKind

BERLIN = ZoneInfo("Europe/Berlin")
REFERENCE = "KIV-2019-0901"
AGS = "06431011"  # Heppenheim (Bergstraße): the demo account antrag@wir-portal.example
TITLE = "Heppenheim lebt Vielfalt"
# (category position, planned, actually spent)
COSTS = ((0, Decimal("16000.00"), Decimal("14250.00")), (1, Decimal("6000.00"), Decimal("5100.00")))


def _pdf(title: str, text: str) -> ContentFile:
    html = (
        f"<!DOCTYPE html><html lang='de'><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return ContentFile(render_html_pdf(html, title=title, created=timezone.now()), name="x.pdf")


def _approved_application(round_: FundingRound, municipality: Municipality) -> Application:
    decided = dt.datetime(2020, 2, 14, 10, 0, tzinfo=BERLIN)
    app = Application.objects.create(
        round=round_,
        lead_municipality=municipality,
        status=Status.APPROVED,
        reference=REFERENCE,
        submitted_at=dt.datetime(2019, 11, 28, 15, 0, tzinfo=BERLIN),
        decided_at=decided,
        granted_amount=Decimal("18000.00"),
        approved_total_cost=Decimal("22000.00"),
        approved_own_funds=Decimal("4000.00"),
        approved_third_party_funds=Decimal("0.00"),
        financing_adjustment="none",
        title=TITLE,
        summary="Eine Vielfalts- und Integrationsstrategie für Heppenheim, gemeinsam erarbeitet.",
        street="Großer Markt 1",
        postcode="64646",
        city="Heppenheim",
        contact_name="Anna Antrag",
        contact_email="antrag@wir-portal.example",
        signatory_name="Bürgermeister",
        signatory_function="Bürgermeister",
        iban="DE89370400440532013000",
        account_holder="Stadtkasse Heppenheim",
        start_date=dt.date(2020, 3, 1),
        end_date=dt.date(2020, 12, 15),
        own_funds=Decimal("4000.00"),
        third_party_funds=Decimal("0.00"),
        requested_grant=Decimal("18000.00"),
        declarations={d.key: True for d in round_declarations(round_)},
    )
    RoundParticipation.objects.create(
        round=round_, municipality=municipality, application=app, role=ParticipationRole.LEAD
    )
    categories = list(CostCategory.objects.filter(round=round_).order_by("position"))
    for position, planned, _spent in COSTS:
        CostLine.objects.create(
            application=app,
            category=categories[position],
            description=categories[position].name,
            amount=planned,
            budget_year=2020,
            position=position,
        )
    record_event(
        app,
        None,
        Action.APPROVE,
        message="Demo: bewilligt",
        from_status=Status.READY_FOR_DECISION,
        to_status=Status.APPROVED,
        now=decided,
    )
    search_vectors_refresh([app.pk])
    return app


@transaction.atomic
def seed_reports() -> list[str]:
    """The approved demo application with its submitted final report (once)."""
    round_ = FundingRound.objects.filter(reference_prefix="KIV-2019").first()
    municipality = Municipality.objects.filter(ags=AGS).first()
    user = User.objects.filter(email="antrag@wir-portal.example").first()
    if round_ is None or municipality is None or user is None:
        return []
    if Application.objects.filter(reference=REFERENCE).exists():
        return []
    if RoundParticipation.objects.filter(round=round_, municipality=municipality).exists():
        return []
    app = _approved_application(round_, municipality)
    grant = grant_services.grant_ensure(app)
    for number, (amount, paid_on) in enumerate(
        ((Decimal("10000.00"), dt.date(2020, 3, 16)), (Decimal("8000.00"), dt.date(2020, 9, 1))),
        start=1,
    ):
        PaymentRequest.objects.create(
            grant=grant,
            number=number,
            state=PaymentState.PAID,
            amount=amount,
            approved_amount=amount,
            iban=app.iban,
            account_holder=app.account_holder,
            paid_on=paid_on,
        )
    report = services.report_open(grant=grant, user=user, kind=ReportKind.FINAL)
    services.report_save_factual(
        report=report,
        user=user,
        activities=(
            "Auftakt im März, drei Quartierswerkstätten (Innenstadt, Nord, Kirschhausen), eine "
            "Online-Beteiligung und ein Runder Tisch Vielfalt; Dokumentation aller Ergebnisse."
        ),
        participants=(
            "Rund 260 Bürgerinnen und Bürger, 14 Vereine, zwei Migrantenorganisationen, Schulen, "
            "der Ausländerbeirat und die Verwaltung; Moderation durch ein externes Büro."
        ),
        strategy=(
            "„Heppenheim lebt Vielfalt 2030“: sechs Handlungsfelder (Ankommen, Bildung, Arbeit, "
            "Wohnen im Quartier, Begegnung, Verwaltung) mit 24 Maßnahmen."
        ),
        council_adopted=True,
        council_date=dt.date(2020, 12, 10),
    )
    categories = list(CostCategory.objects.filter(round=round_).order_by("position"))
    services.report_save_numbers(
        report=report,
        user=user,
        own_funds=Decimal("4000.00"),
        third_party_funds=Decimal("600.00"),
        amounts={categories[position].pk: spent for position, _p, spent in COSTS},
    )
    for kind, title in (
        (ReportAttachmentKind.STRATEGY, "Heppenheim lebt Vielfalt 2030"),
        (ReportAttachmentKind.COUNCIL_RESOLUTION, "Beschluss der Stadtverordnetenversammlung"),
    ):
        upload = _pdf(title, "Demo-Dokument.")
        upload.name = f"{kind}.pdf"
        services.report_attachment_add(report=report, user=user, kind=kind, uploaded_file=upload)
    services.report_submit(report=report, user=user)
    return [
        f"{REFERENCE} {municipality.name}: {TITLE} (bewilligt, Verwendungsnachweis eingereicht)"
    ]
