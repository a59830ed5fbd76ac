from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

from . import mails
from .services import SEND_FEEDBACK_MAILS


@shared_task(name=SEND_FEEDBACK_MAILS, **TRANSIENT_RETRY)
def send_feedback_mails(feedback_id: int) -> None:
    """Mails a barrier report to the office and a receipt to its sender (once each)."""
    mails.send_feedback_mails(feedback_id)
