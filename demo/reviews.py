"""Demo data of the review app: the KIV scoring criteria for every KIV funding round.
Idempotent: running it again updates, never duplicates (and leaves rounds with scores alone)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from applications.models import FundingRound, ProgrammeLine
from reviews.models import Criterion, Score

# (name, description) of the KIV criteria, in the order of the call; weight 1, 0–10 points.
KIV_CRITERIA = (
    (
        "Beteiligung aller Bevölkerungsgruppen (partizipativer Ansatz)",
        "Werden alle Teile der Bevölkerung, nicht zuletzt Zugewanderte, erreicht und am Prozess "
        "beteiligt? Sind die Beteiligungsformate dafür geeignet?",
    ),
    (
        "Sozialraumbezug",
        "Bezieht sich die Strategie auf die Sozialräume der Kommune und ihre unterschiedlichen "
        "Ausgangslagen?",
    ),
    (
        "Bezug zur kommunalen Identität",
        "Nimmt die Strategie die Geschichte, das Selbstverständnis und die Besonderheiten der "
        "Kommune auf?",
    ),
    (
        "Teilhabeorientierung",
        "Zielt die Strategie auf gesellschaftliche Teilhabe und Chancengerechtigkeit?",
    ),
    (
        "Verankerung und Beschlussfähigkeit",
        "Ist die Strategie in Verwaltung und Politik verankert, und ist ein Beschluss der "
        "Gemeindevertretung oder Stadtverordnetenversammlung geplant?",
    ),
    (
        "Plausibilität von Zeit- und Kostenplan",
        "Sind Meilensteine, Laufzeit und Kosten- und Finanzierungsplan nachvollziehbar und "
        "angemessen?",
    ),
)


@transaction.atomic
def seed_criteria(rounds=None) -> list[str]:
    """Create the KIV criteria in every KIV round (or in ``rounds``) that has no scores yet."""
    rounds = (
        rounds
        if rounds is not None
        else FundingRound.objects.filter(programme_line=ProgrammeLine.KIV)
    )
    seeded = []
    for round_ in rounds:
        if Score.objects.filter(criterion__round=round_).exists():
            continue
        for position, (name, description) in enumerate(KIV_CRITERIA):
            Criterion.objects.update_or_create(
                round=round_,
                name=name,
                defaults={
                    "description": description,
                    "weight": Decimal("1.00"),
                    "max_points": 10,
                    "position": position,
                },
            )
        seeded.append(round_.title)
    return seeded
