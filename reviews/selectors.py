"""Reads of the review pages that fetch and authorise in one call, and the round's ranking.

``round_ranking(round)`` is the public interface for other apps (PDF bundles, exports): a list
of ``RankingRow`` with ``.application``, ``.rank``, ``.mean_score``, ``.final_reviews``,
``.spread``, ``.flagged``, ``.requested``, ``.cumulative_requested`` and ``.within_budget``.
It lives in ``reviews.ranking`` (with the ranking's pages); the review statistics
(``with_review_stats``) in ``reviews.stats``. Both are re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    ApplicationQuerySet,
    FundingRound,
    PartnerStatus,
)
from applications.search import search_filter
from applications.search import search_query as text_search_query
from applications.selectors import application_timeline
from applications.workflow import ASSIGNABLE_STATUSES, PENDING_STATUSES, Status

from . import permissions
from .models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    FormalCheck,
    Review,
    Score,
)
from .ranking import RankingRow as RankingRow
from .ranking import round_ranking as round_ranking
from .stats import SCORE_FIELD, with_score_keys
from .stats import with_combined_population as with_combined_population
from .stats import with_review_stats as with_review_stats


# Applications for RP staff ----------------------------------------------------------------------
def rp_applications(*, user) -> ApplicationQuerySet:
    """Submitted applications for case officers and admins; nothing for anybody else."""
    if not permissions.can_use_rp_pages(user):
        return Application.objects.none()
    return Application.objects.visible_to(user)


def rp_application_get(*, user, pk: int) -> Application:
    """One submitted application for RP staff (404 otherwise), with partners."""
    qs = with_combined_population(
        rp_applications(user=user)
        .with_related()
        .with_totals()
        .prefetch_related(
            Prefetch("partners", queryset=ApplicationPartner.objects.select_related("municipality"))
        )
    )
    return get_object_or_404(qs, pk=pk)


def rp_round_get(*, user, pk: int) -> FundingRound:
    if not permissions.can_use_rp_pages(user):
        raise Http404
    return get_object_or_404(FundingRound, pk=pk)


def rounds_with_counts(*, user) -> list[FundingRound]:
    """Rounds for the RP start page, each with ``submitted_count`` and ``open_count``."""
    if not permissions.can_use_rp_pages(user):
        return []
    return list(
        FundingRound.objects.annotate(
            submitted_count=Count(
                "applications", filter=~Q(applications__status=Status.DRAFT), distinct=True
            ),
            open_count=Count(
                "applications",
                filter=Q(applications__status__in=PENDING_STATUSES),
                distinct=True,
            ),
        ).order_by("-deadline")
    )


# The round overview -----------------------------------------------------------------------------
SORTS: dict[str, tuple] = {
    "reference": (F("reference").asc(nulls_last=True),),
    "municipality": (F("lead_municipality__name").asc(),),
    "kreis": (F("lead_municipality__kreis").asc(), F("lead_municipality__name").asc()),
    "regierungsbezirk": (
        F("lead_municipality__regierungsbezirk").asc(),
        F("lead_municipality__name").asc(),
    ),
    "population": (F("lead_municipality__population").asc(),),
    "requested": (F("requested_grant").asc(),),
    "status": (F("status").asc(),),
    "final_reviews": (F("final_reviews").asc(),),
    "mean_score": (F("mean_score").asc(nulls_first=True),),
    "flags": (F("spread").asc(nulls_first=True), F("conflicts").asc()),
}
DEFAULT_SORT = "reference"


def _descending(expressions: tuple) -> list:
    result = []
    for e in expressions:
        inner = e.expression
        if e.nulls_first:
            result.append(inner.desc(nulls_last=True))
        elif e.nulls_last:
            result.append(inner.desc(nulls_first=True))
        else:
            result.append(inner.desc())
    return result


def order_by_sort(qs: QuerySet[Application], sort: str) -> tuple[QuerySet[Application], str]:
    """``sort`` is a key of ``SORTS``, ``-`` in front for descending. Unknown keys fall back
    to the reference. Returns the ordered queryset and the sort key used."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT
    expressions = SORTS[key]
    ordering = _descending(expressions) if sort.startswith("-") else list(expressions)
    return qs.order_by(*ordering, "pk"), sort


