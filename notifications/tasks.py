"""Celery tasks of the notifications app: thin, take ids, safe to run twice (rows unique per
person and key, each e-mail under its ``core.mail.mail_once`` mark)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

from . import legacy, reminders, services


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


# The tasks this app replaced: aliases that drain outbox rows owed under the old names at the
# deploy (``legacy.py``). Remove after one release.
@shared_task(name="applications.notify_partner_added", **TRANSIENT_RETRY)
def legacy_notify_partner_added(partner_id: int) -> None:
    legacy.partner_added(partner_id)


@shared_task(name="applications.notify_resubmission", **TRANSIENT_RETRY)
def legacy_notify_resubmission(event_id: int) -> None:
    legacy.resubmission(event_id)


@shared_task(name="reviews.send_item_request_mail", **TRANSIENT_RETRY)
def legacy_send_item_request_mail(formal_check_id: int) -> None:
    legacy.item_request(formal_check_id)


@shared_task(name="reviews.send_conflict_mail", **TRANSIENT_RETRY)
def legacy_send_conflict_mail(assignment_id: int) -> None:
    legacy.conflict(assignment_id)
