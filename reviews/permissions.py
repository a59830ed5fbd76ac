"""Small pure predicates of the review pages. They read only the objects they are given (and
the person's role); callers load memberships and assignments once and pass them in."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from applications.workflow import ASSIGNABLE_STATUSES, CHECK_STATUSES, SCORING_STATUSES

from .models import AssignmentStatus, ReviewStatus

if TYPE_CHECKING:
    from applications.models import Application

    from .models import Assignment, Review


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_use_rp_pages(user) -> bool:
    """Case officers and admins: the round overview, ranking, exports, the RP detail view."""
    return _active(user) and user.is_rp


def can_manage(user) -> bool:
    """Case officers: formal check, assignments, reopening reviews, decisions."""
    return _active(user) and user.is_case_officer


def can_add_note(user) -> bool:
    return can_use_rp_pages(user)


def can_check(user, application: Application) -> bool:
    return can_manage(user) and application.status in CHECK_STATUSES


def has_municipal_conflict(
    member_municipality_ids: Collection[int], application_municipality_ids: Collection[int]
) -> bool:
    """Is the person a member of the lead or of a partner municipality of the application?"""
    return bool(set(member_municipality_ids) & set(application_municipality_ids))


def may_be_assigned(
    reviewer,
    *,
    member_municipality_ids: Collection[int],
    application_municipality_ids: Collection[int],
) -> bool:
    """An active jury reviewer who is not a member of a municipality of the application."""
    return (
        _active(reviewer)
        and reviewer.is_reviewer
        and not has_municipal_conflict(member_municipality_ids, application_municipality_ids)
    )


def can_assign(user, application: Application) -> bool:
    return can_manage(user) and application.status in ASSIGNABLE_STATUSES


def is_own_active_assignment(user, assignment: Assignment | None) -> bool:
    return (
        _active(user)
        and user.is_reviewer
        and assignment is not None
        and assignment.reviewer_id == user.pk
        and assignment.status == AssignmentStatus.ACTIVE
    )


def can_declare(user, assignment: Assignment | None) -> bool:
    """The reviewer, before seeing the application: declare (no) conflict of interest."""
    return is_own_active_assignment(user, assignment) and assignment.declared_at is None


def can_see_content(user, assignment: Assignment | None) -> bool:
    """The reviewer sees the application once they declared that they are not biased."""
    return (
        is_own_active_assignment(user, assignment)
        and assignment.declared_at is not None
        and not assignment.conflict
    )


def can_edit_review(
    user, assignment: Assignment | None, application: Application, review: Review | None
) -> bool:
    return (
        can_see_content(user, assignment)
        and application.status in SCORING_STATUSES
        and (review is None or review.status == ReviewStatus.DRAFT)
    )


def can_reopen(user, review: Review, application: Application) -> bool:
    return (
        can_manage(user)
        and review.status == ReviewStatus.FINAL
        and review.assignment.status == AssignmentStatus.ACTIVE
        and application.status in SCORING_STATUSES
    )


def can_end_assignment(user, assignment: Assignment, application: Application) -> bool:
    return (
        can_manage(user)
        and assignment.status == AssignmentStatus.ACTIVE
        and application.status in SCORING_STATUSES
    )


def can_decide(user) -> bool:
    """Whether a decision is possible in the current status is the workflow table's answer."""
    return can_manage(user)
