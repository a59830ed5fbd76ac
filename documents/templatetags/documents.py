"""``{% load documents %}``: how the pages of other apps show an application's documents
without importing this app."""

from __future__ import annotations

from django import template

from documents.selectors import documents_box as documents_box_context

register = template.Library()


@register.inclusion_tag("documents/_documents.html")
def documents_box(application) -> dict:
    """The documents box of an application (``{% documents_box application %}``): its
    receipts and letters, polling while a receipt is being rendered."""
    return {"application": application, **documents_box_context(application)}
