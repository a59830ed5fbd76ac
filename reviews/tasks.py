"""Celery tasks of the review app: thin, take ids, safe to run twice (the functions they call
store idempotently and send each e-mail once), retried on transient errors."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

RETRY = TRANSIENT_RETRY


@shared_task(name="reviews.render_decision_letter", **RETRY)
def render_decision_letter(application_id: int) -> None:
    """Render the Zuwendungs- or Ablehnungsbescheid, store it and mail it to the applicant."""
    from . import pdf

    pdf.render_decision_letter(application_id)


@shared_task(name="reviews.send_item_request_mail", **RETRY)
def send_item_request_mail(formal_check_id: int) -> None:
    """Tell the applicant about a Nachforderung."""
    from . import emails

    emails.send_item_request_mail(formal_check_id)


@shared_task(name="reviews.send_conflict_mail", **RETRY)
def send_conflict_mail(assignment_id: int) -> None:
    """Tell the case officer that a reviewer declared a conflict of interest."""
    from . import emails

    emails.send_conflict_mail(assignment_id)
