"""Celery tasks of the applications app: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="applications.notify_partner_added",
    **TRANSIENT_RETRY,
)
def notify_partner_added(self, partner_id: int) -> None:
    """Tell the partner municipality's staff that they are asked to confirm (once per outbox
    message, however often the task is delivered)."""
    from core.outbox import outbox_once

    from . import notifications

    with outbox_once(self.request.id) as owed:
        if owed:
            notifications.notify_partner_added(partner_id)


@shared_task(
    bind=True,
    name="applications.notify_resubmission",
    **TRANSIENT_RETRY,
)
def notify_resubmission(self, event_id: int) -> None:
    """Tell the case officer that a Nachforderung was answered (once per outbox message)."""
    from core.outbox import outbox_once

    from . import notifications

    with outbox_once(self.request.id) as owed:
        if owed:
            notifications.notify_resubmission(event_id)
