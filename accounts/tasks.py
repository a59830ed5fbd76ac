"""Celery tasks of the accounts app: thin, take ids, retried on transient errors, send each
mail once (``core.mail.mail_once``)."""

from __future__ import annotations

from celery import shared_task

from core.mail import mail_once, outbox_mail_key
from core.tasks import TRANSIENT_RETRY

from . import services

RETRY = TRANSIENT_RETRY


@shared_task(bind=True, name="accounts.send_registration_mail", **RETRY)
def send_registration_mail(self, user_id: int, template: str, base_url: str) -> None:
    """The confirmation link, or the note that the address already has an account: once per
    registration (every registration owes its own mail through the outbox)."""
    key = outbox_mail_key("accounts.registration", self.request.id)
    with mail_once(key) as owed:
        if owed:
            services.registration_mail_send(user_id=user_id, template=template, base_url=base_url)


@shared_task(name="accounts.send_join_request_decided_mail", **RETRY)
def send_join_request_decided_mail(join_request_id: int) -> None:
    """The decision on a join request, mailed once."""
    services.join_request_decided_mail_send(join_request_id=join_request_id)
