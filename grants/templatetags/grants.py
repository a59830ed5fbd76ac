"""``{% load grants %}``: how the application's pages link to the "Nach der Bewilligung" area
without importing this app."""

from __future__ import annotations

from django import template

from applications import workflow as application_workflow

register = template.Library()


@register.inclusion_tag("grants/_grant_box.html")
def grant_box(application) -> dict:
    """A link to the area after the decision, on a granted application only (no query)."""
    return {
        "application": application,
        "granted": application_workflow.in_state(application.status, "granted"),
    }
