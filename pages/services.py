"""Writes of the pages app: the accessibility feedback."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from core.outbox import outbox_enqueue

from .models import AccessibilityFeedback

SEND_FEEDBACK_MAILS = "pages.send_feedback_mails"
# At most this many reports per client address and hour (spam, floods).
FEEDBACK_PER_HOUR = 5


def feedback_allowed(client: str) -> bool:
    """Counts one valid report of ``client``; False once it sent too many this hour."""
    key = f"pages:feedback:{client}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= FEEDBACK_PER_HOUR


def feedback_submit(*, name: str, email: str, page_url: str, message: str):
    """Stores the report and owes its two mails (to the office, receipt to the sender)."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            name=name, email=email, page_url=page_url, message=message
        )
        outbox_enqueue(SEND_FEEDBACK_MAILS, feedback.pk)
    return feedback
