"""Demo funding rounds: the real "2. Förderrunde 2019" and an open copy of it, so that the
portal can be tried today. Idempotent: running it again updates, never duplicates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from weasyprint import HTML

from accounts.models import Role, User
from applications import services
from applications.calls import round_add_standard_set, round_declarations
from applications.models import (
    AttachmentKind,
    CostCategory,
    FinancingType,
    FundingRound,
    ProgrammeLine,
    RoundParticipation,
)
from municipalities.models import Membership, Municipality
from questionnaires.definitions import strategy_question_set

BERLIN = ZoneInfo("Europe/Berlin")

COST_CATEGORIES = (
    "Externe Prozessmoderation",
    "Beteiligungsformate und Veranstaltungen",
    "Öffentlichkeitsarbeit und Dokumentation",
    "Übersetzung und Dolmetschen",
    "Sachkosten",
    "Sonstige Kosten",
)

DESCRIPTION = (
    "Das Hessische Ministerium für Soziales und Integration fördert im Landesprogramm WIR "
    "Städte und Gemeinden, die partizipativ eine kommunale Vielfalts- und Integrationsstrategie "
    "erarbeiten. Die Strategie soll sich auf Sozialräume beziehen, die kommunale Identität "
    "aufnehmen, gesellschaftliche Teilhabe zum Ziel haben und beschlussfähig sein. Kommunen mit "
    "10.000 bis 50.000 Einwohnerinnen und Einwohnern können allein einen Antrag stellen; "
    "Kommunen unter 10.000 gemeinsam mit einer oder zwei Partnerkommunen."
)

CALL_TEXT = (
    "Bereits zum zweiten Mal sucht das Hessische Ministerium für Soziales und Integration "
    "innovative Vielfalts- und Integrationsstrategien für die Städte und Gemeinden Hessens.\n\n"
    "Gefördert werden Kommunen mit 10.000 bis 50.000 Einwohnerinnen und Einwohnern, die eine "
    "solche Strategie partizipativ erarbeiten. Sie soll sich auf Sozialräume beziehen, die "
    "kommunale Identität aufnehmen und gesellschaftliche Teilhabe zum Ziel haben; am Ende steht "
    "eine beschlussfähige Strategie.\n\n"
    "Neu in der zweiten Förderrunde: Kommunen unter 10.000 Einwohnerinnen und Einwohnern können "
    "die Förderung gemeinsam mit einer oder zwei Partnerkommunen beantragen.\n\n"
    "Die Zuwendung beträgt bis zu 20.000 Euro je Antrag. Anträge nimmt das Regierungspräsidium "
    "Darmstadt entgegen."
)


def _round_values(deadline: dt.datetime, opens_at: dt.datetime) -> dict:
    return {
        "programme_line": ProgrammeLine.KIV,
        "description": DESCRIPTION,
        "call_text": CALL_TEXT,
        "opens_at": opens_at,
        "deadline": deadline,
        "max_grant": Decimal("20000.00"),
        "budget": Decimal("300000.00"),
        "population_lower": 10_000,
        "population_upper": 50_000,
        "population_reference_date": dt.date(2020, 12, 31),
        "joint_allowed": True,
        "joint_max_partners": 2,
        "lead_between_bounds_may_be_joint": True,
        "financing_type": FinancingType.FEHLBEDARF,
        "duration_min_months": 1,
        "duration_max_months": 18,
        # The fixed clauses (financing type, ANBest-GK, Verwendungsnachweis) are part of
        # every Zuwendungsbescheid; these are the round's own additions.
        "decision_notes": (
            "Die erarbeitete Strategie ist der Gemeindevertretung zur Beschlussfassung "
            "vorzulegen; der Beschluss ist dem Sachbericht beizufügen. Bitte geben Sie bei "
            "jedem Schriftverkehr das Aktenzeichen an."
        ),
    }


@transaction.atomic
def seed_rounds(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    historic_deadline = dt.datetime(2019, 11, 30, 23, 59, 59, tzinfo=BERLIN)
    open_deadline = (
        (now + dt.timedelta(days=90))
        .astimezone(BERLIN)
        .replace(hour=23, minute=59, second=59, microsecond=0)
    )
    rounds = [
        (
            "KIV-2019",
            "2. Förderrunde 2019",
            _round_values(historic_deadline, dt.datetime(2019, 9, 1, tzinfo=BERLIN)),
        ),
        (
            f"KIV-{open_deadline.year}",
            f"Förderrunde {open_deadline.year} (Demo, offen)",
            _round_values(open_deadline, now - dt.timedelta(days=1)),
        ),
    ]
    titles = []
    for prefix, title, values in rounds:
        round_, _ = FundingRound.objects.update_or_create(
            reference_prefix=prefix, defaults={"title": title, **values}
        )
        if round_.question_set_id is None:  # the strategy call's questions (issue 14)
            round_.question_set = strategy_question_set(title)
            round_.save(update_fields=["question_set"])
        for position, name in enumerate(COST_CATEGORIES):
            CostCategory.objects.update_or_create(
                round=round_, name=name, defaults={"position": position}
            )
        if not round_.declarations.exists():
            round_add_standard_set(round_, required_kinds=[AttachmentKind.KONZEPT])
        titles.append(f"{title} (Frist {round_.deadline.astimezone(BERLIN):%d.%m.%Y %H:%M})")
    return titles


# Submitted demo applications: something for case officers, the jury and bundles to work on
# right away. (AGS, project title, requested grant)
DEMO_APPLICATIONS = (
    ("06431002", "Bensheim gemeinsam: Vielfalt im Quartier", Decimal("18500.00")),
    ("06434008", "Oberursel – Heimat für alle", Decimal("20000.00")),
    ("06531013", "Lollar verbindet", Decimal("12000.00")),
)

PROJECT_TEXT = {
    "summary": (
        "Die Kommune erarbeitet mit Bürgerinnen und Bürgern, Vereinen, Migrantenorganisationen "
        "und Verwaltung eine Vielfalts- und Integrationsstrategie, die die Stadtverordneten-"
        "versammlung beschließt."
    ),
    "starting_situation": (
        "Rund ein Viertel der Einwohnerinnen und Einwohner hat eine Migrationsgeschichte. "
        "Angebote sind vorhanden, aber wenig vernetzt; viele Menschen kennen sie nicht."
    ),
    "aims": "Eine gemeinsam getragene, beschlussfähige Strategie mit konkreten Maßnahmen.",
    "social_space": "Drei Quartiere mit hohem Zuzug stehen im Mittelpunkt der Beteiligung.",
    "municipal_identity": "Die Strategie knüpft an die Geschichte der Stadt als Ankunftsort an.",
    "participation": "Ziel ist die gleichberechtigte Teilhabe am Leben in der Stadt.",
    "participation_formats": "Quartierswerkstätten, Online-Beteiligung, Runder Tisch Vielfalt.",
    "outreach": "Mehrsprachige Einladungen, aufsuchende Beteiligung über Vereine und Schulen.",
    "external_moderation": "Ein externes Moderationsbüro begleitet den gesamten Prozess.",
    "milestones": "Auftakt, drei Werkstattphasen, Entwurf, Beschluss.",
    "council_resolution": "Beschluss in der Stadtverordnetenversammlung nach Abschluss.",
}


def _concept_pdf(title: str) -> bytes:
    """A short Konzept as PDF attachment, so bundles contain a real attachment."""
    html = f"<h1>Konzept: {title}</h1>" + "".join(
        f"<h2>{key}</h2><p>{text}</p>" for key, text in PROJECT_TEXT.items()
    )
    return HTML(string=html).write_pdf()


def seed_applications(now: dt.datetime | None = None) -> list[str]:
    """Three complete applications, submitted through the services in the open demo round
    (the receipts follow from the worker). Municipalities already taking part are skipped."""
    now = now or timezone.now()
    round_ = (
        FundingRound.objects.filter(opens_at__lte=now, deadline__gte=now)
        .order_by("deadline")
        .first()
    )
    if round_ is None:
        return []
    category = round_.cost_categories.order_by("position").first()
    start = (now + dt.timedelta(days=120)).date().replace(day=1)
    end = (start + dt.timedelta(days=365)).replace(day=1) - dt.timedelta(days=1)
    done = []
    for ags, title, grant in DEMO_APPLICATIONS:
        municipality = Municipality.objects.filter(ags=ags).first()
        if (
            municipality is None
            or RoundParticipation.objects.filter(round=round_, municipality=municipality).exists()
        ):
            continue
        user, _ = User.objects.get_or_create(
            email=f"demo-{ags}@wir-portal.example",
            defaults={"full_name": f"Demo {municipality.name}", "role": Role.MUNICIPAL_STAFF},
        )
        Membership.objects.get_or_create(user=user, municipality=municipality)
        with transaction.atomic():
            app = services.application_create(round=round_, municipality=municipality, user=user)
            services.application_update_section(
                application=app, user=user, section="applicant", expected_version=app.version,
                data={
                    "street": "Rathausplatz 1", "postcode": municipality.postcode or "35457",
                    "city": municipality.name.split(",")[0],
                    "contact_name": user.full_name, "contact_function": "Integrationsbüro",
                    "contact_email": user.email, "contact_phone": "06441 123-0",
                    "signatory_name": "Bürgermeisterin", "signatory_function": "Bürgermeisterin",
                    "iban": "DE89370400440532013000", "account_holder": municipality.name,
                },
            )  # fmt: skip
            services.application_update_section(
                application=app, user=user, section="project", expected_version=app.version,
                data={"title": title, "start_date": start, "end_date": end, **PROJECT_TEXT},
            )  # fmt: skip
            total = grant + Decimal("4000.00")
            services.cost_plan_save(
                application=app, user=user, expected_version=app.version,
                lines=[
                    {"category": category, "description": "Externe Prozessmoderation",
                     "amount": total - Decimal("3000.00"), "budget_year": start.year},
                    {"category": category, "description": "Werkstätten und Dokumentation",
                     "amount": Decimal("3000.00"), "budget_year": start.year},
                ],
                own_funds=Decimal("4000.00"), third_party_funds=Decimal("0"),
                requested_grant=grant,
            )  # fmt: skip
            services.attachment_add(
                application=app, user=user, kind="konzept",
                uploaded_file=ContentFile(_concept_pdf(title), name="Konzept.pdf"),
            )  # fmt: skip
            services.application_update_declarations(
                application=app, user=user, expected_version=app.version,
                confirmed=[d.key for d in round_declarations(app.round)],
            )  # fmt: skip
            services.application_submit(application=app, user=user)
        done.append(f"{app.reference} {municipality.name}: {title}")
    return done
