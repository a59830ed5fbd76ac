"""The ranking and the jury list by pages: the ranking's pages together are the export's rows
in the export's order (ties included), a case officer can walk through them and jump to the
budget line; the jury list shows the reviewer's assignments of rounds not yet decided."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.workflow import Status
from reviews.models import Assignment, Review, ReviewStatus
from reviews.ranking import ranking_page, ranking_summary, round_ranking
from reviews.stats import review_stats_refresh
from tests.factories import ApplicationFactory, FundingRoundFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def ranked_app(round_, requested: str, scores: list[str], **kwargs):
    """An application in scoring with a final review per score (rows written directly, then
    the statistics refreshed, as a data import would)."""
    app = ApplicationFactory(
        round=round_, status=Status.IN_REVIEW, requested_grant=Decimal(requested), **kwargs
    )
    now = timezone.now()
    for score in scores:
        assignment = Assignment.objects.create(
            application=app, reviewer=ReviewerFactory(), declared_at=now
        )
        Review.objects.create(
            assignment=assignment,
            status=ReviewStatus.FINAL,
            score=Decimal(score),
            recommendation="fund",
            finalized_at=now,
        )
    review_stats_refresh([app.pk])
    return app


@pytest.fixture
def field(round_):
    """Nine applications, budget 40,000: ties on the mean broken by the number of reviews,
    then by the smaller request, then by the reference; two without a final review."""
    apps = {
        "best": ranked_app(round_, "10000", ["9.000", "8.000"]),  # 8.5
        "tie_more": ranked_app(round_, "9000", ["7.000", "7.000", "7.000"]),  # 7, 3 reviews
        "tie_fewer": ranked_app(round_, "5000", ["6.000", "8.000"]),  # 7, 2 reviews
        "tie_cheap": ranked_app(round_, "4000", ["6.500", "6.500"]),  # 6.5, cheaper
        "tie_dear": ranked_app(round_, "8000", ["6.000", "7.000"]),  # 6.5
        "third": ranked_app(round_, "3000", ["6.333", "6.334", "6.333"]),  # 6.3333…
        "low": ranked_app(round_, "7000", ["2.000"]),
        "none_a": ranked_app(round_, "1000", []),
        "none_b": ranked_app(round_, "1000", []),
    }
    ApplicationFactory(round=round_, status=Status.REJECTED)  # not in the ranking
    return apps


def test_ranking_order_ties_and_budget(round_, field):
    rows = round_ranking(round_)
    expected = ["best", "tie_more", "tie_fewer", "tie_cheap", "tie_dear", "third", "low"]
    nameless = sorted([field["none_a"], field["none_b"]], key=lambda a: a.reference)
    assert [r.application for r in rows] == [field[k] for k in expected] + nameless
    assert [r.rank for r in rows] == list(range(1, 10))
    cumulative = Decimal(0)
    for row in rows:
        cumulative += row.requested
        assert row.cumulative_requested == cumulative
        assert row.within_budget == (cumulative <= round_.budget)
    # 10,000 + 9,000 + 5,000 + 4,000 + 8,000 = 36,000; with 3,000 39,000; 7,000 more is over
    assert [r.budget_line_before for r in rows] == [False] * 6 + [True, False, False]
    assert rows[5].mean_score == Decimal("6.33") and rows[0].spread == Decimal("1.00")
    summary = ranking_summary(round_)
    assert (summary.count, summary.within_count) == (9, 6)
    assert summary.total_requested == Decimal("48000.00")


def test_the_pages_together_are_the_export(round_, field):
    whole = round_ranking(round_)
    paged, number = [], 1
    while True:
        page = ranking_page(round_, number, per_page=4)
        paged.extend(page.object_list)
        if not page.has_next():
            break
        number += 1
    assert number == 3
    assert paged == whole  # every field, also the budget line on the second page


def test_walking_through_the_ranking(client, login, case_officer, round_, field, monkeypatch):
    monkeypatch.setattr("reviews.ranking.PAGE_SIZE", 4)
    login(client, case_officer)
    url = reverse("reviews:ranking", args=[round_.pk])

    first = client.get(url).content.decode()
    assert "Seite 1 von 3" in first and "6 von 9" in first
    assert 'aria-label="Seiten der Rangliste"' in first
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    assert "data-budget-line" not in first
    assert re.search(r'href="\?page=2">\s*Zur Budgetgrenze \(Seite 2\)', first)
    assert first.count("kern-table__row") - first.count("kern-table__row wir-budget") == 5

    second = client.get(url, {"page": 2}).content.decode()
    assert 'rel="prev" href="?page=1"' in second and 'rel="next" href="?page=3"' in second
    assert "Zur Budgetgrenze" not in second  # the line is on this page
    line = second.index("data-budget-line")
    assert second.index(field["third"].reference) < line < second.index(field["low"].reference)

    last = client.get(url, {"page": 99}).content.decode()  # out of range: the last page
    assert "Seite 3 von 3" in last and 'rel="next"' not in last
    assert field["none_a"].reference in last or field["none_b"].reference in last


def test_the_export_has_every_row(client, login, case_officer, round_, field, monkeypatch):
    monkeypatch.setattr("reviews.ranking.PAGE_SIZE", 4)
    login(client, case_officer)
    text = client.get(reverse("reviews:ranking_csv", args=[round_.pk])).content.decode()
    assert all(app.reference in text for app in field.values())


# The jury list ----------------------------------------------------------------------------------
def test_jury_list_shows_only_rounds_not_yet_decided(client, login, reviewer):
    decided_round = FundingRoundFactory(title="Förderrunde 2017")
    open_round = FundingRoundFactory(title="Förderrunde 2019")
    done = [
        ApplicationFactory(round=decided_round, status=Status.APPROVED),
        ApplicationFactory(round=decided_round, status=Status.REJECTED),
    ]
    ApplicationFactory(round=decided_round, status=Status.WITHDRAWN)
    current = ApplicationFactory(round=open_round, status=Status.IN_REVIEW)
    decided_in_open = ApplicationFactory(round=open_round, status=Status.APPROVED)
    for app in [*done, current, decided_in_open]:
        Assignment.objects.create(application=app, reviewer=reviewer, declared_at=timezone.now())
    login(client, reviewer)
    html = client.get(reverse("reviews:jury_list")).content.decode()
    assert current.reference in html and decided_in_open.reference in html
    assert not any(app.reference in html for app in done)
    # The finished round's review stays reachable by its address.
    assert client.get(reverse("reviews:jury_review", args=[done[0].pk])).status_code == 200


def test_jury_list_by_pages(client, login, reviewer, monkeypatch):
    monkeypatch.setattr("reviews.views.jury.JURY_PAGE_SIZE", 2)
    apps = ApplicationFactory.create_batch(5, status=Status.IN_REVIEW)
    Assignment.objects.bulk_create(Assignment(application=a, reviewer=reviewer) for a in apps)
    login(client, reviewer)
    url = reverse("reviews:jury_list")
    first = client.get(url)
    assert len(first.context["assignments"]) == 2
    html = first.content.decode()
    assert 'aria-label="Seiten der Liste meiner Bewertungen"' in html
    assert 'rel="next" href="?page=2"' in html and "Seite 1 von 3" in html
    seen = set()
    for number in (1, 2, 3):
        seen |= {a.pk for a in client.get(url, {"page": number}).context["assignments"]}
    assert seen == {a.pk for a in Assignment.objects.filter(reviewer=reviewer)}
