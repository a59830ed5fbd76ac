"""Who may do what with a grant: predicates that never query (views and selectors supply the
memberships). The transition tables (``workflow.py``) say which role may take which step; these
answer it for one person and one object, for buttons and page access."""

from __future__ import annotations

from collections.abc import Collection

from applications import permissions as application_permissions
from applications.models import Application

from . import workflow


def roles(user, application: Application, *, member_ids: Collection[int]) -> frozenset[str]:
    return application_permissions.workflow_roles(user, application, member_ids=member_ids)


def can(
    user,
    application: Application,
    kind: str,
    state: str | None,
    action: str,
    *,
    member_ids: Collection[int],
) -> bool:
    """May ``user`` take ``action`` on an object of ``kind`` in ``state`` now (the table)?"""
    transition = workflow.get_transition(kind, state, action)
    return transition is not None and bool(
        transition.roles & roles(user, application, member_ids=member_ids)
    )


def available_actions(
    user, application: Application, kind: str, state: str | None, *, member_ids: Collection[int]
) -> set[str]:
    held = roles(user, application, member_ids=member_ids)
    return {t.action for t in workflow.actions_from(kind, state) if t.roles & held}


def can_use_queues(user) -> bool:
    """The RP queues and the cash office export: case officers and admins."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_rp)


def can_decide(user) -> bool:
    """Decisions on payment requests, notices and change requests: case officers."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.is_case_officer
    )
