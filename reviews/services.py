"""Every write of the review app. Keyword-only, typed, transactional, German messages.

Status changes of an application always go through ``applications.services`` (and so through
the workflow table); this module adds the review's own rules around them and writes an
``ApplicationEvent`` (``internal=True``) for every change of its own objects.

Errors follow ``applications.services``: ``ValidationError`` (German; ``message_dict`` keyed by
form field where it helps) for bad input and broken rules, ``PermissionDenied`` when the person
may not act at all, ``ValueError`` for programming errors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    EventAction,
    FundingRound,
    ItemRequest,
    PartnerStatus,
)
from applications.workflow import Action, Status
from core.outbox import outbox_enqueue
from municipalities.models import Membership

from . import permissions
from .models import (
    CHECKLIST,
    Assignment,
    AssignmentStatus,
    CheckOutcome,
    Criterion,
    FormalCheck,
    Recommendation,
    Review,
    ReviewEvent,
    ReviewStatus,
    Score,
)

__all__ = [
    "DistributionResult",
    "application_mark_ready",
    "assignment_create",
    "assignment_declare",
    "assignment_end",
    "assignments_distribute",
    "decision_approve",
    "decision_reject",
    "formal_check_record",
    "formal_check_start",
    "note_add",
    "review_finalize",
    "review_reopen",
    "review_save",
    "weighted_score",
]

SCORE_QUANTUM = Decimal("0.001")


# Helpers ----------------------------------------------------------------------------------------
def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def _lock_application(application: Application | int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "lead_municipality")
        .get(pk=_pk(application))
    )


def _event(
    application: Application | int,
    actor,
    action: str,
    *,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> ApplicationEvent:
    """An internal event (RP only) on the application's timeline."""
    return ApplicationEvent.objects.create(
        application_id=_pk(application),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        message=message,
        data=dict(data or {}),
        internal=True,
        created_at=_now(now),
    )


def _require_manager(user) -> None:
    if not permissions.can_manage(user):
        raise PermissionDenied(_("Diesen Schritt kann nur die Sachbearbeitung ausführen."))


def _sync(target: Application | None, source: Application) -> None:
    """Bring the caller's instance up to date after a service changed the locked copy."""
    if target is None or target is source or isinstance(target, int):
        return
    target.refresh_from_db()


def _on_commit(task_name: str, object_id: int) -> None:
    """Owe ``reviews.<task_name>(object_id)`` in this transaction (the outbox) and enqueue it
    once the transaction has committed; a queue outage delays it, never loses it."""
    outbox_enqueue(f"reviews.{task_name}", object_id)


def application_municipality_ids(application: Application) -> set[int]:
    """The lead municipality and every partner that has not declined."""
    ids = {application.lead_municipality_id}
    ids.update(
        ApplicationPartner.objects.filter(application=application)
        .exclude(status=PartnerStatus.DECLINED)
        .values_list("municipality_id", flat=True)
    )
    return ids


def member_municipality_ids(user_ids: Sequence[int]) -> dict[int, set[int]]:
    """Municipalities each person is a member of (whatever their role)."""
    result: dict[int, set[int]] = defaultdict(set)
    for user_id, municipality_id in Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "municipality_id"
    ):
        result[user_id].add(municipality_id)
    return result


# Formal check -----------------------------------------------------------------------------------
def formal_check_start(*, application: Application, user) -> Application:
    """Begin the formal check (Eingereicht -> In Prüfung)."""
    return application_services.application_transition(
        application=application, action=Action.START_CHECK, actor=user
    )


