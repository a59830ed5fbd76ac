"""Celery tasks of the applications app: thin, take ids, safe to run twice (each mail is
guarded by ``core.mail.mail_once`` inside the function it calls)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

from . import notifications


@shared_task(name="applications.notify_partner_added", **TRANSIENT_RETRY)
def notify_partner_added(partner_id: int) -> None:
    """Tell the partner municipality's staff that they are asked to confirm."""
    notifications.notify_partner_added(partner_id)


@shared_task(name="applications.notify_resubmission", **TRANSIENT_RETRY)
def notify_resubmission(event_id: int) -> None:
    """Tell the case officer that a Nachforderung was answered."""
    notifications.notify_resubmission(event_id)
