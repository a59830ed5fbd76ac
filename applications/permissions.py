"""Small pure predicates: may this person do this to this application? Views and services ask
them.

They never query. Besides the person and the rows, the caller passes what they depend on:
``member_ids``, the municipalities the person is a member of
(``municipalities.selectors.member_municipality_ids(user)``, read once per request);
``partner_ids``, the application's partner municipalities that have not declined
(``selectors.partner_municipality_ids``); ``open_request``, the application's open
Nachforderung (``selectors.open_item_request``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from . import workflow
from .models import PartnerStatus, Section, Visibility
from .workflow import EDITABLE_STATUSES, Status

if TYPE_CHECKING:
    from .models import Application, ApplicationPartner, Attachment, ItemRequest


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_member(user, municipality_id: int, *, member_ids: Collection[int]) -> bool:
    """Municipal staff of that municipality (active or not: the callers check)."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_municipal_staff
        and municipality_id in member_ids
    )


def is_lead_staff(user, application: Application, *, member_ids: Collection[int]) -> bool:
    return _active(user) and is_member(
        user, application.lead_municipality_id, member_ids=member_ids
    )


def is_partner_staff(user, *, member_ids: Collection[int], partner_ids: Collection[int]) -> bool:
    """Staff of a municipality named as (not declined) partner of the application."""
    return (
        _active(user)
        and user.is_municipal_staff
        and not frozenset(member_ids).isdisjoint(partner_ids)
    )


def workflow_roles(
    user, application: Application, *, member_ids: Collection[int]
) -> frozenset[str]:
    """The workflow roles (workflow.APPLICANT / CASE_OFFICER / ADMIN) ``user`` holds for it."""
    if not _active(user):
        return frozenset()
    roles = set()
    if user.is_municipal_staff and is_lead_staff(user, application, member_ids=member_ids):
        roles.add(workflow.APPLICANT)
    if user.is_case_officer:
        roles.add(workflow.CASE_OFFICER)
    if user.is_portal_admin:
        roles.add(workflow.ADMIN)
    return frozenset(roles)


def can_view(
    user,
    application: Application,
    *,
    member_ids: Collection[int],
    partner_ids: Collection[int],
) -> bool:
    """The rule of ``Application.objects.visible_to`` for one application (``Visibility``)."""
    return Visibility.of(user, member_ids).allows(application, partner_ids)


def editable_sections(
    application: Application, *, open_request: ItemRequest | None
) -> frozenset[str]:
    """Sections whose content may change in the current status (ignoring who asks)."""
    if application.status == Status.DRAFT:
        return frozenset(Section.values)
    if application.status == Status.MISSING_ITEMS:
        return frozenset(open_request.sections) if open_request else frozenset()
    return frozenset()


def can_edit(
    user,
    application: Application,
    section: str | None = None,
    *,
    member_ids: Collection[int],
    open_request: ItemRequest | None,
) -> bool:
    """Lead staff, in draft; in a Nachforderung only the sections it reopens. Without
    ``section``: may the person change anything at all."""
    if not is_lead_staff(user, application, member_ids=member_ids):
        return False
    if application.status not in EDITABLE_STATUSES:
        return False
    sections = editable_sections(application, open_request=open_request)
    return bool(sections) if section is None else section in sections


def can_manage_partners(
    user,
    application: Application,
    *,
    member_ids: Collection[int],
    open_request: ItemRequest | None,
) -> bool:
    return can_edit(
        user, application, Section.PARTNERS, member_ids=member_ids, open_request=open_request
    )


def can_respond_as_partner(
    user,
    partner: ApplicationPartner,
    *,
    member_ids: Collection[int],
    open_request: ItemRequest | None,
) -> bool:
    """Staff of the partner municipality, while the partnership may still change: a pending
    request can be confirmed or declined, a confirmation withdrawn before submission.
    ``partner.application`` is loaded by the caller; ``open_request`` is its Nachforderung."""
    if not (_active(user) and is_member(user, partner.municipality_id, member_ids=member_ids)):
        return False
    if partner.status == PartnerStatus.DECLINED:
        return False
    return Section.PARTNERS in editable_sections(partner.application, open_request=open_request)


def can_download_attachment(
    user,
    attachment: Attachment,
    *,
    member_ids: Collection[int],
    partner_ids: Collection[int],
) -> bool:
    """``attachment.application`` is loaded by the caller."""
    return can_view(user, attachment.application, member_ids=member_ids, partner_ids=partner_ids)


def can_extend_item_request(user, application: Application, *, open_request) -> bool:
    """The case officer may give an open Nachforderung a later due date (typically after it
    passed unanswered; the alternative is rejecting the application)."""
    return (
        _active(user)
        and user.is_case_officer
        and application.status == Status.MISSING_ITEMS
        and open_request is not None
    )


def can_transition(
    user, application: Application, action: str, *, member_ids: Collection[int]
) -> bool:
    t = workflow.get_transition(application.status, action)
    return t is not None and bool(
        t.roles & workflow_roles(user, application, member_ids=member_ids)
    )


def available_actions(user, application: Application, *, member_ids: Collection[int]) -> list[str]:
    """Workflow actions ``user`` may take on ``application`` now (for buttons)."""
    roles = workflow_roles(user, application, member_ids=member_ids)
    return [t.action for t in workflow.actions_from(application.status) if t.roles & roles]
