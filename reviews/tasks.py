"""Celery tasks of the review app: thin, take ids, safe to run twice (the functions they call
send each e-mail once), retried on transient errors. The decision letter is rendered by
``documents.render_decision_letter``."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

from . import emails

RETRY = TRANSIENT_RETRY


@shared_task(name="reviews.send_item_request_mail", **RETRY)
def send_item_request_mail(formal_check_id: int) -> None:
    """Tell the applicant about a Nachforderung."""
    emails.send_item_request_mail(formal_check_id)


@shared_task(name="reviews.send_conflict_mail", **RETRY)
def send_conflict_mail(assignment_id: int) -> None:
    """Tell the case officer that a reviewer declared a conflict of interest."""
    emails.send_conflict_mail(assignment_id)
