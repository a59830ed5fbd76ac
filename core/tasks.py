"""Periodic tasks without a domain (run by Celery beat, see ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import outbox

# The options of every thin task that takes ids: retried on transient errors (database,
# network), no result kept (the outbox marks its rows done).
TRANSIENT_RETRY = {
    "autoretry_for": (OperationalError, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
    "ignore_result": True,
}


@shared_task(name="core.outbox_flush", ignore_result=True)
def outbox_flush() -> int:
    """Sends again what the outbox still owes (e.g. after a Redis outage)."""
    return outbox.outbox_flush()