@transaction.atomic
def formal_check_record(
    *,
    application: Application,
    user,
    checklist: Mapping[str, bool],
    notes: str = "",
    outcome: str,
    sections: Sequence[str] = (),
    message: str = "",
    due_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> FormalCheck:
    """Record the checklist and its result: passed (In Prüfung -> In Bewertung) or a
    Nachforderung with message, sections and due date (the applicant is told by e-mail after
    the commit). The notes stay internal; the Nachforderung's message goes to the applicant."""
    _require_manager(user)
    unknown = set(checklist) - set(CHECKLIST)
    if unknown:
        raise ValueError(f"Unknown checklist items: {sorted(unknown)}")
    try:
        outcome = CheckOutcome(outcome)
    except ValueError:
        raise ValidationError(
            {"outcome": [_("Bitte wählen Sie das Ergebnis der formalen Prüfung.")]}
        ) from None
    now = _now(now)
    app = _lock_application(application)
    items = {name: bool(checklist.get(name)) for name in CHECKLIST}
    notes = (notes or "").strip()
    if outcome == CheckOutcome.PASSED:
        missing = [str(CHECKLIST[name]) for name, ok in items.items() if not ok]
        if missing:
            raise ValidationError(
                {
                    "outcome": [
                        _(
                            "Die formale Prüfung ist nur bestanden, wenn alle Punkte erfüllt "
                            "sind. Nicht bestätigt: %(missing)s. Fordern Sie fehlende Angaben "
                            "nach oder lehnen Sie den Antrag ab."
                        )
                        % {"missing": ", ".join(missing)}
                    ]
                }
            )
        application_services.application_transition(
            application=app, action=Action.PASS_CHECK, actor=user, now=now
        )
        item_request = None
    else:
        application_services.application_request_items(
            application=app,
            user=user,
            sections=list(sections),
            message=message,
            due_date=due_date,
        )
        item_request = ItemRequest.objects.get(application=app, resolved_at__isnull=True)
    check = FormalCheck.objects.create(
        application=app,
        **items,
        notes=notes,
        outcome=outcome,
        item_request=item_request,
        checked_by=user,
        checked_at=now,
    )
    _event(
        app,
        user,
        ReviewEvent.FORMAL_CHECK,
        message=notes,
        data={"outcome": str(outcome), "checklist": items, "formal_check_id": check.pk},
        now=now,
    )
    if outcome == CheckOutcome.ITEMS_REQUESTED:
        _on_commit("send_item_request_mail", check.pk)
    _sync(application, app)
    return check


# Internal notes ---------------------------------------------------------------------------------
@transaction.atomic
def note_add(*, application: Application, user, text: str) -> ApplicationEvent:
    """An internal note (Vermerk) on the application; applicants never see it."""
    if not permissions.can_add_note(user):
        raise PermissionDenied(_("Vermerke können nur Beschäftigte des RP Darmstadt anlegen."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Bitte geben Sie den Text des Vermerks ein.")]})
    app = _lock_application(application)
    if app.status == Status.DRAFT:
        raise PermissionDenied("Zu einem Entwurf gibt es keine Vermerke.")
    return _event(app, user, EventAction.NOTE, message=text)


# Assignments ------------------------------------------------------------------------------------
def _reviewer_problem(
    reviewer, member_ids: set[int], application_ids: set[int], existing: Assignment | None
) -> str | None:
    name = reviewer.get_full_name()
    if not (reviewer.is_active and reviewer.is_reviewer):
        return _("%(name)s ist nicht als Gutachter/in der Jury freigeschaltet.") % {"name": name}
    if permissions.has_municipal_conflict(member_ids, application_ids):
        return _(
            "%(name)s gehört einer Kommune dieses Antrags an und kann ihn deshalb nicht bewerten."
        ) % {"name": name}
    if existing is not None:
        if existing.status == AssignmentStatus.ACTIVE:
            return _("%(name)s ist diesem Antrag bereits zugewiesen.") % {"name": name}
        if existing.status == AssignmentStatus.ENDED_CONFLICT:
            return _("%(name)s hat für diesen Antrag Befangenheit erklärt.") % {"name": name}
    return None


@transaction.atomic
def assignment_create(
    *, application: Application, reviewer, user, now: dt.datetime | None = None
) -> Assignment:
    """Assign a jury reviewer to an application in scoring. Nobody is assigned to an
    application of a municipality they are a member of (lead or partner); a reviewer whose
    assignment was ended by the case officer can be assigned again."""
    _require_manager(user)
    now = _now(now)
    app = _lock_application(application)
    if app.status not in permissions.ASSIGNABLE_STATUSES:
        raise ValidationError(
            _("Gutachterinnen und Gutachter können nur Anträgen „In Bewertung“ zugewiesen werden.")
        )
    existing = (
        Assignment.objects.select_for_update().filter(application=app, reviewer=reviewer).first()
    )
    problem = _reviewer_problem(
        reviewer,
        member_municipality_ids([reviewer.pk])[reviewer.pk],
        application_municipality_ids(app),
        existing,
    )
    if problem:
        raise ValidationError({"reviewer": [problem]})
    if existing is not None:  # ended by the case officer: assign again, declare again
        existing.status = AssignmentStatus.ACTIVE
        existing.assigned_by = user
        existing.assigned_at = now
        existing.declared_at = None
        existing.ended_at = None
        existing.ended_reason = ""
        existing.save(
            update_fields=[
                "status", "assigned_by", "assigned_at", "declared_at", "ended_at", "ended_reason",
            ]
        )  # fmt: skip
        assignment = existing
    else:
        assignment = Assignment.objects.create(
            application=app, reviewer=reviewer, assigned_by=user, assigned_at=now
        )
    _event(
        app,
        user,
        ReviewEvent.ASSIGNED,
        message=reviewer.get_full_name(),
        data={"reviewer_id": reviewer.pk, "assignment_id": assignment.pk},
        now=now,
    )
    return assignment


@dataclass
class DistributionResult:
    created: list[Assignment] = field(default_factory=list)
    # (application, how many reviewers are still missing)
    shortfalls: list[tuple[Application, int]] = field(default_factory=list)


@transaction.atomic
def assignments_distribute(
    *,
    round: FundingRound,
    reviewers: Sequence,
    per_application: int,
    user,
    now: dt.datetime | None = None,
) -> DistributionResult:
    """Bring every application of the round that is "In Bewertung" up to ``per_application``
    active reviewers, choosing among ``reviewers`` the one with the fewest assignments in the
    round first (ties rotate), so the work is spread evenly. Conflicts of membership and
    earlier declarations of bias are respected; where too few reviewers are left, the
    application is reported as a shortfall."""
    _require_manager(user)
    if not 1 <= int(per_application) <= 10:
        raise ValidationError(
            {"per_application": [_("Bitte wählen Sie 1 bis 10 Gutachten je Antrag.")]}
        )
    reviewers = sorted({r.pk: r for r in reviewers}.values(), key=lambda r: r.pk)
    if not reviewers:
        raise ValidationError({"reviewers": [_("Bitte wählen Sie mindestens eine Person aus.")]})
    for reviewer in reviewers:
        if not (reviewer.is_active and reviewer.is_reviewer):
            raise ValidationError(
                {
                    "reviewers": [
                        _("%(name)s gehört nicht zur Jury.") % {"name": reviewer.get_full_name()}
                    ]
                }
            )
    now = _now(now)
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round, status__in=permissions.ASSIGNABLE_STATUSES)
        .order_by("reference", "pk")
    )
    app_ids = [a.pk for a in applications]
    municipalities: dict[int, set[int]] = {a.pk: {a.lead_municipality_id} for a in applications}
    for app_id, municipality_id in (
        ApplicationPartner.objects.filter(application_id__in=app_ids)
        .exclude(status=PartnerStatus.DECLINED)
        .values_list("application_id", "municipality_id")
    ):
        municipalities[app_id].add(municipality_id)
    existing: dict[int, dict[int, str]] = defaultdict(dict)  # app -> reviewer -> status
    load: dict[int, int] = dict.fromkeys((r.pk for r in reviewers), 0)
    for app_id, reviewer_id, status in Assignment.objects.filter(
        application__round=round
    ).values_list("application_id", "reviewer_id", "status"):
        if app_id in municipalities:
            existing[app_id][reviewer_id] = status
        if status == AssignmentStatus.ACTIVE and reviewer_id in load:
            load[reviewer_id] += 1
    members = member_municipality_ids([r.pk for r in reviewers])

    result = DistributionResult()
    to_reactivate: list[Assignment] = []
    events: list[ApplicationEvent] = []
    count = len(reviewers)
    for index, app in enumerate(applications):
        taken = existing[app.pk]
        need = per_application - sum(1 for s in taken.values() if s == AssignmentStatus.ACTIVE)
        if need <= 0:
            continue
        candidates = [
            (position, r)
            for position, r in enumerate(reviewers)
            if taken.get(r.pk) in (None, AssignmentStatus.ENDED_REMOVED)
            and not permissions.has_municipal_conflict(members[r.pk], municipalities[app.pk])
        ]
        candidates.sort(key=lambda pr: (load[pr[1].pk], (pr[0] - index) % count))
        chosen = [r for unused, r in candidates[:need]]
        for reviewer in chosen:
            load[reviewer.pk] += 1
            assignment = Assignment(
                application=app, reviewer=reviewer, assigned_by=user, assigned_at=now
            )
            if taken.get(reviewer.pk) == AssignmentStatus.ENDED_REMOVED:
                to_reactivate.append(assignment)
            else:
                result.created.append(assignment)
        if len(chosen) < need:
            result.shortfalls.append((app, need - len(chosen)))
    Assignment.objects.bulk_create(result.created)
    for assignment in to_reactivate:  # rare: assigned again after the case officer ended it
        previous = Assignment.objects.select_for_update().get(
            application=assignment.application, reviewer=assignment.reviewer
        )
        previous.status = AssignmentStatus.ACTIVE
        previous.assigned_by, previous.assigned_at = user, now
        previous.declared_at = previous.ended_at = None
        previous.ended_reason = ""
        previous.save(
            update_fields=[
                "status", "assigned_by", "assigned_at", "declared_at", "ended_at", "ended_reason",
            ]
        )  # fmt: skip
        result.created.append(previous)
    for assignment in result.created:
        events.append(
            ApplicationEvent(
                application_id=assignment.application_id,
                actor=user,
                action=ReviewEvent.ASSIGNED,
                message=assignment.reviewer.get_full_name(),
                data={
                    "reviewer_id": assignment.reviewer_id,
                    "assignment_id": assignment.pk,
                    "bulk": True,
                },
                internal=True,
                created_at=now,
            )
        )
    ApplicationEvent.objects.bulk_create(events)
    return result


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, user, reason: str, now: dt.datetime | None = None
) -> Assignment:
    """The case officer ends an assignment (e.g. the person cannot review in time). A final
    review of an ended assignment no longer counts."""
    _require_manager(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Bitte geben Sie einen Grund an.")]})
    now = _now(now)
    _lock_application(assignment.application_id)
    locked = Assignment.objects.select_for_update().select_related("reviewer").get(pk=assignment.pk)
    if locked.status != AssignmentStatus.ACTIVE:
        raise ValidationError(_("Diese Zuweisung ist bereits beendet."))
    locked.status = AssignmentStatus.ENDED_REMOVED
    locked.ended_at = now
    locked.ended_reason = reason
    locked.save(update_fields=["status", "ended_at", "ended_reason"])
    _event(
        locked.application_id,
        user,
        ReviewEvent.ASSIGNMENT_ENDED,
        message=f"{locked.reviewer.get_full_name()}: {reason}",
        data={"reviewer_id": locked.reviewer_id, "assignment_id": locked.pk},
        now=now,
    )
    return locked


@transaction.atomic
def assignment_declare(
    *,
    assignment: Assignment,
    user,
    conflict: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> Assignment:
    """The reviewer's declaration on bias (Befangenheit), before seeing the application. A
    declared conflict ends the assignment and tells the case officer (e-mail after commit)."""
    now = _now(now)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.is_own_active_assignment(user, locked):
        raise PermissionDenied(_("Diese Zuweisung gehört nicht zu Ihrem Konto."))
    if locked.declared_at is not None:
        raise ValidationError(_("Sie haben Ihre Erklärung zu diesem Antrag bereits abgegeben."))
    note = (note or "").strip()
    locked.declared_at = now
    locked.conflict = bool(conflict)
    locked.conflict_note = note if conflict else ""
    fields = ["declared_at", "conflict", "conflict_note"]
    if conflict:
        locked.status = AssignmentStatus.ENDED_CONFLICT
        locked.ended_at = now
        locked.ended_reason = "Befangenheit erklärt"
        fields += ["status", "ended_at", "ended_reason"]
    locked.save(update_fields=fields)
    _event(
        locked.application_id,
        user,
        ReviewEvent.CONFLICT if conflict else ReviewEvent.NO_CONFLICT,
        message=note if conflict else "",
        data={"reviewer_id": user.pk, "assignment_id": locked.pk},
        now=now,
    )
    if conflict:
        _on_commit("send_conflict_mail", locked.pk)
    assignment.refresh_from_db()
    return locked


# Reviews ----------------------------------------------------------------------------------------
def weighted_score(
    points: Mapping[int, int | None], criteria: Sequence[Criterion]
) -> Decimal | None:
    """Σ(points × weight) / Σ(weight) over the criteria, on the points scale; ``None`` while a
    criterion has no points yet."""
    if not criteria or any(points.get(c.pk) is None for c in criteria):
        return None
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    weighted = sum((Decimal(points[c.pk]) * c.weight for c in criteria), Decimal(0))
    return (weighted / total_weight).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def _lock_assignment(assignment: Assignment | int) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application", "application__round")
        .get(pk=_pk(assignment))
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
    now = _now(now)
    locked = _lock_assignment(assignment)
    app = locked.application
    review = Review.objects.select_for_update().filter(assignment=locked).first()
    if not permissions.can_see_content(user, locked):
        raise PermissionDenied(_("Diese Bewertung gehört nicht zu Ihrem Konto."))
    if app.status not in permissions.SCORING_STATUSES:
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
    now = _now(now)
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
    _event(
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
    return locked


@transaction.atomic
def review_reopen(*, review: Review, user, reason: str, now: dt.datetime | None = None) -> Review:
    """The case officer reopens a final review (back to draft); the reason becomes an event."""
    _require_manager(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Bitte begründen Sie, warum die Bewertung wieder geöffnet wird.")]}
        )
    now = _now(now)
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
    _event(
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
    return locked


# Decisions --------------------------------------------------------------------------------------
@transaction.atomic
def application_mark_ready(*, application: Application, user) -> Application:
    """In Bewertung -> Entscheidungsreif, once every active assignment has a final review and
    there is at least one."""
    _require_manager(user)
    app = _lock_application(application)
    active = list(
        Assignment.objects.filter(application=app, status=AssignmentStatus.ACTIVE)
        .select_related("reviewer", "review")
        .order_by("pk")
    )
    open_ = [
        a.reviewer.get_full_name()
        for a in active
        if not (hasattr(a, "review") and a.review.status == ReviewStatus.FINAL)
    ]
    if open_:
        raise ValidationError(
            _(
                "Noch nicht abgeschlossen sind die Bewertungen von: %(names)s. Warten Sie die "
                "Bewertungen ab oder beenden Sie die Zuweisung."
            )
            % {"names": ", ".join(open_)}
        )
    if not active:
        raise ValidationError(
            _(
                "Es liegt noch keine abgeschlossene Bewertung vor. Bitte weisen Sie "
                "Gutachterinnen oder Gutachter zu."
            )
        )
    app = application_services.application_transition(
        application=app, action=Action.MARK_READY, actor=user
    )
    _sync(application, app)
    return app


@transaction.atomic
def decision_approve(
    *,
    application: Application,
    user,
    granted_amount: Decimal,
    financing_adjustment: str = "",
    reason: str = "",
) -> Application:
    """Approve (granted amount > 0, at most the requested grant, the round's maximum and the
    gap of the financing plan). Below the gap ``financing_adjustment`` (``FinancingAdjustment``)
    says whether the eligible cost falls or the own funds rise; the balanced plan that results
    is stored with the decision. The Zuwendungsbescheid is rendered and mailed by a Celery task
    after the commit."""
    _require_manager(user)
    app = application_services.application_approve(
        application=application,
        user=user,
        granted_amount=granted_amount,
        financing_adjustment=financing_adjustment,
        reason=reason,
    )
    _on_commit("render_decision_letter", app.pk)
    return app


@transaction.atomic
def decision_reject(*, application: Application, user, reason: str) -> Application:
    """Reject with a reason (required); the Ablehnungsbescheid follows after the commit."""
    _require_manager(user)
    app = application_services.application_reject(application=application, user=user, reason=reason)
    _on_commit("render_decision_letter", app.pk)
    return app
