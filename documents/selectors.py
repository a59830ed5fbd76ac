"""Reads of generated documents."""

from __future__ import annotations

from applications.models import Application
from applications.workflow import Action

from .models import DocumentKind


def documents_box(application: Application) -> dict:
    """The documents of an application, and whether a receipt is still being rendered (after
    the submission and after each Nachreichung), so the box keeps polling until it is there."""
    documents = list(application.documents.all())
    expected = 0
    if application.reference:
        expected = 1 + application.events.filter(action=Action.RESUBMIT).count()
    receipts = sum(1 for d in documents if d.kind == DocumentKind.RECEIPT)
    return {"documents": documents, "receipt_pending": receipts < expected}
