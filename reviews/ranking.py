"""The ranking (Rangliste) of a round: whole for exports and bundles, by page for the page.

The rank and the cumulative requested amount are window functions (``ranking_queryset`` for
the whole ranking in one query), so a page needs neither the rows before it nor Python
arithmetic over the whole round: a summary (count, total, how many fit into the budget), the
page's positions computed over narrow rows, and the page's applications are three queries.
The review statistics come from the stored ``ReviewStats`` (``reviews.stats``); there is no
correlated subquery per row apart from the partners' population (PostgreSQL evaluates it for
the rows returned), so the plan's cost stays far below PostgreSQL's ``jit_above_cost`` (the
portal also turns JIT off, see ``DATABASE_DISABLE_JIT`` in ``wir_portal/settings/base.py``).

``reviews.selectors`` re-exports ``RankingRow`` and ``round_ranking``: the public interface for
other apps (PDF bundles, exports).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, RowRange, Sum, Window
from django.db.models.functions import Coalesce, RowNumber

from applications.models import Application, FundingRound
from applications.workflow import RANKED_STATUSES

from .stats import with_review_stats, with_score_keys

TWO_PLACES = Decimal("0.01")
PAGE_SIZE = 50


@dataclass
class RankingRow:
    application: Application
    rank: int
    mean_score: Decimal | None
    final_reviews: int
    min_score: Decimal | None
    max_score: Decimal | None
    spread: Decimal | None
    flagged: bool
    requested: Decimal
    cumulative_requested: Decimal
    within_budget: bool
    # True on the first row that no longer fits into the budget: the line is drawn above it.
    budget_line_before: bool = False


@dataclass
class RankingSummary:
    count: int
    total_requested: Decimal
    within_count: int


def _two(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _ordering() -> list:
    """Best mean of final reviews first (none last), then more final reviews, the smaller
    request, the reference."""
    return [
        F("mean_score").desc(nulls_last=True),
        F("final_reviews").desc(),
        F("requested_grant").asc(),
        F("reference").asc(),
        F("pk").asc(),
    ]


def _ranked(round: FundingRound) -> QuerySet[Application]:
    return Application.objects.filter(round=round, status__in=RANKED_STATUSES)


def _with_position(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.annotate(
        rank=Window(RowNumber(), order_by=_ordering()),
        cumulative_requested=Window(
            Sum("requested_grant"), order_by=_ordering(), frame=RowRange(start=None, end=0)
        ),
    ).order_by("rank")


def ranking_queryset(round: FundingRound) -> QuerySet[Any]:
    """Applications of the round in scoring, ready for decision or approved, in ranking
    order, each with the review statistics, ``rank`` and ``cumulative_requested`` (the sum of
    the requested grants up to and including its own). One query.

    Not authorised: callers are RP pages and exports that checked the person already."""
    return _with_position(
        with_review_stats(_ranked(round).select_related("round", "lead_municipality"))
    )


def _positions(round: FundingRound) -> QuerySet[Any]:
    """``(pk, rank, cumulative_requested)`` in ranking order: the window functions over
    narrow rows (the application's id, amount and reference and its statistics), so sorting
    a round of 5,000 does not move 5,000 whole applications around."""
    return _with_position(with_score_keys(_ranked(round)))


def _row(app: Any, budget: Decimal) -> RankingRow:
    """``app``: an application of ``ranking_queryset`` (with its annotations)."""
    cumulative = app.cumulative_requested
    within = cumulative <= budget
    return RankingRow(
        application=app,
        rank=app.rank,
        mean_score=_two(app.mean_score),
        final_reviews=app.final_reviews,
        min_score=_two(app.min_score),
        max_score=_two(app.max_score),
        spread=_two(app.spread),
        flagged=bool(app.flagged),
        requested=app.requested_grant,
        cumulative_requested=cumulative,
        within_budget=within,
        # Requested grants are not negative, so the rows within the budget come first and
        # the line goes above the first row whose predecessor was still within it.
        budget_line_before=not within and cumulative - app.requested_grant <= budget,
    )


def round_ranking(round: FundingRound) -> list[RankingRow]:
    """The whole ranking of a round (for exports and bundles), with the cumulative
    requested amount against the round's budget. One query."""
    return [_row(app, round.budget) for app in ranking_queryset(round)]


def ranking_summary(round: FundingRound) -> RankingSummary:
    """How many applications are ranked, how much they request together and how many fit
    into the budget (one query)."""
    within = _positions(round).filter(cumulative_requested__lte=round.budget)
    totals = _ranked(round).aggregate(
        count=Count("pk"),
        total=Coalesce(Sum("requested_grant"), Decimal("0.00")),
        within=Count("pk", filter=Q(pk__in=within.values("pk"))),
    )
    return RankingSummary(
        count=totals["count"], total_requested=totals["total"], within_count=totals["within"]
    )


def ranking_page(
    round: FundingRound, number: Any, per_page: int | None = None, count: int | None = None
) -> Page:
    """One page of the ranking (``PAGE_SIZE`` rows unless ``per_page``); ``page.object_list``
    is a list of ``RankingRow``. Numbers out of range give the last page (``get_page``).
    ``count``, the number of ranked applications if the caller knows it (``ranking_summary``),
    saves counting them again. Two queries: the page's positions, then its applications."""
    paginator = Paginator(
        _positions(round).values_list("pk", "rank", "cumulative_requested"),
        per_page or PAGE_SIZE,
    )
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    page = paginator.get_page(number)
    positions = list(page.object_list)
    apps = (
        with_review_stats(_ranked(round).select_related("round", "lead_municipality"))
        .filter(pk__in=[pk for pk, _, _ in positions])
        .in_bulk()
    )
    rows = []
    for pk, rank, cumulative in positions:
        app = apps[pk]
        app.rank, app.cumulative_requested = rank, cumulative
        rows.append(_row(app, round.budget))
    page.object_list = rows
    return page
