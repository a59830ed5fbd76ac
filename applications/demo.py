"""Demo funding rounds: the real "2. Förderrunde 2019" and an open copy of it, so that the
portal can be tried today. Idempotent: running it again updates, never duplicates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from .models import AttachmentKind, CostCategory, FinancingType, FundingRound, ProgrammeLine

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


def _round_values(deadline: dt.datetime, opens_at: dt.datetime) -> dict:
    return {
        "programme_line": ProgrammeLine.KIV,
        "description": DESCRIPTION,
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
        "required_attachment_kinds": [AttachmentKind.KONZEPT],
        "decision_notes": (
            "Die Zuwendung wird als Fehlbedarfsfinanzierung im Wege der Projektförderung "
            "gewährt (§ 44 LHO Hessen). Die ANBest-GK sind Bestandteil dieses Bescheids. "
            "Nach Abschluss des Vorhabens ist ein Verwendungsnachweis (Sachbericht und "
            "zahlenmäßiger Nachweis) vorzulegen."
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
        for position, name in enumerate(COST_CATEGORIES):
            CostCategory.objects.update_or_create(
                round=round_, name=name, defaults={"position": position}
            )
        titles.append(f"{title} (Frist {round_.deadline.astimezone(BERLIN):%d.%m.%Y %H:%M})")
    return titles
