"""Aggregation and ranking (weighted mean of final reviews, their number and spread, the
budget line), and the round overview's filters, search, sorting and counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from applications.models import PartnerStatus
from applications.workflow import Status
from reviews import services
from reviews.selectors import (
    OverviewFilters,
    RankingRow,
    overview_rows,
    round_application_ids,
    round_applications,
    round_applications_count,
    round_facets,
    round_ranking,
    status_counts,
)
from tests.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    MunicipalityFactory,
    ReviewerFactory,
)

from .conftest import assign_and_declare, score_all, to_in_review

pytestmark = pytest.mark.django_db


def scored(round_, case_officer, criteria, name, requested, points_per_reviewer, **kwargs):
    """An application in review with one final review per entry of ``points_per_reviewer``."""
    app = ApplicationFactory(
        round=round_,
        lead_municipality=MunicipalityFactory(name=name, **kwargs),
        complete=True,
        status=Status.SUBMITTED,
        requested_grant=Decimal(requested),
        title=f"Vielfalt in {name}",
    )
    to_in_review(app, case_officer)
    for points in points_per_reviewer:
        reviewer = ReviewerFactory()
        assignment = assign_and_declare(app, reviewer, case_officer)
        score_all(assignment, reviewer, criteria, points)
    return app


def test_ranking_orders_by_mean_with_cumulative_amount_and_budget_line(
    round_, case_officer, criteria
):
    # budget 40,000; each asks for 15,000 -> the money runs out after the second
    best = scored(round_, case_officer, criteria, "Bensheim", "15000", [9, 8])
    middle = scored(round_, case_officer, criteria, "Lorsch", "15000", [7, 6])
    spread = scored(round_, case_officer, criteria, "Viernheim", "15000", [2, 9])
    unscored = scored(round_, case_officer, criteria, "Lampertheim", "15000", [])
    rows = round_ranking(round_)
    assert [r.application for r in rows] == [best, middle, spread, unscored]
    first = rows[0]
    assert isinstance(first, RankingRow)
    assert (first.rank, first.mean_score, first.final_reviews) == (1, Decimal("8.50"), 2)
    assert first.spread == Decimal("1.00") and not first.flagged
    assert rows[2].mean_score == Decimal("5.50") and rows[2].spread == Decimal("7.00")
    assert rows[2].flagged  # above the round's threshold of 2 points
    assert rows[3].mean_score is None and rows[3].final_reviews == 0 and not rows[3].flagged
    assert [r.cumulative_requested for r in rows] == [
        Decimal("15000"), Decimal("30000"), Decimal("45000"), Decimal("60000"),
    ]  # fmt: skip
    assert [r.within_budget for r in rows] == [True, True, False, False]
    assert [r.budget_line_before for r in rows] == [False, False, True, False]


def test_ranking_counts_only_final_reviews_of_active_assignments(
    round_, case_officer, criteria, reviewer, reviewer2
):
    app = scored(round_, case_officer, criteria, "Bensheim", "10000", [8])
    draft = assign_and_declare(app, reviewer, case_officer)
    score_all(draft, reviewer, criteria, 1, finalize=False)
    ended = assign_and_declare(app, reviewer2, case_officer)
    score_all(ended, reviewer2, criteria, 2)
    services.assignment_end(assignment=ended, user=case_officer, reason="Doppelt.")
    (row,) = round_ranking(round_)
    assert (row.final_reviews, row.mean_score, row.spread) == (1, Decimal("8.00"), Decimal("0.00"))


def test_ranking_leaves_out_what_is_not_in_the_race(round_, case_officer, criteria):
    scored(round_, case_officer, criteria, "Bensheim", "10000", [8])
    ApplicationFactory(round=round_, status=Status.DRAFT)
    ApplicationFactory(round=round_, status=Status.SUBMITTED)
    ApplicationFactory(round=round_, status=Status.WITHDRAWN)
    ApplicationFactory(round=round_, status=Status.REJECTED)
    assert len(round_ranking(round_)) == 1


def test_ranking_weights(round_, case_officer, criteria):
    criteria[0].weight = Decimal("3.00")
    criteria[0].save()
    app = scored(round_, case_officer, criteria, "Bensheim", "10000", [[10, 2, 2, 2, 2, 2]])
    (row,) = round_ranking(round_)
    assert row.application == app
    assert row.mean_score == Decimal("5.00")  # (10 × 3 + 2 × 5) / (3 + 5)


# The overview -----------------------------------------------------------------------------------
@pytest.fixture
def overview_world(round_, case_officer, criteria):
    bensheim = scored(
        round_, case_officer, criteria, "Bensheim", "12000", [9, 2],
        kreis="Kreis Bergstraße", regierungsbezirk="Darmstadt", population=40_000,
    )  # fmt: skip
    giessen = scored(
        round_, case_officer, criteria, "Lich", "8000", [6],
        kreis="Landkreis Gießen", regierungsbezirk="Gießen", population=13_000,
    )  # fmt: skip
    kassel = ApplicationFactory(
        round=round_,
        lead_municipality=MunicipalityFactory(
            name="Baunatal", kreis="Landkreis Kassel", regierungsbezirk="Kassel", population=28_000
        ),
        status=Status.SUBMITTED,
        title="Zusammenhalt stärken",
        requested_grant=Decimal("20000"),
    )
    ApplicationPartnerFactory(application=kassel, status=PartnerStatus.CONFIRMED)
    ApplicationFactory(round=round_, status=Status.DRAFT, title="Geheimer Entwurf")
    return {"bensheim": bensheim, "lich": giessen, "baunatal": kassel}


def names(qs):
    return [a.lead_municipality.name for a in qs]


def test_overview_filters(round_, case_officer, overview_world):
    def run(**kwargs):
        qs, _ = round_applications(
            user=case_officer, round=round_, filters=OverviewFilters(sort="municipality", **kwargs)
        )
        return names(qs)

    assert run() == ["Baunatal", "Bensheim", "Lich"]  # no draft
    assert run(status=Status.SUBMITTED) == ["Baunatal"]
    assert run(regierungsbezirk="Gießen") == ["Lich"]
    assert run(kreis="Kreis Bergstraße") == ["Bensheim"]
    assert run(joint="joint") == ["Baunatal"]
    assert run(joint="single") == ["Bensheim", "Lich"]
    assert run(flagged=True) == ["Bensheim"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("bensh", ["Bensheim"]),  # a prefix of the municipality
        ("Vielfalt", ["Bensheim", "Lich"]),  # a word of the title, stemmed
        ("vielfalt lich", ["Lich"]),  # every word must match
        ("Zusammenhalts", ["Baunatal"]),  # German stemming
        ("nirgendwo", []),
        ("'); DROP TABLE x; --", []),  # only letters and digits reach tsquery
    ],
)
def test_overview_full_text_search(round_, case_officer, overview_world, query, expected):
    qs, _ = round_applications(
        user=case_officer, round=round_, filters=OverviewFilters(q=query, sort="municipality")
    )
    assert names(qs) == expected


def test_overview_search_by_reference(round_, case_officer, overview_world):
    reference = overview_world["lich"].reference
    qs, _ = round_applications(
        user=case_officer, round=round_, filters=OverviewFilters(q=reference)
    )
    assert names(qs) == ["Lich"]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("municipality", ["Baunatal", "Bensheim", "Lich"]),
        ("-municipality", ["Lich", "Bensheim", "Baunatal"]),
        ("population", ["Lich", "Baunatal", "Bensheim"]),
        ("-requested", ["Baunatal", "Bensheim", "Lich"]),
        ("kreis", ["Bensheim", "Lich", "Baunatal"]),
        ("regierungsbezirk", ["Bensheim", "Lich", "Baunatal"]),
        ("-mean_score", ["Lich", "Bensheim", "Baunatal"]),  # no score last
        ("mean_score", ["Baunatal", "Bensheim", "Lich"]),
        ("-final_reviews", ["Bensheim", "Lich", "Baunatal"]),
        ("-flags", ["Bensheim", "Lich", "Baunatal"]),
        ("status", ["Bensheim", "Lich", "Baunatal"]),  # in_review < submitted
        ("unknown", None),
    ],
)
def test_overview_sorts_by_each_column(round_, case_officer, overview_world, sort, expected):
    qs, used = round_applications(
        user=case_officer, round=round_, filters=OverviewFilters(sort=sort)
    )
    if expected is None:
        assert used == "reference"
        assert [a.reference for a in qs] == sorted(a.reference for a in qs)
    else:
        assert used == sort
        assert names(qs) == expected


def test_status_counts(round_, case_officer, overview_world, reviewer, applicant):
    counts = status_counts(user=case_officer, round=round_)
    assert counts == {Status.IN_REVIEW: 2, Status.SUBMITTED: 1}
    assert status_counts(user=reviewer, round=round_) == {}
    assert status_counts(user=applicant, round=round_) == {}


@pytest.mark.parametrize(
    "filters",
    [
        OverviewFilters(),
        OverviewFilters(status=Status.IN_REVIEW),
        OverviewFilters(regierungsbezirk="Gießen"),
        OverviewFilters(kreis="Kreis Bergstraße", status=Status.IN_REVIEW),
        OverviewFilters(joint="joint"),
        OverviewFilters(joint="single"),
        OverviewFilters(flagged=True),
        OverviewFilters(q="Vielfalt"),
        OverviewFilters(q="nirgendwo"),
    ],
)
def test_overview_count_and_page_match_the_listed_applications(
    round_, case_officer, overview_world, filters
):
    """The overview counts from the grouped facets (or a bare count) and lists a page of ids
    then their rows: the same applications, in the same order, as ``round_applications``."""
    listed, _ = round_applications(user=case_officer, round=round_, filters=filters)
    facets = round_facets(user=case_officer, round=round_)
    count = round_applications_count(
        user=case_officer, round=round_, filters=filters, facets=facets
    )
    assert count == len(listed)
    for sort in ("municipality", "-mean_score", "flags", "-population"):
        filters.sort = sort
        listed, _ = round_applications(user=case_officer, round=round_, filters=filters)
        ids, used = round_application_ids(user=case_officer, round=round_, filters=filters)
        assert used == sort
        rows = overview_rows(user=case_officer, ids=list(ids))
        assert [a.pk for a in rows] == [a.pk for a in listed]
        assert [(a.mean_score, a.flagged, a.is_joint) for a in rows] == [
            (a.mean_score, a.flagged, a.is_joint) for a in listed
        ]


def test_overview_facets_are_empty_for_others(round_, overview_world, reviewer, applicant):
    for user in (reviewer, applicant):
        facets = round_facets(user=user, round=round_)
        assert facets.status_counts == {}
        assert facets.choices == {"regierungsbezirke": [], "kreise": []}
