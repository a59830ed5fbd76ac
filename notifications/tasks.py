"""Celery tasks of the notifications app: thin, take ids, safe to run twice (rows unique per
person and key, each e-mail under its ``core.mail.mail_once`` mark)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

from . import reminders, services


@shared_task(name="notifications.deliver_event", **TRANSIENT_RETRY)
def deliver_event(event_id: int) -> None:
    """Deliver the notifications an event row causes."""
    services.deliver_event(event_id)


@shared_task(name="notifications.send_digests", **TRANSIENT_RETRY)
def send_digests() -> None:
    """The daily digest of each person who chose it."""
    services.send_digests()


@shared_task(name="notifications.send_reminders", **TRANSIENT_RETRY)
def send_reminders() -> None:
    """Reminders of the round's deadline and of Nachforderungen' due dates."""
    reminders.send_reminders()
