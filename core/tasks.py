"""Periodic tasks without a domain (run by Celery beat, see ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="core.outbox_flush", ignore_result=True)
def outbox_flush() -> int:
    """Sends again what the outbox still owes (e.g. after a Redis outage)."""
    from . import outbox

    return outbox.outbox_flush()
