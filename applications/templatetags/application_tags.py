"""Template tags of application pages: money and numbers, status badges, and the workflow's
answers (``can``, ``in_state``) so that templates never compare raw status strings."""

from django import template
from django.utils.translation import gettext as _

from applications import permissions, workflow
from applications.workflow import Status
from core.formatting import format_iban, format_money, format_number
from municipalities.selectors import member_municipality_ids

register = template.Library()

STATUS_BADGES = {
    Status.DRAFT: "info",
    Status.SUBMITTED: "info",
    Status.IN_CHECK: "info",
    Status.MISSING_ITEMS: "warning",
    Status.IN_REVIEW: "info",
    Status.READY_FOR_DECISION: "info",
    Status.APPROVED: "success",
    Status.REJECTED: "danger",
    Status.WITHDRAWN: "warning",
}


@register.filter
def euro(value) -> str:
    """Money: 1234.5 -> "1.234,50 €" (German), "1,234.50 €" (English)."""
    return format_money(value)


@register.filter
def number(value) -> str:
    """A count or figure with thousands separators: 10126 -> "10.126"."""
    if value in (None, ""):
        return "–"
    return format_number(value)


@register.filter
def iban(value) -> str:
    """An IBAN in groups of four."""
    return format_iban(value) or "–"


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "info")


@register.simple_tag(takes_context=True)
def can(context, application, action: str) -> bool:
    """May the person viewing the page take the workflow ``action`` on ``application`` now?
    The workflow table's answer (``permissions.can_transition``) for ``request.user``::

        {% can application "approve" as may_approve %}{% if may_approve %}...{% endif %}
    """
    if action not in workflow.Action.values:
        raise template.TemplateSyntaxError(f"Unknown workflow action {action!r}")
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    member_ids = member_municipality_ids(user)  # read once per request (cached on the user)
    return permissions.can_transition(user, application, action, member_ids=member_ids)


@register.filter
def in_state(application, name: str) -> bool:
    """Is the application in the named state set of the workflow (``workflow.STATE_SETS``)?
    ``{% if application|in_state:"granted" %}``."""
    return workflow.in_state(application.status, name)


@register.filter
def yes_no(value) -> str:
    return _("Ja") if value else _("Nein")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
