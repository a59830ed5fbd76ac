"""The second demo call, set up only through configuration (issue 14): "WIR-Integrationslotsen
2027" for Landkreise and kreisfreie Städte, up to 45,000 EUR, with its own declarations and
kinds of attachment, open for applications. Everything here is what an admin enters in the
Django admin (README, "Setting up a call"); no code of the call exists elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from applications.models import (
    CostCategory,
    EligibilityRule,
    FinancingType,
    FundingRound,
    ProgrammeLine,
    RoundAttachmentKind,
    RoundDeclaration,
)
from demo.questionnaires import integration_guides_question_set

BERLIN = ZoneInfo("Europe/Berlin")

GUIDES_PREFIX = "WIR-IL-2027"
GUIDES_TITLE = "WIR-Integrationslotsen 2027"

GUIDES_DESCRIPTION = (
    "Das Land fördert Landkreise und kreisfreie Städte, die ehrenamtliche Integrationslotsinnen "
    "und Integrationslotsen gewinnen, schulen und in ihrer Arbeit begleiten."
)

GUIDES_CALL_TEXT = (
    "Integrationslotsinnen und Integrationslotsen begleiten Zugewanderte im Alltag: bei Behörden, "
    "in Schule und Kita, auf dem Weg in Arbeit und Ausbildung. Sie kennen beide Seiten und "
    "schlagen Brücken.\n\n"
    "Antragsberechtigt sind die hessischen Landkreise und kreisfreien Städte. Gefördert werden "
    "die Gewinnung und Schulung der Lotsinnen und Lotsen, ihre fachliche Begleitung durch eine "
    "Koordinierungsstelle und Aufwandsentschädigungen.\n\n"
    "Die Zuwendung beträgt bis zu 45.000 Euro je Antrag. Anträge nimmt das "
    "Regierungspräsidium Darmstadt entgegen."
)

GUIDES_COST_CATEGORIES = (
    "Koordination und fachliche Begleitung",
    "Schulung der Lotsinnen und Lotsen",
    "Aufwandsentschädigungen",
    "Öffentlichkeitsarbeit und Übersetzung",
    "Sachkosten",
)

# (text, hint, link, link text, required)
GUIDES_DECLARATIONS = (
    (
        "Die Integrationslotsinnen und -lotsen werden vor ihrem ersten Einsatz geschult und "
        "während des Vorhabens fachlich begleitet.",
        "", "", "", True,
    ),
    (
        "Die Lotsinnen und Lotsen sind ehrenamtlich tätig; Aufwandsentschädigungen werden nur "
        "im Rahmen des Förderaufrufs gezahlt.",
        "", "", "", True,
    ),
    ("Mit dem Vorhaben wurde noch nicht begonnen.", "", "", "", True),
    (
        "Die ANBest-GK sind bekannt und werden anerkannt.",
        "Allgemeine Nebenbestimmungen für Zuwendungen an Gemeinden und Gemeindeverbände:",
        "anbest_gk", "Das Wichtigste zu den ANBest-GK lesen", True,
    ),
    (
        "Die Hinweise zum Datenschutz wurden zur Kenntnis genommen.",
        "Wie das Portal Ihre Angaben verarbeitet:",
        "datenschutz", "Datenschutzerklärung lesen", True,
    ),
)  # fmt: skip

# (key, label, hint, required); "konzept" is the kind the question set's attachment question
# "Schulungskonzept" asks for (demo.questionnaires)
GUIDES_ATTACHMENT_KINDS = (
    (
        "konzept",
        "Schulungskonzept für die Lotsinnen und Lotsen",
        "Inhalte, Umfang und Träger der Schulung.",
        True,
    ),
    (
        "kooperation",
        "Kooperationsvereinbarung mit Trägern der Integrationsarbeit",
        "Zum Beispiel mit Migrationsberatung, Jugendmigrationsdienst oder Ehrenamtsagentur.",
        False,
    ),
    ("cost_plan", "Kosten- und Finanzierungsplan (Anlage)", "", False),
    ("other", "Sonstiges", "", False),
)


@transaction.atomic
def seed_calls(now: dt.datetime | None = None) -> list[str]:
    """Create or refresh the Integrationslotsen call (open from yesterday for 120 days)."""
    now = now or timezone.now()
    deadline = (
        (now + dt.timedelta(days=120))
        .astimezone(BERLIN)
        .replace(hour=23, minute=59, second=59, microsecond=0)
    )
    round_, _ = FundingRound.objects.update_or_create(
        reference_prefix=GUIDES_PREFIX,
        defaults={
            "title": GUIDES_TITLE,
            "programme_line": ProgrammeLine.KIV,
            "description": GUIDES_DESCRIPTION,
            "call_text": GUIDES_CALL_TEXT,
            "opens_at": now - dt.timedelta(days=1),
            "deadline": deadline,
            "max_grant": Decimal("45000.00"),
            "budget": Decimal("900000.00"),
            "eligibility_rule": EligibilityRule.KREISE,
            "population_reference_date": dt.date(2020, 12, 31),
            "joint_allowed": False,
            "financing_type": FinancingType.FEHLBEDARF,
            "duration_min_months": 6,
            "duration_max_months": 18,
        },
    )
    for position, name in enumerate(GUIDES_COST_CATEGORIES):
        CostCategory.objects.update_or_create(
            round=round_, name=name, defaults={"position": position}
        )
    if not round_.declarations.exists():
        for position, (text, hint, url, link_text, required) in enumerate(
            GUIDES_DECLARATIONS, start=1
        ):
            RoundDeclaration.objects.create(
                round=round_, position=position, text=text, hint=hint, link_url=url,
                link_text=link_text, required=required,
            )  # fmt: skip
    if not round_.attachment_kinds.exists():
        for position, (key, label, hint, required) in enumerate(GUIDES_ATTACHMENT_KINDS, start=1):
            RoundAttachmentKind.objects.create(
                round=round_,
                position=position,
                key=key,
                label=label,
                hint=hint,
                required=required,
            )
    integration_guides_question_set(round_)
    return [f"{round_.title} (Frist {round_.deadline.astimezone(BERLIN):%d.%m.%Y %H:%M})"]
