"""Celery tasks of the applications app: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from core.tasks import TRANSIENT_RETRY

logger = logging.getLogger(__name__)


@shared_task(
    name="applications.render_receipt",
    **TRANSIENT_RETRY,
)
def render_receipt(application_id: int) -> None:
    """Render the Eingangsbestätigung (receipt) of a submitted application and mail it."""
    from . import pdf

    pdf.render_receipt(application_id)


@shared_task(
    bind=True,
    name="applications.notify_partner_added",
    **TRANSIENT_RETRY,
)
def notify_partner_added(self, partner_id: int) -> None:
    """Tell the partner municipality's staff that they are asked to confirm (once per outbox
    message, however often the task is delivered)."""
    from core.outbox import outbox_once

    from . import notifications

    with outbox_once(self.request.id) as owed:
        if owed:
            notifications.notify_partner_added(partner_id)


@shared_task(
    bind=True,
    name="applications.notify_resubmission",
    **TRANSIENT_RETRY,
)
def notify_resubmission(self, event_id: int) -> None:
    """Tell the case officer that a Nachforderung was answered (once per outbox message)."""
    from core.outbox import outbox_once

    from . import notifications

    with outbox_once(self.request.id) as owed:
        if owed:
            notifications.notify_resubmission(event_id)


# PDF bundles of a round -------------------------------------------------------------------------
# The graph: bundle_start -> chord(group(bundle_render_application per uncached application),
# bundle_merge). Every task takes the job id, may run twice (late acknowledgement, retries,
# a redelivered message after a killed worker) and leaves the job correct; a task that fails
# for good fails the job with a message (BundleTask.on_failure), and a job that is still open
# after WIR_BUNDLE_TIMEOUT_MINUTES is failed by bundles.bundle_jobs_expire.
from celery import Task, chord  # noqa: E402
from celery.exceptions import SoftTimeLimitExceeded  # noqa: E402
from celery.signals import worker_process_init  # noqa: E402
from django.db import InterfaceError  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

BUNDLE_TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class BundleTask(Task):
    """Fails the bundle job (first argument) when a task gives up."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from . import bundles

        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is None:
            return
        # Stored with the bundle job and shown on its page; the worker runs in the default
        # language (German).
        if isinstance(exc, SoftTimeLimitExceeded):
            message = _("Zeitlimit eines Arbeitsschritts überschritten.")
        else:
            message = _("Fehler beim Erstellen des Bündels: %(error_type)s: %(error)s") % {
                "error_type": exc.__class__.__name__,
                "error": exc,
            }
        if len(args) > 1:
            message += " " + _("(Antrag-ID %(id)s)") % {"id": args[1]}
        bundles.bundle_job_fail(job_id, message)


@shared_task(
    bind=True,
    base=BundleTask,
    name="applications.bundle_start",
    acks_late=True,
    autoretry_for=BUNDLE_TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=180,
)
def bundle_start(self, job_id: int) -> None:
    """Marks the job as running, takes cached PDFs, renders the rest in parallel, merges."""
    from . import bundles

    to_render = bundles.bundle_job_start(job_id)
    if to_render is None:
        return
    bundle_dispatch(job_id, to_render)


def bundle_dispatch(job_id: int, to_render) -> None:
    """Renders ``to_render`` in parallel, then merges (at once when nothing is to render)."""
    merge = bundle_merge.si(job_id)
    if to_render:
        chord(bundle_render_application.s(job_id, pk) for pk in to_render)(merge)
    else:
        merge.delay()


@shared_task(
    bind=True,
    base=BundleTask,
    name="applications.bundle_render_application",
    acks_late=True,
    autoretry_for=BUNDLE_TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def bundle_render_application(self, job_id: int, application_id: int) -> None:
    """The PDF of one application with its attachments, from the cache or rendered now."""
    from . import bundles

    bundles.bundle_part_render(job_id=job_id, application_id=application_id)


@shared_task(
    bind=True,
    base=BundleTask,
    name="applications.bundle_merge",
    acks_late=True,
    autoretry_for=BUNDLE_TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def bundle_merge(self, job_id: int) -> None:
    """Front matter, page-by-page merge with footers and bookmarks, PDF/A metadata."""
    from . import bundles

    bundles.bundle_jobs_expire()
    try:
        bundles.bundle_merge(job_id)
    except bundles.PartsMissing as exc:
        # Parts still on their way (a redelivered render task): wait for them.
        raise self.retry(exc=exc, countdown=3, max_retries=100) from exc


@shared_task(
    bind=True,
    name="applications.send_bundle_mail",
    **TRANSIENT_RETRY,
)
def send_bundle_mail(self, job_id: int) -> None:
    """Tell the requester that a bundle is ready or failed (once per outbox message)."""
    from core.outbox import outbox_once

    from . import bundles

    with outbox_once(self.request.id) as owed:
        if owed:
            bundles.send_bundle_mail(job_id)


@shared_task(name="applications.bundle_jobs_watch", ignore_result=True)
def bundle_jobs_watch() -> None:
    """Periodic (beat): fails overdue bundle jobs, re-dispatches steps of stalled ones."""
    from . import bundles

    bundles.bundle_jobs_watch()


@worker_process_init.connect
def _warm_up_pdf_rendering(**kwargs) -> None:
    """Each worker process loads the fonts and WeasyPrint once when it starts, not in the
    first bundle task it gets (about half a second per process)."""
    from . import bundles

    try:
        bundles.warm_up()
    except Exception:  # noqa: BLE001 - a cold start is slower, not broken
        logger.warning("PDF warm-up failed", exc_info=True)
