"""Celery tasks of the documents app: thin, take ids, safe to run twice (the functions they
call store idempotently and mail once), retried on transient errors.

Other apps owe this work by task name through the outbox (``core.outbox.outbox_enqueue``), e.g.
``outbox_enqueue("documents.render_receipt", application_id)`` inside their transaction, so they
never import this app. The bundle tasks live in ``bundles/tasks.py`` and are registered here."""

from __future__ import annotations

import gc
import logging

from celery import shared_task
from celery.signals import worker_process_init

from core.tasks import TRANSIENT_RETRY

from . import grant_documents, letters, receipts, rendering, report_pdfs
from .bundles.merge import footer_font_warm_up
from .bundles.tasks import (  # noqa: F401 - registered with Celery by importing them here
    bundle_jobs_watch,
    bundle_merge,
    bundle_render_application,
    bundle_start,
    send_bundle_mail,
)

logger = logging.getLogger(__name__)


@shared_task(name="documents.render_receipt", **TRANSIENT_RETRY)
def render_receipt(application_id: int) -> None:
    """Render the Eingangsbestätigung (receipt) of a submitted application and mail it."""
    receipts.render_receipt(application_id)


@shared_task(name="documents.render_decision_letter", **TRANSIENT_RETRY)
def render_decision_letter(application_id: int) -> None:
    """Render the Zuwendungs- or Ablehnungsbescheid, store it and mail it to the applicant."""
    letters.render_decision_letter(application_id)


@shared_task(name="documents.render_report", **TRANSIENT_RETRY)
def render_report(report_id: int) -> None:
    """Render the interim or final report as submitted (reports app) and store it."""
    report_pdfs.render_report(report_id)


@shared_task(name="documents.render_repayment_letter", **TRANSIENT_RETRY)
def render_repayment_letter(report_id: int) -> None:
    """Render the repayment letter (Rückforderungsschreiben) of a settled report."""
    report_pdfs.render_repayment_letter(report_id)


@shared_task(name="documents.render_payment_request", **TRANSIENT_RETRY)
def render_payment_request(request_id: int) -> None:
    """Render the Mittelabruf as filed (grants)."""
    grant_documents.render_payment_request(request_id)


@shared_task(name="documents.render_payment_order", **TRANSIENT_RETRY)
def render_payment_order(order_id: int) -> None:
    """Render the Auszahlungsanordnung of an approved payment request (grants)."""
    grant_documents.render_payment_order(order_id)


@shared_task(name="documents.render_change_decision", **TRANSIENT_RETRY)
def render_change_decision(change_id: int) -> None:
    """Render the decision on a change request (grants)."""
    grant_documents.render_change_decision(change_id)


@worker_process_init.connect
def _warm_up_pdf_rendering(**kwargs) -> None:
    """Each worker process loads the fonts and WeasyPrint once when it starts, not in the
    first task it gets (about half a second per process), and the bundles' footer font (a
    WeasyPrint render, otherwise done by the process's first merge)."""
    try:
        rendering.warm_up()
        footer_font_warm_up()
        # What the process has loaded by now (Django, WeasyPrint, the fonts) stays for its
        # life: out of the collector's sight, so that collections during a render scan only
        # what the render made (a render is then about a sixth faster).
        gc.collect()
        gc.freeze()
    except Exception:  # noqa: BLE001 - a cold start is slower, not broken
        logger.warning("PDF warm-up failed", exc_info=True)
