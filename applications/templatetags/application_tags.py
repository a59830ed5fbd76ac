from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from wir_portal.forms import format_decimal_de

from ..workflow import Status

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
    """German money: 1234.5 -> "1.234,50 €"."""
    if value in (None, ""):
        return "–"
    return f"{format_decimal_de(Decimal(value), 2)}\u00a0€"


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "info")


@register.filter
def yes_no(value) -> str:
    return _("Ja") if value else _("Nein")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
