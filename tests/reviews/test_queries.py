"""The pages of RP Darmstadt and of the jury cost the same number of queries with 2 rows as with
20 (``assert_constant_queries``, tests/queries.py): rounds, the overview in its variants, the
ranking and its exports, bulk assignment, the jury's list, one application's pages with many
reviews, and the admin's lists of review data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.workflow import Status
from reviews.models import Assignment, FormalCheck, Review, ReviewStatus, Score
from reviews.stats import review_stats_refresh
from tests.accounts.factories import login_verified
from tests.factories import (
    AdminFactory,
    ApplicationEventFactory,
    ApplicationFactory,
    FundingRoundFactory,
    ReviewerFactory,
)

from .conftest import ALL_CHECKED

pytestmark = pytest.mark.django_db


def make_reviews(applications, reviewers, criteria=()) -> list[Assignment]:
    """Each reviewer assigned to each application, declared, with a final review (and a score
    per criterion): rows written directly. The scores differ by application, and by three
    points between one reviewer and the next, so that every application with two reviews is
    flagged (spread above the round's threshold of 2)."""
    now = timezone.now()
    assignments = Assignment.objects.bulk_create(
        Assignment(application=a, reviewer=r, declared_at=now)
        for a in applications
        for r in reviewers
    )
    position = {r.pk: i for i, r in enumerate(reviewers)}
    reviews = Review.objects.bulk_create(
        Review(
            assignment=a,
            status=ReviewStatus.FINAL,
            score=Decimal(1 + a.application_id % 5 + 3 * position[a.reviewer_id]),
            recommendation="fund",
            finalized_at=now,
        )
        for a in assignments
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=c, points=3) for review in reviews for c in criteria
    )
    review_stats_refresh(a.pk for a in applications)  # rows written directly: refresh by hand
    return assignments


def make_applications(round_, n: int) -> None:
    """``n`` applications in scoring, each with two final reviews."""
    make_reviews(
        ApplicationFactory.create_batch(n, round=round_, status=Status.IN_REVIEW),
        [ReviewerFactory(), ReviewerFactory()],
    )


# The round's pages ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url_name, query, sizes",
    [
        ("reviews:overview", "", (2, 20)),
        ("reviews:overview", "?sort=-mean_score&flagged=on&q=Musterhausen", (2, 20)),
        ("reviews:overview", "?sort=-mean_score", (2, 20)),
        ("reviews:overview", "?sort=flags&flagged=on", (2, 20)),
        ("reviews:overview", "?page=2&sort=flags", (2, 30)),  # a second page of 25
        ("reviews:ranking", "", (2, 20)),
        ("reviews:ranking", "?page=2", (2, 60)),  # a second page of 50
        ("reviews:ranking_csv", "", (2, 20)),
        ("reviews:ranking_xlsx", "", (2, 20)),
        ("reviews:bulk_assign", "", (2, 20)),
    ],
)
def test_round_pages(
    client, login, round_, case_officer, assert_constant_queries, url_name, query, sizes
):
    def make_rows(n):
        make_applications(round_, n)
        ReviewerFactory.create_batch(n)  # the jury to choose from (bulk assignment)

    login(client, case_officer)
    assert_constant_queries(
        reverse(url_name, args=[round_.pk]) + query, make_rows=make_rows, client=client, sizes=sizes
    )


def test_rounds(client, login, case_officer, assert_constant_queries):
    def make_rows(n):
        for _ in range(n):
            round_ = FundingRoundFactory()
            ApplicationFactory(round=round_, status=Status.SUBMITTED)
            ApplicationFactory(round=round_, status=Status.IN_REVIEW)

    login(client, case_officer)
    assert_constant_queries(reverse("reviews:index"), make_rows=make_rows, client=client)


def test_jury_list(client, login, reviewer, assert_constant_queries):
    def make_rows(n):
        make_reviews(ApplicationFactory.create_batch(n, status=Status.IN_REVIEW), [reviewer])
        Assignment.objects.bulk_create(  # not declared yet, no review
            Assignment(application=a, reviewer=reviewer)
            for a in ApplicationFactory.create_batch(n, status=Status.IN_REVIEW)
        )

    login(client, reviewer)
    response = assert_constant_queries(
        reverse("reviews:jury_list"), make_rows=make_rows, client=client
    )
    assert len(response.context["assignments"]) == 40


def test_jury_list_second_page(client, login, reviewer, assert_constant_queries):
    def make_rows(n):
        make_reviews(ApplicationFactory.create_batch(n, status=Status.IN_REVIEW), [reviewer])

    login(client, reviewer)
    response = assert_constant_queries(
        reverse("reviews:jury_list") + "?page=2", make_rows=make_rows, client=client, sizes=(2, 60)
    )
    assert len(response.context["assignments"]) == 10  # 60 rows, 50 a page


# One application with many reviews, events and checks ------------------------------------------
@pytest.mark.parametrize("url_name", ["detail", "formal_check", "assignments", "decision"])
def test_application_pages(
    client, login, in_review, case_officer, criteria, assert_constant_queries, url_name
):
    def make_rows(n):
        make_reviews([in_review], ReviewerFactory.create_batch(n), criteria)
        ApplicationEventFactory.create_batch(n, application=in_review, internal=True)
        FormalCheck.objects.bulk_create(
            FormalCheck(application=in_review, checked_by=case_officer, outcome="passed",
                        **ALL_CHECKED)
            for _ in range(n)
        )  # fmt: skip

    login(client, case_officer)
    assert_constant_queries(
        reverse(f"reviews:{url_name}", args=[in_review.pk]), make_rows=make_rows, client=client
    )


# The Django admin's lists -----------------------------------------------------------------------
@pytest.mark.parametrize("model", ["assignment", "review", "formalcheck"])
def test_admin_changelists(client, round_, assert_constant_queries, model):
    officer = AdminFactory()

    def make_rows(n):
        applications = ApplicationFactory.create_batch(n, round=round_, status=Status.IN_REVIEW)
        make_reviews(applications, [ReviewerFactory()])
        FormalCheck.objects.bulk_create(
            FormalCheck(application=a, checked_by=officer, outcome="passed", **ALL_CHECKED)
            for a in applications
        )

    login_verified(client, AdminFactory(is_superuser=True, is_staff=True))
    assert_constant_queries(
        reverse(f"admin:reviews_{model}_changelist"), make_rows=make_rows, client=client
    )