_TOKEN = re.compile(r"[^\W_]+")


def search_query(text: str) -> SearchQuery | None:
    """Every word of ``text`` (at most ten) as a prefix, all must match
    (``applications.search.search_query``)."""
    return text_search_query(_TOKEN.findall(text or "")[:10])


@dataclass
class OverviewFilters:
    q: str = ""
    status: str = ""
    regierungsbezirk: str = ""
    kreis: str = ""
    joint: str = ""  # "joint", "single" or ""
    flagged: bool = False
    sort: str = DEFAULT_SORT


# What a row of the overview shows: the rest of an application (its long texts, kilobytes
# per row) stays in the database. Sorting 5,000 rows by score carried every column through the
# sort before (about 2 KB a row); a deferred field still loads when read.
OVERVIEW_FIELDS = (
    "pk",
    "round",
    "reference",
    "title",
    "status",
    "requested_grant",
    "lead_municipality__name",
    "lead_municipality__kreis",
    "lead_municipality__regierungsbezirk",
    "lead_municipality__population",
)


def _filtered(qs: QuerySet[Application], filters: OverviewFilters) -> QuerySet[Application]:
    """``qs`` with the overview's filters and search, by plain conditions (no annotation
    needed), so the page and a bare count share them."""
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.regierungsbezirk:
        qs = qs.filter(lead_municipality__regierungsbezirk=filters.regierungsbezirk)
    if filters.kreis:
        qs = qs.filter(lead_municipality__kreis=filters.kreis)
    if filters.joint in ("joint", "single"):
        joint = Exists(
            ApplicationPartner.objects.filter(application=OuterRef("pk")).exclude(
                status=PartnerStatus.DECLINED
            )
        )
        qs = qs.filter(joint if filters.joint == "joint" else ~joint)
    if filters.flagged:  # ``flagged`` of ``with_review_stats``: spread above the threshold
        qs = qs.alias(
            flag_spread=ExpressionWrapper(
                F("review_stats__max_score") - F("review_stats__min_score"),
                output_field=SCORE_FIELD,
            )
        ).filter(flag_spread__gt=F("round__score_spread_threshold"))
    query = search_query(filters.q)
    if query is not None:  # the stored vector, through its GIN index (applications/search.py)
        qs = qs.filter(search_filter(query))
    return qs


def round_applications(
    *,
    user,
    round: FundingRound,
    filters: OverviewFilters | None = None,
) -> tuple[QuerySet[Application], str]:
    """The round's submitted applications for RP staff, with review statistics, filtered,
    searched and sorted; the rows carry the columns of ``OVERVIEW_FIELDS``. The number of
    queries does not depend on the number of rows."""
    filters = filters or OverviewFilters()
    qs = _filtered(rp_applications(user=user).filter(round=round), filters)
    qs = with_review_stats(qs.select_related("lead_municipality").only(*OVERVIEW_FIELDS))
    return order_by_sort(qs, filters.sort)


def round_application_ids(
    *, user, round: FundingRound, filters: OverviewFilters | None = None
) -> tuple[QuerySet[Any], str]:
    """The ids of ``round_applications`` in its order (a values_list to slice for a page),
    then ``overview_rows`` fetches that page's rows. The sort reads only what it sorts by:
    sorted by score, 5,000 applications come from an index-only scan of (round, status, lead
    municipality) including the id, joined to the statistics, instead of their whole rows
    (27 ms of 30 for the page's query, of which the sort itself is 1)."""
    filters = filters or OverviewFilters()
    # The sort keys of ``with_review_stats`` without its joins of the round and the lead (an
    # inner join stays in the query even when nothing of it is read).
    qs = with_score_keys(_filtered(rp_applications(user=user).filter(round=round), filters))
    qs = qs.annotate(
        spread=ExpressionWrapper(
            F("review_stats__max_score") - F("review_stats__min_score"), output_field=SCORE_FIELD
        ),
        conflicts=Coalesce(F("review_stats__conflicts"), Value(0), output_field=IntegerField()),
    )
    qs, sort = order_by_sort(qs, filters.sort)
    return qs.values_list("pk", flat=True), sort


