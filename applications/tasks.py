"""Celery tasks of the applications app: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    name="applications.render_receipt",
    autoretry_for=(OperationalError, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def render_receipt(application_id: int) -> None:
    """Render the Eingangsbestätigung (receipt) of a submitted application and mail it."""
    from . import pdf

    pdf.render_receipt(application_id)
