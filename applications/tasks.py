"""Celery tasks of the applications app: thin, take ids, safe to run twice."""

from __future__ import annotations

import importlib
import importlib.util
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
    """Render the Eingangsbestätigung (receipt) of a submitted application.

    The rendering lives in ``applications.pdf.render_receipt(application_id)``, which must be
    idempotent (same application -> same stored receipt). As long as that module does not
    exist, the task only logs that there is nothing to render."""
    if importlib.util.find_spec("applications.pdf") is None:
        logger.info(
            "No applications.pdf module; receipt for application %s not rendered", application_id
        )
        return
    pdf = importlib.import_module("applications.pdf")
    pdf.render_receipt(application_id)
