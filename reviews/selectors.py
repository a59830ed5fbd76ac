"""Reads of the review pages that fetch and authorise in one call, and the round's ranking.

``round_ranking(round)`` is the public interface for other apps (PDF bundles, exports): a list
of ``RankingRow`` with ``.application``, ``.rank``, ``.mean_score``, ``.final_reviews``,
``.spread``, ``.flagged``, ``.requested``, ``.cumulative_requested`` and ``.within_budget``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import (
    Avg,
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
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
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
from applications.selectors import application_timeline
from applications.workflow import ASSIGNABLE_STATUSES, PENDING_STATUSES, RANKED_STATUSES, Status

from . import permissions
from .models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    FormalCheck,
    Review,
    ReviewStatus,
    Score,
)

SCORE_FIELD = DecimalField(max_digits=7, decimal_places=3)
TWO_PLACES = Decimal("0.01")


# Applications for RP staff ----------------------------------------------------------------------
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


def _final_reviews(application_ref="pk"):
    return Review.objects.filter(
        assignment__application=OuterRef(application_ref),
        assignment__status=AssignmentStatus.ACTIVE,
        status=ReviewStatus.FINAL,
    ).order_by()


def _aggregate(qs, expression, output_field):
    return Subquery(
        qs.values("assignment__application").annotate(v=expression).values("v")[:1],
        output_field=output_field,
    )


def with_review_stats(qs: QuerySet[Application]) -> QuerySet[Any]:
    """Annotates ``final_reviews``, ``mean_score``, ``min_score``, ``max_score``, ``spread``,
    ``flagged`` (spread above the round's threshold), ``is_joint``, ``combined_population``
    (lead and partners) and ``conflicts`` (declared biases), each as one correlated subquery,
    so a page of rows costs one query."""
    finals = _final_reviews()
    partners = ApplicationPartner.objects.filter(application=OuterRef("pk")).exclude(
        status=PartnerStatus.DECLINED
    )
    conflicts = Assignment.objects.filter(
        application=OuterRef("pk"), status=AssignmentStatus.ENDED_CONFLICT
    ).order_by()
    return (
        with_combined_population(qs)
        .annotate(
            final_reviews=Coalesce(
                _aggregate(finals, Count("pk"), IntegerField()),
                Value(0),
                output_field=IntegerField(),
            ),
            mean_score=_aggregate(finals, Avg("score", output_field=SCORE_FIELD), SCORE_FIELD),
            min_score=_aggregate(finals, Min("score"), SCORE_FIELD),
            max_score=_aggregate(finals, Max("score"), SCORE_FIELD),
            is_joint=Exists(partners),
            conflicts=Coalesce(
                Subquery(
                    conflicts.values("application").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            spread=F("max_score") - F("min_score"),
            flagged=ExpressionWrapper(
                Q(spread__gt=F("round__score_spread_threshold")), output_field=BooleanField()
            ),
        )
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
    """Every word of ``text`` as a prefix (``heppen`` finds Heppenheim), German stemming,
    all words must match. Only letters and digits reach PostgreSQL's tsquery syntax."""
    tokens = _TOKEN.findall(text or "")[:10]
    if not tokens:
        return None
    raw = " & ".join(f"{token}:*" for token in tokens)
    return SearchQuery(raw, search_type="raw", config="german")


def search_vector() -> SearchVector:
    return SearchVector("lead_municipality__name", "title", "reference", config="german")


@dataclass
class OverviewFilters:
    q: str = ""
    status: str = ""
    regierungsbezirk: str = ""
    kreis: str = ""
    joint: str = ""  # "joint", "single" or ""
    flagged: bool = False
    sort: str = DEFAULT_SORT


def round_applications(
    *,
    user,
    round: FundingRound,
    filters: OverviewFilters | None = None,
) -> tuple[QuerySet[Application], str]:
    """The round's submitted applications for RP staff, with review statistics, filtered,
    searched and sorted. The number of queries does not depend on the number of rows."""
    filters = filters or OverviewFilters()
    qs = with_review_stats(
        rp_applications(user=user).filter(round=round).select_related("lead_municipality")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.regierungsbezirk:
        qs = qs.filter(lead_municipality__regierungsbezirk=filters.regierungsbezirk)
    if filters.kreis:
        qs = qs.filter(lead_municipality__kreis=filters.kreis)
    if filters.joint == "joint":
        qs = qs.filter(is_joint=True)
    elif filters.joint == "single":
        qs = qs.filter(is_joint=False)
    if filters.flagged:
        qs = qs.filter(spread__gt=F("round__score_spread_threshold"))
    query = search_query(filters.q)
    if query is not None:
        qs = qs.annotate(search=search_vector()).filter(
            Q(search=query) | Q(reference__iexact=filters.q.strip())
        )
    return order_by_sort(qs, filters.sort)


def status_counts(*, user, round: FundingRound) -> dict[str, int]:
    """Applications of the round per status (one query), for RP staff."""
    rows = (
        rp_applications(user=user)
        .filter(round=round)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def filter_choices(*, user, round: FundingRound) -> dict[str, list[str]]:
    """The Regierungsbezirke and Kreise of the round's lead municipalities (one query)."""
    rows = (
        rp_applications(user=user)
        .filter(round=round)
        .order_by()
        .values_list("lead_municipality__regierungsbezirk", "lead_municipality__kreis")
        .distinct()
    )
    pairs = list(rows)
    return {
        "regierungsbezirke": sorted({rb for rb, _ in pairs if rb}),
        "kreise": sorted({k for _, k in pairs if k}),
    }


# Ranking ----------------------------------------------------------------------------------------
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


def _two(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def round_ranking(round: FundingRound) -> list[RankingRow]:
    """The ranking (Rangliste) of a round: applications in scoring, ready for decision or
    approved, best mean of final reviews first (applications without a final review last),
    with the cumulative requested amount against the round's budget. One query.

    Not authorised: callers are RP pages and exports that checked the person already."""
    qs = with_review_stats(
        Application.objects.filter(round=round, status__in=RANKED_STATUSES).select_related(
            "round", "lead_municipality"
        )
    ).order_by(
        F("mean_score").desc(nulls_last=True),
        F("final_reviews").desc(),
        F("requested_grant").asc(),
        F("reference").asc(),
        "pk",
    )
    budget = round.budget
    rows: list[RankingRow] = []
    cumulative = Decimal("0.00")
    line_drawn = False
    for rank, app in enumerate(qs, start=1):
        cumulative += app.requested_grant
        within = cumulative <= budget
        row = RankingRow(
            application=app,
            rank=rank,
            mean_score=_two(app.mean_score),
            final_reviews=app.final_reviews,
            min_score=_two(app.min_score),
            max_score=_two(app.max_score),
            spread=_two(app.spread),
            flagged=bool(app.flagged),
            requested=app.requested_grant,
            cumulative_requested=cumulative,
            within_budget=within,
        )
        if not within and not line_drawn:
            row.budget_line_before = True
            line_drawn = True
        rows.append(row)
    return rows


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


def reviewer_assignments(*, user) -> list[Assignment]:
    """The reviewer's active assignments (newest round first) with application and review."""
    if not (user.is_authenticated and user.is_active and user.is_reviewer):
        return []
    return list(
        Assignment.objects.active()
        .filter(reviewer=user)
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
