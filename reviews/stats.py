"""Review statistics per application: stored, kept current by the review services, read as
plain columns.

Why stored and not aggregated per request: the RP overview sorts and flags by the mean score,
and the ranking reads every application of a round. Aggregated per request, each of the
statistics (count, mean, minimum, maximum, and spread and flag built on them) was a correlated
subquery per row: 330 ms for the overview sorted by score at 5,000 applications, and a plan
expensive enough for PostgreSQL to JIT-compile the ranking's query on each request. One grouped
subquery joined once would still aggregate every review of the round on every page view,
also for a page of 25 rows sorted by reference. A ``ReviewStats`` row per application
(``reviews.models``) is one LEFT JOIN on its primary key instead, and statistics change
rarely (a review is finalised or reopened, an assignment ends): a few queries then, once.

How it stays right: ``review_stats_refresh`` recomputes the rows of the given applications
from the assignments and reviews (it never adds or subtracts), so calling it again, or for an
application whose reviews did not change, is harmless. Every service that changes a final
review or an assignment's status calls it in its transaction: ``review_finalize``,
``review_reopen``, ``assignment_end``, ``assignment_declare`` (a conflict), ``assignment_create``
and ``assignments_distribute`` (an ended assignment made active again brings its final review
back). The migration that added the table filled it. Code that writes reviews or assignments
directly (data imports, benchmarks' seeds, tests' bulk rows) calls it afterwards for the
applications it touched.

Concurrency: two reviewers of one application may finalise at the same moment. The refresh
first locks the application's statistics row (creating it if needed) and only then reads the
reviews, in a statement that starts after the lock was granted, so under READ COMMITTED it sees
the other transaction's committed review. The lock is the last one a service takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from applications.models import Application, ApplicationPartner, PartnerStatus
from reviews.models import AssignmentStatus, ReviewStats, ReviewStatus

SCORE_FIELD = DecimalField(max_digits=7, decimal_places=3)

# One UPDATE … FROM the aggregate: the ORM has no UPDATE with a join, and bulk_update's CASE per
# row took half a minute for 5,000 applications (this: under two seconds).
_UPDATE_FROM = """
UPDATE {table} AS s
   SET final_reviews = agg.final_reviews,
       score_sum = COALESCE(agg.score_sum, 0),
       min_score = agg.min_score,
       max_score = agg.max_score,
       conflicts = agg.conflicts,
       updated_at = %s
  FROM ({aggregate}) AS agg
 WHERE s.application_id = agg.pk
"""


# Writing ----------------------------------------------------------------------------------------
def review_stats_refresh(application_ids: Iterable[int]) -> None:
    """Recompute the statistics of these applications from their assignments and reviews.
    Two statements, whatever the number of applications: lock (and create) the rows, then
    write the aggregate. Call it inside the transaction that changed the reviews."""
    ids = sorted(set(application_ids))
    if not ids:
        return
    now = timezone.now()
    # Creates missing rows and locks all of them (ON CONFLICT DO UPDATE locks the row), in the
    # order of the ids so that two refreshes of overlapping sets cannot deadlock.
    ReviewStats.objects.bulk_create(
        [ReviewStats(application_id=pk, updated_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["application"],
        update_fields=["updated_at"],
    )
    final = Q(
        assignments__status=AssignmentStatus.ACTIVE,
        assignments__review__status=ReviewStatus.FINAL,
    )
    rows = (
        Application.objects.filter(pk__in=ids)
        .order_by()
        .values("pk")
        .annotate(
            final_reviews=Count("assignments__review", filter=final),
            score_sum=Sum("assignments__review__score", filter=final),
            min_score=Min("assignments__review__score", filter=final),
            max_score=Max("assignments__review__score", filter=final),
            conflicts=Count(
                "assignments", filter=Q(assignments__status=AssignmentStatus.ENDED_CONFLICT)
            ),
        )
    )
    aggregate, params = rows.query.sql_with_params()
    # Only the table's name and the ORM's compiled SQL go into the text; values are parameters.
    query = _UPDATE_FROM.format(table=ReviewStats._meta.db_table, aggregate=aggregate)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, [now, *params])


# Reading ----------------------------------------------------------------------------------------
def with_combined_population(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Annotates ``combined_population``: the lead's population plus that of the partners
    who have not declined (the lead's alone for a single application). One subquery."""
    partners = (
        ApplicationPartner.objects.filter(application=OuterRef("pk"))
        .exclude(status=PartnerStatus.DECLINED)
        .order_by()
        .values("application")
        .annotate(n=Sum("municipality__population"))
        .values("n")[:1]
    )
    return qs.annotate(
        combined_population=ExpressionWrapper(
            F("lead_municipality__population")
            + Coalesce(Subquery(partners, output_field=IntegerField()), Value(0)),
            output_field=IntegerField(),
        )
    )


def with_score_keys(qs: QuerySet[Application]) -> QuerySet[Any]:
    """Annotates ``final_reviews`` and ``mean_score`` (``None`` without a final review): what
    the ranking sorts by. One LEFT JOIN of the stored statistics."""
    return qs.annotate(
        final_reviews=Coalesce(
            F("review_stats__final_reviews"), Value(0), output_field=IntegerField()
        ),
        # numeric / integer: the same division PostgreSQL's avg() does.
        mean_score=ExpressionWrapper(
            F("review_stats__score_sum") / NullIf(F("review_stats__final_reviews"), 0),
            output_field=SCORE_FIELD,
        ),
    )


def with_review_stats(qs: QuerySet[Application]) -> QuerySet[Any]:
    """Annotates ``final_reviews``, ``mean_score``, ``min_score``, ``max_score``, ``spread``,
    ``flagged`` (spread above the round's threshold) and ``conflicts`` (declared biases) from
    the stored statistics (one LEFT JOIN), and ``is_joint`` and ``combined_population`` (lead
    and partners), so a page of rows costs one query."""
    partners = ApplicationPartner.objects.filter(application=OuterRef("pk")).exclude(
        status=PartnerStatus.DECLINED
    )
    return (
        with_score_keys(with_combined_population(qs))
        .annotate(
            min_score=F("review_stats__min_score"),
            max_score=F("review_stats__max_score"),
            conflicts=Coalesce(F("review_stats__conflicts"), Value(0), output_field=IntegerField()),
            is_joint=Exists(partners),
        )
        .annotate(
            spread=ExpressionWrapper(F("max_score") - F("min_score"), output_field=SCORE_FIELD),
            flagged=ExpressionWrapper(
                Q(spread__gt=F("round__score_spread_threshold")), output_field=BooleanField()
            ),
        )
    )
