"""Small pure predicates: who may do what with accounts. Tested as a matrix of roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from municipalities.models import Membership

    from .models import JoinRequest, User

# Roles that act for RP Darmstadt / HMSI or see other municipalities' applications: they
# must use a second factor before they reach any non-public page.
ROLES_REQUIRING_TWO_FACTOR = frozenset({"case_officer", "reviewer", "admin"})


def requires_two_factor(user: User) -> bool:
    """Case officers, jury reviewers, admins and anyone with Django-admin access."""
    if not user.is_authenticated:
        return False
    return user.role in ROLES_REQUIRING_TWO_FACTOR or user.is_staff or user.is_superuser


def can_invite(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_portal_admin


def can_request_membership(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_municipal_staff


def can_decide_join_request(
    user: User, join_request: JoinRequest, member_municipality_ids: set[int] | frozenset = ()
) -> bool:
    """A member of the municipality or an admin decides; nobody decides their own request.

    ``member_municipality_ids`` are the ids of the municipalities ``user`` belongs to (the
    caller loads them once, so that the predicate stays pure)."""
    if not (user.is_authenticated and user.is_active) or not join_request.is_pending:
        return False
    if join_request.user_id == user.pk:
        return False
    return user.is_portal_admin or join_request.municipality_id in member_municipality_ids


def can_leave_membership(user: User, membership: Membership) -> bool:
    return user.is_authenticated and membership.user_id == user.pk


def can_manage_accounts(user: User) -> bool:
    """Deactivate and anonymise accounts."""
    return user.is_authenticated and user.is_active and user.is_portal_admin
