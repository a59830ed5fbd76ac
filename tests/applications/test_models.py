"""Factories and database invariants."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from applications.models import Application, RoundParticipation
from applications.services import application_validate_for_submission
from applications.workflow import Status
from tests.factories import (
    ApplicationFactory,
    CostLineFactory,
    FundingRoundFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db


def test_complete_factory_passes_submission_checks(complete_app):
    assert application_validate_for_submission(complete_app) == {}
    assert complete_app.total_cost == Decimal("20000.00")
    assert complete_app.financing_gap == Decimal("18000.00")


def test_with_totals_annotation_matches_property(complete_app):
    annotated = Application.objects.with_totals().get(pk=complete_app.pk)
    assert annotated.total_cost_sum == Decimal("20000.00")
    assert annotated.total_cost == complete_app.total_cost
    empty = ApplicationFactory()
    assert Application.objects.with_totals().get(pk=empty.pk).total_cost == Decimal("0.00")


def test_round_participation_unique_per_round_in_database():
    round_ = FundingRoundFactory()
    town = MunicipalityFactory()
    ApplicationFactory(round=round_, lead_municipality=town)
    other = ApplicationFactory(round=round_, lead_participation=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundParticipation.objects.create(
            round=round_, municipality=town, application=other, role="partner"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundParticipation.objects.create(
            round=round_, municipality=town, application=other, role="lead"
        )
    # In another round the same municipality may take part again.
    ApplicationFactory(round=FundingRoundFactory(), lead_municipality=town)


def test_second_lead_row_for_one_application_refused():
    app = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundParticipation.objects.create(
            round=app.round, municipality=MunicipalityFactory(), application=app, role="lead"
        )


def test_cost_line_amount_not_negative_in_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CostLineFactory(amount=Decimal("-1.00"))


@pytest.mark.parametrize(
    "fields",
    [
        {"joint_max_partners": 0},
        {"joint_max_partners": 3},
        {"duration_min_months": 0},
        {"duration_max_months": 19},
        {"duration_min_months": 12, "duration_max_months": 6},
        {"population_lower": 60_000},
    ],
)
def test_round_check_constraints(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRoundFactory(**fields)


def test_submitted_status_needs_reference_in_database():
    app = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=app.pk).update(status=Status.SUBMITTED)


def test_status_outside_choices_refused_in_database():
    app = ApplicationFactory(status=Status.IN_CHECK)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=app.pk).update(status="bogus")


def test_reference_unique():
    a = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(status=Status.SUBMITTED, reference=a.reference)


def test_round_open_at():
    from django.utils import timezone

    now = timezone.now()
    open_round = FundingRoundFactory()
    closed = FundingRoundFactory(
        opens_at=now - timezone.timedelta(days=60), deadline=now - timezone.timedelta(days=1)
    )
    rounds = list(type(open_round).objects.open_at(now))
    assert open_round in rounds and closed not in rounds
    assert open_round.is_open(now) and not closed.is_open(now)