def overview_rows(*, user, ids: list[int]) -> list[Application]:
    """The applications of ``ids`` (a page of ``round_application_ids``) in that order, as
    ``round_applications`` has them (``OVERVIEW_FIELDS``, review statistics); one query."""
    qs = with_review_stats(
        rp_applications(user=user)
        .filter(pk__in=ids)
        .order_by()
        .select_related("lead_municipality")
        .only(*OVERVIEW_FIELDS)
    )
    by_pk = {a.pk: a for a in qs}
    return [by_pk[pk] for pk in ids if pk in by_pk]


@dataclass
class RoundFacets:
    """The round's submitted applications counted per (status, Regierungsbezirk, Kreis) of the
    lead municipality: the overview's counts per status, its filter choices and, for filters
    by these three alone, the number of matching applications, from one grouped query."""

    groups: list[tuple[str, str, str, int]]

    @property
    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for status, _rb, _kreis, n in self.groups:
            counts[status] = counts.get(status, 0) + n
        return counts

    @property
    def choices(self) -> dict[str, list[str]]:
        return {
            "regierungsbezirke": sorted({rb for _, rb, _, _ in self.groups if rb}),
            "kreise": sorted({k for _, _, k, _ in self.groups if k}),
        }

    def count(self, filters: OverviewFilters) -> int | None:
        """How many applications match ``filters``, or None when that needs a query (a
        search, joint or single, flagged)."""
        if filters.q and search_query(filters.q) is not None:
            return None
        if filters.joint in ("joint", "single") or filters.flagged:
            return None
        return sum(
            n
            for status, rb, kreis, n in self.groups
            if (not filters.status or status == filters.status)
            and (not filters.regierungsbezirk or rb == filters.regierungsbezirk)
            and (not filters.kreis or kreis == filters.kreis)
        )


def round_facets(*, user, round: FundingRound) -> RoundFacets:
    """``RoundFacets`` of the round for RP staff (one query; empty for anybody else). An
    index-only scan of (round, status, lead municipality) joined to the municipalities."""
    rows = (
        rp_applications(user=user)
        .filter(round=round)
        .order_by()
        .values_list("status", "lead_municipality__regierungsbezirk", "lead_municipality__kreis")
        .annotate(n=Count("*"))  # not Count("pk"): the id is not in the index
    )
    return RoundFacets(groups=list(rows))


def round_applications_count(
    *, user, round: FundingRound, filters: OverviewFilters, facets: RoundFacets | None = None
) -> int:
    """How many applications the overview lists for ``filters``: from ``facets`` when they
    tell, else one count without the page's joins and annotations."""
    known = facets.count(filters) if facets is not None else None
    if known is not None:
        return known
    return _filtered(rp_applications(user=user).filter(round=round), filters).count()


def status_counts(*, user, round: FundingRound) -> dict[str, int]:
    """Applications of the round per status (one query), for RP staff."""
    return round_facets(user=user, round=round).status_counts


def filter_choices(*, user, round: FundingRound) -> dict[str, list[str]]:
    """The Regierungsbezirke and Kreise of the round's lead municipalities (one query)."""
    return round_facets(user=user, round=round).choices


def application_review_stats(application: Application) -> Application:
    """The application again, with the annotations of ``with_review_stats`` (one query)."""
    return with_review_stats(Application.objects.filter(pk=application.pk)).get()


def assignable_count(*, user, round: FundingRound) -> int:
    """How many applications of the round may get reviewers now."""
    return rp_applications(user=user).filter(round=round, status__in=ASSIGNABLE_STATUSES).count()


def formal_checks_of(application: Application) -> list[FormalCheck]:
    """The formal checks of the application, newest first, with who checked and the
    Nachforderung they led to."""
    return list(
        FormalCheck.objects.filter(application=application)
        .select_related("checked_by", "item_request")
        .order_by("-checked_at", "-pk")
    )


# Assignments and reviews ------------------------------------------------------------------------
def application_assignments(
    *, application: Application, with_scores: bool = False
) -> list[Assignment]:
    """Every assignment of the application (also ended ones) with reviewer and review, and
    with ``with_scores`` the review's scores."""
    qs = Assignment.objects.filter(application=application).select_related(
        "reviewer", "assigned_by", "review"
    )
    if with_scores:
        qs = qs.prefetch_related("review__scores")
    return list(qs.order_by("assigned_at", "pk"))


