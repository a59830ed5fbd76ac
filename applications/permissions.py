"""Small predicates: may this person do this to this application? Views and services ask them.

They read the person's memberships once per user object (cached on it), nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import workflow
from .workflow import EDITABLE_STATUSES, Status

if TYPE_CHECKING:
    from .models import Application, ApplicationPartner, Attachment

_CACHE_ATTR = "_wir_municipality_ids"


def municipality_ids(user) -> frozenset[int]:
    """Ids of the municipalities ``user`` is staff of (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_municipal_staff:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from municipalities.models import Membership

        cached = frozenset(
            Membership.objects.filter(user=user).values_list("municipality_id", flat=True)
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_lead_staff(user, application: Application) -> bool:
    return _active(user) and application.lead_municipality_id in municipality_ids(user)


def is_partner_staff(user, application: Application) -> bool:
    """Staff of a municipality named as (not declined) partner of the application."""
    from .models import PartnerStatus

    mine = municipality_ids(user)
    if not _active(user) or not mine:
        return False
    return any(
        p.municipality_id in mine and p.status != PartnerStatus.DECLINED
        for p in application.partners.all()
    )


def workflow_roles(user, application: Application) -> frozenset[str]:
    """The workflow roles (workflow.APPLICANT / CASE_OFFICER / ADMIN) ``user`` holds for it."""
    if not _active(user):
        return frozenset()
    roles = set()
    if user.is_municipal_staff and is_lead_staff(user, application):
        roles.add(workflow.APPLICANT)
    if user.is_case_officer:
        roles.add(workflow.CASE_OFFICER)
    if user.is_portal_admin:
        roles.add(workflow.ADMIN)
    return frozenset(roles)


def can_view(user, application: Application) -> bool:
    if not _active(user):
        return False
    if user.is_rp and application.status != Status.DRAFT:
        return True
    if user.is_municipal_staff:
        return is_lead_staff(user, application) or is_partner_staff(user, application)
    return False  # reviewers: through their assignments (reviews app)


def editable_sections(application: Application) -> frozenset[str]:
    """Sections whose content may change in the current status (ignoring who asks)."""
    from .models import Section

    if application.status == Status.DRAFT:
        return frozenset(Section.values)
    if application.status == Status.MISSING_ITEMS:
        request = application.open_item_request()
        return frozenset(request.sections) if request else frozenset()
    return frozenset()


def can_edit(user, application: Application, section: str | None = None) -> bool:
    """Lead staff, in draft; in a Nachforderung only the sections it reopens. Without
    ``section``: may the person change anything at all."""
    if not (_active(user) and user.is_municipal_staff and is_lead_staff(user, application)):
        return False
    if application.status not in EDITABLE_STATUSES:
        return False
    sections = editable_sections(application)
    return bool(sections) if section is None else section in sections


def can_manage_partners(user, application: Application) -> bool:
    from .models import Section

    return can_edit(user, application, Section.PARTNERS)


def can_respond_as_partner(user, partner: ApplicationPartner) -> bool:
    """Staff of the partner municipality, while the partnership may still change: a pending
    request can be confirmed or declined, a confirmation withdrawn before submission."""
    from .models import PartnerStatus, Section

    if not (_active(user) and user.is_municipal_staff):
        return False
    if partner.municipality_id not in municipality_ids(user):
        return False
    if partner.status == PartnerStatus.DECLINED:
        return False
    return Section.PARTNERS in editable_sections(partner.application)


def can_download_attachment(user, attachment: Attachment) -> bool:
    return can_view(user, attachment.application)


def can_transition(user, application: Application, action: str) -> bool:
    t = workflow.get_transition(application.status, action)
    return t is not None and bool(t.roles & workflow_roles(user, application))


def available_actions(user, application: Application) -> list[str]:
    """Workflow actions ``user`` may take on ``application`` now (for buttons)."""
    roles = workflow_roles(user, application)
    return [t.action for t in workflow.actions_from(application.status) if t.roles & roles]
