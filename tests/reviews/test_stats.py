"""The stored review statistics (reviews/stats.py) stay right after every change a case officer
or reviewer makes: a review finalised or reopened, an assignment ended or made active again, a
conflict declared; the migration fills them as the services do. What the overview and the
ranking show is compared with the statistics computed from the reviews themselves."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Avg, Count, Max, Min

from applications.workflow import Status
from reviews import services
from reviews.models import AssignmentStatus, Review, ReviewStats, ReviewStatus
from reviews.selectors import OverviewFilters, application_review_stats, round_applications
from reviews.stats import review_stats_refresh
from tests.factories import ApplicationFactory, ReviewerFactory

from .conftest import assign_and_declare, score_all

pytestmark = pytest.mark.django_db


def from_reviews(application) -> dict:
    """The statistics aggregated from the reviews themselves, as the pages did before they
    were stored (PostgreSQL's count, avg, min and max over the final reviews)."""
    finals = Review.objects.filter(
        assignment__application=application,
        assignment__status=AssignmentStatus.ACTIVE,
        status=ReviewStatus.FINAL,
    ).aggregate(
        final_reviews=Count("pk"),
        mean_score=Avg("score"),
        min_score=Min("score"),
        max_score=Max("score"),
    )
    conflicts = application.assignments.filter(status=AssignmentStatus.ENDED_CONFLICT).count()
    return {**finals, "conflicts": conflicts}


def shown(application) -> dict:
    """The statistics as the RP pages read them."""
    app = application_review_stats(application)
    return {
        "final_reviews": app.final_reviews,
        "mean_score": app.mean_score,
        "min_score": app.min_score,
        "max_score": app.max_score,
        "conflicts": app.conflicts,
    }


def assert_right(application, **expected):
    actual = shown(application)
    assert actual == from_reviews(application)
    for key, value in expected.items():
        assert actual[key] == value, key


def test_each_change_of_a_review_or_assignment_updates_the_statistics(
    in_review, case_officer, criteria, reviewer, reviewer2
):
    assert_right(in_review, final_reviews=0, mean_score=None, conflicts=0)

    first = assign_and_declare(in_review, reviewer, case_officer)
    review = score_all(first, reviewer, criteria, 8)  # finalised
    assert_right(in_review, final_reviews=1, mean_score=Decimal("8"), min_score=Decimal("8"))

    second = assign_and_declare(in_review, reviewer2, case_officer)
    score_all(second, reviewer2, criteria, [3, 3, 3, 3, 3, 4])
    assert_right(in_review, final_reviews=2, min_score=Decimal("3.167"), max_score=Decimal("8"))
    assert application_review_stats(in_review).flagged  # 4.833 apart, threshold 2

    services.review_reopen(review=review, user=case_officer, reason="Punkte prüfen.")
    assert_right(in_review, final_reviews=1, max_score=Decimal("3.167"))
    assert not application_review_stats(in_review).flagged

    services.assignment_end(assignment=second, user=case_officer, reason="Verhindert.")
    assert_right(in_review, final_reviews=0, mean_score=None, min_score=None)

    # Assigned again after the case officer ended it: the final review counts again.
    services.assignment_create(application=in_review, reviewer=reviewer2, user=case_officer)
    assert_right(in_review, final_reviews=1, mean_score=Decimal("3.167"))

    conflicted = ReviewerFactory()
    assign_and_declare(in_review, conflicted, case_officer, conflict=True)
    assert_right(in_review, final_reviews=1, conflicts=1)


def test_drafts_do_not_count(in_review, case_officer, criteria, reviewer):
    assignment = assign_and_declare(in_review, reviewer, case_officer)
    score_all(assignment, reviewer, criteria, 9, finalize=False)
    assert_right(in_review, final_reviews=0, mean_score=None)


def test_the_mean_is_the_exact_average(in_review, case_officer, criteria):
    """Three reviews 7, 7, 8: the mean 7.333… is not rounded before sorting and display."""
    for points in (7, 7, 8):
        reviewer = ReviewerFactory()
        score_all(assign_and_declare(in_review, reviewer, case_officer), reviewer, criteria, points)
    assert_right(in_review, final_reviews=3)  # the same digits as PostgreSQL's avg()
    assert str(application_review_stats(in_review).mean_score) == "7.3333333333333333"


def test_the_overview_sorts_and_flags_by_the_statistics(round_, case_officer, criteria):
    def scored(points_per_reviewer):
        app = ApplicationFactory(round=round_, status=Status.IN_REVIEW)
        for points in points_per_reviewer:
            reviewer = ReviewerFactory()
            assignment = services.assignment_create(
                application=app, reviewer=reviewer, user=case_officer
            )
            services.assignment_declare(assignment=assignment, user=reviewer, conflict=False)
            score_all(assignment, reviewer, criteria, points)
        return app

    low, high, split, none = scored([3]), scored([9, 8]), scored([1, 9]), scored([])
    applications, _ = round_applications(
        user=case_officer, round=round_, filters=OverviewFilters(sort="-mean_score")
    )
    assert list(applications) == [high, split, low, none]
    flagged, _ = round_applications(
        user=case_officer, round=round_, filters=OverviewFilters(flagged=True)
    )
    assert list(flagged) == [split]


def test_the_migration_fills_what_the_services_keep(in_review, case_officer, criteria, reviewer):
    score_all(assign_and_declare(in_review, reviewer, case_officer), reviewer, criteria, 6)
    assign_and_declare(in_review, ReviewerFactory(), case_officer, conflict=True)
    other = ApplicationFactory(round=in_review.round, status=Status.IN_REVIEW)  # no assignment
    kept = {s.pk: (s.final_reviews, s.score_sum, s.min_score, s.max_score, s.conflicts)
            for s in ReviewStats.objects.all()}  # fmt: skip
    ReviewStats.objects.all().delete()
    migration = importlib.import_module("reviews.migrations.0003_review_stats")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    filled = {s.pk: (s.final_reviews, s.score_sum, s.min_score, s.max_score, s.conflicts)
              for s in ReviewStats.objects.all()}  # fmt: skip
    assert filled == kept and in_review.pk in filled
    assert other.pk not in filled and shown(other)["final_reviews"] == 0


def test_refresh_is_idempotent_and_takes_many_applications(round_, case_officer, criteria):
    apps = ApplicationFactory.create_batch(3, round=round_, status=Status.IN_REVIEW)
    reviewer = ReviewerFactory()
    for app in apps:
        score_all(assign_and_declare(app, reviewer, case_officer), reviewer, criteria, 5)
    rows = ReviewStats.objects.order_by("pk").values_list("pk", "final_reviews", "score_sum")
    before = list(rows)
    review_stats_refresh([a.pk for a in apps] * 2)
    after = list(rows.all())
    assert before == after and len(after) == 3