def application_assignment_get(*, application: Application, pk: int) -> Assignment:
    """One assignment of ``application`` (already authorised) with its reviewer, or 404."""
    return get_object_or_404(
        Assignment.objects.select_related("reviewer"), pk=pk, application=application
    )


def assignment_review_get(assignment: Assignment) -> Review:
    """The review of ``assignment``, or 404; ``review.assignment`` is that assignment."""
    review = get_object_or_404(Review, assignment=assignment)
    review.assignment = assignment
    return review


def assignment_review(assignment: Assignment) -> Review | None:
    """The review of ``assignment`` with its scores, if the reviewer started one."""
    return Review.objects.filter(assignment=assignment).prefetch_related("scores").first()


def reviewer_application_get(assignment: Assignment) -> Application:
    """The application of a reviewer's assignment (authorised by the caller through the
    assignment), with round, lead municipality, totals and partners."""
    return get_object_or_404(
        Application.objects.with_related()
        .with_totals()
        .prefetch_related(
            Prefetch("partners", queryset=ApplicationPartner.objects.select_related("municipality"))
        ),
        pk=assignment.application_id,
    )


def eligible_reviewers(*, application: Application) -> QuerySet:
    """Active jury reviewers who may be assigned: not a member of the lead or of a partner
    municipality, not assigned already, no bias declared for it."""
    User = get_user_model()
    municipality_ids = [application.lead_municipality_id] + [
        p.municipality_id
        for p in ApplicationPartner.objects.filter(application=application).exclude(
            status=PartnerStatus.DECLINED
        )
    ]
    taken = Assignment.objects.filter(application=application).exclude(
        status=AssignmentStatus.ENDED_REMOVED
    )
    return (
        User.objects.filter(role=Role.REVIEWER, is_active=True)
        .exclude(memberships__municipality_id__in=municipality_ids)
        .exclude(pk__in=taken.values("reviewer_id"))
        .order_by("full_name", "email")
    )


def jury_members() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(role=Role.REVIEWER, is_active=True)
        .order_by("full_name", "email")
    )


def criteria_for(round_id: int) -> list[Criterion]:
    return list(Criterion.objects.filter(round_id=round_id).order_by("position", "pk"))


def scores_by_criterion(review: Review | None) -> Mapping[int, Score]:
    if review is None:
        return {}
    return {s.criterion_id: s for s in review.scores.all()}


def open_rounds() -> QuerySet[FundingRound]:
    """Rounds not finished yet: with at least one submitted application that is not decided
    or withdrawn (``PENDING_STATUSES``)."""
    return FundingRound.objects.filter(
        Exists(Application.objects.filter(round=OuterRef("pk"), status__in=PENDING_STATUSES))
    )


def reviewer_assignments(*, user) -> QuerySet[Assignment]:
    """The reviewer's active assignments in open rounds (``open_rounds``; newest round
    first) with application and review. The view paginates; an assignment of a finished
    round stays reachable by its address (``reviewer_assignment_get``)."""
    if not (user.is_authenticated and user.is_active and user.is_reviewer):
        return Assignment.objects.none()
    return (
        Assignment.objects.active()
        .filter(reviewer=user, application__round__in=open_rounds().values("pk"))
        .select_related("application__round", "application__lead_municipality", "review")
        .order_by("-application__round__deadline", "application__reference", "pk")
    )


def reviewer_assignment_get(*, user, application_pk: int) -> Assignment:
    """The reviewer's active assignment for an application, or 404: reviewers see only what
    is assigned to them, and nothing after declaring a conflict."""
    if not (user.is_authenticated and user.is_active and user.is_reviewer):
        raise Http404
    return get_object_or_404(
        Assignment.objects.active()
        .filter(reviewer=user)
        .select_related("application__round", "application__lead_municipality"),
        application_id=application_pk,
    )


def rp_timeline(*, application: Application, user) -> QuerySet[ApplicationEvent]:
    """The full timeline including internal events (RP staff only)."""
    return application_timeline(application=application, user=user)


def open_reviews_count(*, user) -> int:
    return sum(
        1
        for a in reviewer_assignments(user=user)
        if a.declared_at is None or not (hasattr(a, "review") and a.review.is_final)
    )
