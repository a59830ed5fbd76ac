"""Celery tasks of PDF bundles (registered through ``documents.tasks``).

The graph: bundle_start -> chord(group(bundle_render_application per uncached application),
bundle_merge). Every task takes the job id, may run twice (late acknowledgement, retries, a
redelivered message after a killed worker) and leaves the job correct; a task that fails for
good fails the job with a message (``BundleTask.on_failure``), and a job that is still open
after ``WIR_BUNDLE_TIMEOUT_MINUTES`` is failed by the periodic ``bundle_jobs_watch``."""

from __future__ import annotations

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from core.tasks import TRANSIENT_RETRY

from . import dispatch, jobs, merge, parts, watch

BUNDLE_TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class BundleTask(Task):
    """Fails the bundle job (first argument) when a task gives up."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
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
        jobs.bundle_job_fail(job_id, message)


# Every step of a bundle: acknowledged late (a killed worker's step is delivered again),
# retried on transient database and network errors, failing the job when it gives up.
BUNDLE_STEP = {
    "bind": True,
    "base": BundleTask,
    "acks_late": True,
    "autoretry_for": BUNDLE_TRANSIENT,
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(
    name=dispatch.START,
    **BUNDLE_STEP,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=180,
)
def bundle_start(self, job_id: int) -> None:
    """Marks the job as running, takes cached PDFs, renders the rest in parallel, merges."""
    to_render = jobs.bundle_job_start(job_id)
    if to_render is None:
        return
    dispatch.render_then_merge(job_id, to_render)


@shared_task(
    name=dispatch.RENDER,
    **BUNDLE_STEP,
    soft_time_limit=300,
    time_limit=360,
)
def bundle_render_application(self, job_id: int, application_id: int) -> None:
    """The PDF of one application with its attachments, from the cache or rendered now."""
    parts.bundle_part_render(job_id=job_id, application_id=application_id)


@shared_task(
    name=dispatch.MERGE,
    **BUNDLE_STEP,
    ignore_result=True,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def bundle_merge(self, job_id: int) -> None:
    """Front matter, page-by-page merge with footers and bookmarks, PDF/A metadata."""
    jobs.bundle_jobs_expire()
    try:
        merge.bundle_merge(job_id)
    except merge.PartsMissing as exc:
        # Parts still on their way (a redelivered render task): wait for them.
        raise self.retry(exc=exc, countdown=3, max_retries=100) from exc


@shared_task(name=dispatch.SEND_MAIL, **TRANSIENT_RETRY)
def send_bundle_mail(job_id: int) -> None:
    """Tell the requester that a bundle is ready or failed (once per job and final state)."""
    jobs.send_bundle_mail(job_id)


@shared_task(name=dispatch.WATCH, ignore_result=True)
def bundle_jobs_watch() -> None:
    """Periodic (beat): fails overdue bundle jobs, re-dispatches steps of stalled ones."""
    watch.bundle_jobs_watch()
