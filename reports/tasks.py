"""Celery tasks of the reports app: thin, take ids, safe to run twice (mails are sent once)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

from . import emails


@shared_task(name="reports.send_item_request_mail", **TRANSIENT_RETRY)
def send_item_request_mail(item_request_id: int) -> None:
    emails.send_item_request_mail(item_request_id)


@shared_task(name="reports.send_settlement_mail", **TRANSIENT_RETRY)
def send_settlement_mail(settlement_id: int) -> None:
    emails.send_settlement_mail(settlement_id)
