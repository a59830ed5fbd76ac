"""Assigning reviewers: one by one and distributed over a round, ending an assignment, the
reviewer's declaration of (no) conflict of interest."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.events import event_listeners
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    FundingRound,
    PartnerStatus,
)
from applications.services.base import event_row, lock_application, now_or
from applications.workflow import ASSIGNABLE_STATUSES
from municipalities.selectors import municipality_ids_by_member
from reviews import permissions
from reviews.models import Assignment, AssignmentStatus, ReviewEvent
from reviews.stats import review_stats_refresh

from .common import (
    application_municipality_ids,
    internal_event,
    require_manager,
)


# Assignments ------------------------------------------------------------------------------------
def _reviewer_problem(
    reviewer, member_ids: Collection[int], application_ids: set[int], existing: Assignment | None
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
    require_manager(user)
    now = now_or(now)
    app = lock_application(application)
    if app.status not in ASSIGNABLE_STATUSES:
        raise ValidationError(
            _("Gutachterinnen und Gutachter können nur Anträgen „In Bewertung“ zugewiesen werden.")
        )
    existing = (
        Assignment.objects.select_for_update().filter(application=app, reviewer=reviewer).first()
    )
    problem = _reviewer_problem(
        reviewer,
        municipality_ids_by_member([reviewer.pk])[reviewer.pk],
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
    internal_event(
        app,
        user,
        ReviewEvent.ASSIGNED,
        message=reviewer.get_full_name(),
        data={"reviewer_id": reviewer.pk, "assignment_id": assignment.pk},
        now=now,
    )
    if existing is not None:  # its final review, if any, counts again
        review_stats_refresh([app.pk])
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
    require_manager(user)
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
    now = now_or(now)
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round, status__in=ASSIGNABLE_STATUSES)
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
    members = municipality_ids_by_member([r.pk for r in reviewers])

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
            event_row(
                assignment.application_id,
                user,
                ReviewEvent.ASSIGNED,
                message=assignment.reviewer.get_full_name(),
                data={
                    "reviewer_id": assignment.reviewer_id,
                    "assignment_id": assignment.pk,
                    "bulk": True,
                },
                internal=True,
                now=now,
            )
        )
    event_listeners.dispatch(ApplicationEvent.objects.bulk_create(events))
    # Final reviews of assignments made active again count again.
    review_stats_refresh(a.application_id for a in to_reactivate)
    return result


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, user, reason: str, now: dt.datetime | None = None
) -> Assignment:
    """The case officer ends an assignment (e.g. the person cannot review in time). A final
    review of an ended assignment no longer counts."""
    require_manager(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Bitte geben Sie einen Grund an.")]})
    now = now_or(now)
    lock_application(assignment.application_id)
    locked = Assignment.objects.select_for_update().select_related("reviewer").get(pk=assignment.pk)
    if locked.status != AssignmentStatus.ACTIVE:
        raise ValidationError(_("Diese Zuweisung ist bereits beendet."))
    locked.status = AssignmentStatus.ENDED_REMOVED
    locked.ended_at = now
    locked.ended_reason = reason
    locked.save(update_fields=["status", "ended_at", "ended_reason"])
    internal_event(
        locked.application_id,
        user,
        ReviewEvent.ASSIGNMENT_ENDED,
        message=f"{locked.reviewer.get_full_name()}: {reason}",
        data={"reviewer_id": locked.reviewer_id, "assignment_id": locked.pk},
        now=now,
    )
    review_stats_refresh([locked.application_id])  # its final review no longer counts
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
    now = now_or(now)
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
    internal_event(
        locked.application_id,
        user,
        ReviewEvent.CONFLICT if conflict else ReviewEvent.NO_CONFLICT,
        message=note if conflict else "",
        data={"reviewer_id": user.pk, "assignment_id": locked.pk},
        now=now,
    )
    if conflict:
        review_stats_refresh([locked.application_id])  # the conflict shows on the overview
    assignment.refresh_from_db()
    return locked
