"""Who may do what with a report: small predicates that never query (the caller supplies the
user's municipality ids)."""

from __future__ import annotations

from collections.abc import Collection

from applications import permissions as application_permissions
from applications.models import Application

from . import workflow
from .workflow import APPLICANT, CASE_OFFICER


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def report_roles(user, application: Application, *, member_ids: Collection[int]) -> frozenset[str]:
    """The report workflow roles of ``user`` for the reports of a grant on ``application``:
    staff of its lead municipality file them, case officers check them."""
    if not _active(user):
        return frozenset()
    roles = set()
    if user.is_municipal_staff and application_permissions.is_lead_staff(
        user, application, member_ids=member_ids
    ):
        roles.add(APPLICANT)
    if user.is_case_officer:
        roles.add(CASE_OFFICER)
    return frozenset(roles)


def report_actions(report, application: Application, user, *, member_ids) -> list[str]:
    """The actions of the table ``user`` may take on ``report`` now (for buttons)."""
    roles = report_roles(user, application, member_ids=member_ids)
    return [t.action for t in workflow.actions_from(report.status) if t.roles & roles]


def can_file(user, application: Application, *, member_ids: Collection[int]) -> bool:
    """Lead staff open, fill in and submit the reports of their municipality's grants."""
    return APPLICANT in report_roles(user, application, member_ids=member_ids)


def can_view_reports(
    user, application: Application, *, member_ids: Collection[int], partner_ids=()
) -> bool:
    """Whoever may see the application sees its reports (lead and partner staff, RP)."""
    return application_permissions.can_view(
        user, application, member_ids=member_ids, partner_ids=partner_ids
    )


def can_use_queue(user) -> bool:
    """RP Darmstadt (case officers and admins) sees the reports to check."""
    return _active(user) and user.is_rp


def can_check(user) -> bool:
    """Only case officers check reports and settle them."""
    return _active(user) and user.is_case_officer
