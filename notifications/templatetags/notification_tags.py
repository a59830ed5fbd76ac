"""Template tags of the notifications app for pages of lower apps: the header's link with the
unread counter (one query per request) and the start page's list of what is due."""

from __future__ import annotations

from django import template

from notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": selectors.request_unread_count(request), "request": request}


@register.inclusion_tag("notifications/_due.html", takes_context=True)
def due_overview(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"role": None}
    if user.is_municipal_staff:
        return {"role": "staff", "due": selectors.staff_due(user)}
    if user.is_rp:
        return {"role": "rp", "due": selectors.case_officer_due()}
    if user.is_reviewer:
        return {"role": "reviewer", "assignments": selectors.reviewer_due(user)}
    return {"role": None}
