"""Scoring: weighted scores, saving, finalising and reopening a review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.services.base import now_or, pk_of
from applications.workflow import SCORING_STATUSES
from reviews import permissions
from reviews.models import (
    Assignment,
    Criterion,
    Recommendation,
    Review,
    ReviewEvent,
    ReviewStatus,
    Score,
)
from reviews.stats import review_stats_refresh

from .common import internal_event, require_manager

SCORE_QUANTUM = Decimal("0.001")


# Reviews ----------------------------------------------------------------------------------------
def weighted_score(
    points: Mapping[int, int | None], criteria: Sequence[Criterion]
) -> Decimal | None:
    """Σ(points × weight) / Σ(weight) over the criteria, on the points scale; ``None`` while a
    criterion has no points yet."""
    if not criteria or any(points.get(c.pk) is None for c in criteria):
        return None
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    weighted = sum((Decimal(points[c.pk] or 0) * c.weight for c in criteria), Decimal(0))
    return (weighted / total_weight).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def _lock_assignment(assignment: Assignment | int) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application", "application__round")
        .get(pk=pk_of(assignment))
    )


def _review_scores(review: Review) -> dict[int, int | None]:
    return dict(review.scores.values_list("criterion_id", "points"))


@transaction.atomic
def review_save(
    *,
    assignment: Assignment,
    user,
    points: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    overall_comment: str = "",
    recommendation: str = "",
    finalize: bool = False,
    now: dt.datetime | None = None,
) -> Review:
    """Save the reviewer's draft (points 0 to each criterion's maximum, comments, overall
    comment, recommendation); with ``finalize`` also close it (``review_finalize``)."""
    now = now_or(now)
    locked = _lock_assignment(assignment)
    app = locked.application
    review = Review.objects.select_for_update().filter(assignment=locked).first()
    if not permissions.can_see_content(user, locked):
        raise PermissionDenied(_("Diese Bewertung gehört nicht zu Ihrem Konto."))
    if app.status not in SCORING_STATUSES:
        raise ValidationError(
            _(
                "Der Antrag ist nicht mehr in der Bewertung; die Bewertung kann nicht mehr "
                "geändert werden."
            )
        )
    if review is not None and review.status == ReviewStatus.FINAL:
        raise ValidationError(
            _("Diese Bewertung ist abgeschlossen. Nur die Sachbearbeitung kann sie wieder öffnen.")
        )
    criteria = list(Criterion.objects.filter(round_id=app.round_id).order_by("position", "pk"))
    by_id = {c.pk: c for c in criteria}
    comments = comments or {}
    unknown = (set(points) | set(comments)) - set(by_id)
    if unknown:
        raise ValueError(f"Criteria not in the round: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    for criterion_id, value in points.items():
        criterion = by_id[criterion_id]
        if value is not None and not 0 <= int(value) <= criterion.max_points:
            errors[f"points_{criterion_id}"] = [
                _("Bitte vergeben Sie für „%(criterion)s“ 0 bis %(max)s Punkte.")
                % {"criterion": criterion.name, "max": criterion.max_points}
            ]
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = [_("Bitte wählen Sie eine Empfehlung aus der Liste.")]
    if errors:
        raise ValidationError(errors)

    if review is None:
        review = Review.objects.create(assignment=locked, created_at=now, updated_at=now)
    existing = {s.criterion_id: s for s in review.scores.all()}
    to_create, to_update, to_delete = [], [], []
    for criterion in criteria:
        value = points.get(criterion.pk)
        comment = (comments.get(criterion.pk) or "").strip()
        score = existing.get(criterion.pk)
        if value is None and not comment:
            if score is not None:
                to_delete.append(score.pk)
            continue
        value = None if value is None else int(value)
        if score is None:
            to_create.append(
                Score(review=review, criterion=criterion, points=value, comment=comment)
            )
        elif (score.points, score.comment) != (value, comment):
            score.points, score.comment = value, comment
            to_update.append(score)
    Score.objects.filter(pk__in=to_delete).delete()
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["points", "comment"])
    review.overall_comment = (overall_comment or "").strip()
    review.recommendation = recommendation or ""
    review.score = weighted_score(_review_scores(review), criteria)
    review.updated_at = now
    review.save(update_fields=["overall_comment", "recommendation", "score", "updated_at"])
    if finalize:
        review = review_finalize(review=review, user=user, now=now)
    return review


@transaction.atomic
def review_finalize(*, review: Review, user, now: dt.datetime | None = None) -> Review:
    """Close a complete review: every criterion has points, there is an overall comment and
    a recommendation. A final review is read-only and counts for the ranking."""
    now = now_or(now)
    locked_assignment = _lock_assignment(review.assignment_id)
    app = locked_assignment.application
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if not permissions.can_edit_review(user, locked_assignment, app, locked):
        if locked.status == ReviewStatus.FINAL:
            raise ValidationError(_("Diese Bewertung ist bereits abgeschlossen."))
        raise PermissionDenied(_("Sie können diese Bewertung nicht abschließen."))
    criteria = list(Criterion.objects.filter(round_id=app.round_id).order_by("position", "pk"))
    if not criteria:
        raise ValidationError(
            _(
                "Für diese Förderrunde sind keine Bewertungskriterien festgelegt. Bitte wenden "
                "Sie sich an die Administration."
            )
        )
    points = _review_scores(locked)
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        if points.get(criterion.pk) is None:
            errors[f"points_{criterion.pk}"] = [
                _("Bitte vergeben Sie Punkte für „%(criterion)s“.") % {"criterion": criterion.name}
            ]
    if not locked.overall_comment.strip():
        errors["overall_comment"] = [_("Bitte geben Sie eine Gesamteinschätzung ab.")]
    if not locked.recommendation:
        errors["recommendation"] = [_("Bitte wählen Sie eine Empfehlung.")]
    if errors:
        raise ValidationError(errors)
    locked.status = ReviewStatus.FINAL
    locked.score = weighted_score(points, criteria)
    locked.finalized_at = now
    locked.updated_at = now
    locked.save(update_fields=["status", "score", "finalized_at", "updated_at"])
    internal_event(
        app,
        user,
        ReviewEvent.FINALIZED,
        message=locked_assignment.reviewer.get_full_name(),
        data={
            "review_id": locked.pk,
            "assignment_id": locked_assignment.pk,
            "score": str(locked.score),
            "recommendation": locked.recommendation,
        },
        now=now,
    )
    review_stats_refresh([app.pk])
    return locked


@transaction.atomic
def review_reopen(*, review: Review, user, reason: str, now: dt.datetime | None = None) -> Review:
    """The case officer reopens a final review (back to draft); the reason becomes an event."""
    require_manager(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Bitte begründen Sie, warum die Bewertung wieder geöffnet wird.")]}
        )
    now = now_or(now)
    locked_assignment = _lock_assignment(review.assignment_id)
    locked = Review.objects.select_for_update().get(pk=review.pk)
    locked.assignment = locked_assignment
    if not permissions.can_reopen(user, locked, locked_assignment.application):
        raise ValidationError(_("Diese Bewertung kann nicht wieder geöffnet werden."))
    locked.status = ReviewStatus.DRAFT
    locked.finalized_at = None
    locked.reopened_at = now
    locked.reopen_reason = reason
    locked.updated_at = now
    locked.save(
        update_fields=["status", "finalized_at", "reopened_at", "reopen_reason", "updated_at"]
    )
    internal_event(
        locked_assignment.application_id,
        user,
        ReviewEvent.REOPENED,
        message=reason,
        data={
            "review_id": locked.pk,
            "assignment_id": locked_assignment.pk,
            "reviewer_id": locked_assignment.reviewer_id,
        },
        now=now,
    )
    review_stats_refresh([locked_assignment.application_id])
    return locked
