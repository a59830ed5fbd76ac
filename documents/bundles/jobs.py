"""A bundle job's life in the database: requested (the selection fixed), started (cached parts
taken), progress counted once per application, failed with a message, expired after the time
limit, and the mail to the requester at the end. Rendering and merging are in ``parts`` and
``merge``; the Celery side is in ``tasks``."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, FundingRound
from core.mail import mail_once, mail_send
from core.outbox import outbox_enqueue
from documents.models import (
    ApplicationPdfCache,
    BundleJob,
    BundleJobPart,
    BundleSelection,
    BundleStatus,
)

from . import dispatch
from .content import content_hash, load_applications
from .files import file_exists
from .selection import bundle_statuses, can_manage_bundles, select_application_ids

logger = logging.getLogger(__name__)

# Applications hashed per query when a job starts.
HASH_CHUNK = 50


def timeout_minutes() -> int:
    """After this long a job that is still waiting or running is failed (setting
    ``WIR_BUNDLE_TIMEOUT_MINUTES``). Longer than the broker's visibility timeout, so that a
    task lost with a killed worker is delivered again before the job is given up."""
    return settings.WIR_BUNDLE_TIMEOUT_MINUTES


@transaction.atomic
def bundle_job_request(
    *, round_: FundingRound, user, selection: str, statuses: Sequence[str] = ()
) -> BundleJob:
    """A case officer or admin asks for a bundle; the selection is fixed now."""
    if not can_manage_bundles(user):
        raise PermissionDenied
    if selection not in BundleSelection.values:
        raise ValidationError(_("Unbekannte Auswahl."), code="selection")
    statuses = [s for s in statuses if s in dict(bundle_statuses())]
    if selection == BundleSelection.STATUS and not statuses:
        raise ValidationError(_("Bitte wählen Sie mindestens einen Status."), code="statuses")
    ids = select_application_ids(round_, selection, statuses)
    if not ids:
        raise ValidationError(_("Die Auswahl enthält keine eingereichten Anträge."), code="empty")
    job = BundleJob.objects.create(
        round=round_,
        requested_by=user,
        selection=selection,
        statuses=statuses if selection == BundleSelection.STATUS else [],
        application_ids=ids,
        total=len(ids),
    )
    outbox_enqueue(dispatch.START, job.pk)
    return job


def bundle_job_start(job_id: int) -> list[int] | None:
    """Marks the job as running and records every application whose PDF is already cached.
    Returns the ids that still need a PDF (None if the job is over). Safe to call again: it
    only returns what is still missing."""
    with transaction.atomic():
        job = BundleJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_open:
            return None
        fields = []
        if job.status == BundleStatus.PENDING:
            job.status = BundleStatus.RUNNING
            job.started_at = timezone.now()
            fields += ["status", "started_at"]
        existing = set(
            Application.objects.filter(pk__in=job.application_ids).values_list("pk", flat=True)
        )
        if len(existing) != len(job.application_ids):
            # Applications deleted since the request are left out of the bundle.
            job.application_ids = [pk for pk in job.application_ids if pk in existing]
            job.total = len(job.application_ids)
            fields += ["application_ids", "total"]
        if fields:
            job.save(update_fields=fields)
    if not job.application_ids:
        bundle_job_fail(job_id, _("Keiner der ausgewählten Anträge ist mehr vorhanden."))
        return None
    done = set(BundleJobPart.objects.filter(job_id=job_id).values_list("application_id", flat=True))
    missing = [pk for pk in job.application_ids if pk not in done]
    to_render = []
    # In chunks, so that the memory of this step does not grow with the size of the round.
    for start in range(0, len(missing), HASH_CHUNK):
        chunk = missing[start : start + HASH_CHUNK]
        hashes = {pk: content_hash(app) for pk, app in load_applications(chunk).items()}
        cached = {
            c.content_hash: c
            for c in ApplicationPdfCache.objects.filter(content_hash__in=hashes.values())
            if file_exists(c.file.name)
        }
        record_parts(job_id, [(pk, cached[h], False) for pk, h in hashes.items() if h in cached])
        to_render += [pk for pk in chunk if pk in hashes and hashes[pk] not in cached]
    return to_render


def record_parts(job_id: int, items: Sequence[tuple[int, ApplicationPdfCache, bool]]) -> int:
    """Progress: one row per application of a job, counted exactly once however often a task
    runs. The job row's lock orders the writers."""
    if not items:
        return 0
    with transaction.atomic():
        if not BundleJob.objects.select_for_update().filter(pk=job_id).exists():
            return 0
        present = set(
            BundleJobPart.objects.filter(
                job_id=job_id, application_id__in=[pk for pk, _e, _r in items]
            ).values_list("application_id", flat=True)
        )
        new = [
            BundleJobPart(job_id=job_id, application_id=pk, cache=entry, rendered=rendered)
            for pk, entry, rendered in items
            if pk not in present
        ]
        BundleJobPart.objects.bulk_create(new)
        BundleJob.objects.filter(pk=job_id).update(
            done=F("done") + len(new), rendered=F("rendered") + sum(p.rendered for p in new)
        )
    return len(new)


def bundle_job_fail(job_id: int, message: str) -> bool:
    """Ends an open job as failed with ``message`` (and mails the requester)."""
    with transaction.atomic():
        job = BundleJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_open:
            return False
        job.status = BundleStatus.FAILED
        job.error = message[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        outbox_enqueue(dispatch.SEND_MAIL, job_id)
    logger.warning("Bundle job %s failed: %s", job_id, message)
    return True


def bundle_jobs_expire(now: dt.datetime | None = None) -> int:
    """No job waits or runs forever: those older than the time limit end as failed.
    Called by the periodic ``bundle_jobs_watch`` (``watch``) and every merge."""
    now = now or timezone.now()
    minutes = timeout_minutes()
    limit = now - dt.timedelta(minutes=minutes)
    stale = list(BundleJob.objects.open().filter(created_at__lt=limit).values_list("pk", flat=True))
    message = _(
        "Das Bündel wurde nicht innerhalb von %(minutes)s Minuten fertig und wurde "
        "abgebrochen. Bitte fordern Sie es erneut an; bereits erstellte Anträge werden "
        "dabei nicht noch einmal gesetzt."
    ) % {"minutes": minutes}
    return sum(bundle_job_fail(pk, message) for pk in stale)


def send_bundle_mail(job_id: int) -> None:
    """Tells the requester that the job is done or failed (task ``documents.send_bundle_mail``,
    owed through the outbox with the job's final state)."""
    job = BundleJob.objects.select_related("round", "requested_by").filter(pk=job_id).first()
    if job is None or job.requested_by is None or not job.requested_by.email:
        return
    context = {
        "job": job,
        "url": settings.WIR_SITE_URL + reverse("documents:bundles"),
        "user": job.requested_by,
    }
    name = "bundle_done" if job.status == BundleStatus.DONE else "bundle_failed"
    with mail_once(f"documents.bundle:{job.pk}:{job.status}") as owed:
        if owed:
            mail_send(
                template=f"applications/email/{name}",
                context=context,
                to=[job.requested_by.email],
                language="de",
            )
