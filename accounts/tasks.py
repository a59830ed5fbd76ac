"""Celery tasks of the accounts app: thin, take ids, retried on transient errors."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

RETRY = TRANSIENT_RETRY


@shared_task(name="accounts.send_registration_mail", **RETRY)
def send_registration_mail(user_id: int, template: str, base_url: str) -> None:
    """The confirmation link, or the note that the address already has an account."""
    from . import services

    services.registration_mail_send(user_id=user_id, template=template, base_url=base_url)


@shared_task(bind=True, name="accounts.send_join_request_decided_mail", **RETRY)
def send_join_request_decided_mail(self, join_request_id: int) -> None:
    """The decision on a join request, mailed once per outbox message."""
    from core.outbox import outbox_once

    from . import services

    with outbox_once(self.request.id) as owed:
        if owed:
            services.join_request_decided_mail_send(join_request_id=join_request_id)
