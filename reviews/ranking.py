"""The ranking (Rangliste) of a round: whole for exports and bundles, by page for the page.

The rank and the cumulative requested amount are window functions of one query
(``ranking_queryset``), so a page of the ranking needs neither the rows before it nor Python
arithmetic over the whole round: the page's rows, their count and a summary are three small
queries. The review statistics come from the stored ``ReviewStats`` (``reviews.stats``); the
query has no correlated subquery per row apart from the partners' population, cheap enough
that PostgreSQL does not JIT-compile its plan (the portal also turns JIT off, see
``DATABASE_DISABLE_JIT`` in ``wir_portal/settings/base.py``).

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

from .stats import with_review_stats

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


def ranking_queryset(round: FundingRound) -> QuerySet[Any]:
    """Applications of the round in scoring, ready for decision or approved, in ranking
    order, each with the review statistics, ``rank`` and ``cumulative_requested`` (the sum of
    the requested grants up to and including its own). One query, whatever is sliced.

    Not authorised: callers are RP pages and exports that checked the person already."""
    qs = with_review_stats(
        Application.objects.filter(round=round, status__in=RANKED_STATUSES).select_related(
            "round", "lead_municipality"
        )
    )
    return qs.annotate(
        rank=Window(RowNumber(), order_by=_ordering()),
        cumulative_requested=Window(
            Sum("requested_grant"), order_by=_ordering(), frame=RowRange(start=None, end=0)
        ),
    ).order_by("rank")


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
    within = ranking_queryset(round).filter(cumulative_requested__lte=round.budget)
    totals = Application.objects.filter(round=round, status__in=RANKED_STATUSES).aggregate(
        count=Count("pk"),
        total=Coalesce(Sum("requested_grant"), Decimal("0.00")),
        within=Count("pk", filter=Q(pk__in=within.values("pk"))),
    )
    return RankingSummary(
        count=totals["count"], total_requested=totals["total"], within_count=totals["within"]
    )


def ranking_page(round: FundingRound, number: Any, per_page: int | None = None) -> Page:
    """One page of the ranking (``PAGE_SIZE`` rows unless ``per_page``); ``page.object_list``
    is a list of ``RankingRow``. Numbers out of range give the last page (``get_page``)."""
    page = Paginator(ranking_queryset(round), per_page or PAGE_SIZE).get_page(number)
    page.object_list = [_row(app, round.budget) for app in page.object_list]
    return page
