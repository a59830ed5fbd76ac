"""The KIV default criteria in the demo data: every KIV round gets them, idempotently."""

import pytest

from demo.reviews import KIV_CRITERIA, seed_criteria
from reviews.models import Criterion
from tests.factories import FundingRoundFactory

pytestmark = pytest.mark.django_db


def test_seed_criteria_idempotent():
    first, second = FundingRoundFactory(), FundingRoundFactory()
    seed_criteria()
    seed_criteria()
    for round_ in (first, second):
        names = list(round_.criteria.order_by("position").values_list("name", flat=True))
        assert names == [
            "Beteiligung aller Bevölkerungsgruppen (partizipativer Ansatz)",
            "Sozialraumbezug",
            "Bezug zur kommunalen Identität",
            "Teilhabeorientierung",
            "Verankerung und Beschlussfähigkeit",
            "Plausibilität von Zeit- und Kostenplan",
        ]
    assert Criterion.objects.count() == 2 * len(KIV_CRITERIA)
    assert set(Criterion.objects.values_list("max_points", flat=True)) == {10}


def test_seed_demo_command_adds_criteria():
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Criterion.objects.filter(round__reference_prefix="KIV-2019").count() == 6
