"""The periodic watch over open bundle jobs (Celery beat, ``documents.bundle_jobs_watch``):
fails jobs over the time limit and dispatches again the steps of stalled ones that no live
worker holds."""

from __future__ import annotations

import datetime as dt
import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from documents.models import BundleJob, BundleJobPart, BundleStatus

from . import dispatch
from .jobs import bundle_jobs_expire

logger = logging.getLogger(__name__)


def stale_minutes() -> int:
    """A job step that no live worker holds and that has made no progress for this long is
    dispatched again (setting ``WIR_BUNDLE_PART_STALE_MINUTES``)."""
    return settings.WIR_BUNDLE_PART_STALE_MINUTES


def tasks_held_by_workers(timeout: float = 1.0) -> set[tuple] | None:
    """(task name, *args) of every bundle task a live worker runs, holds or waits to retry;
    None when no worker answers."""
    inspect = current_app.control.inspect(timeout=timeout)
    replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
    if not any(replies):
        return None
    held = set()
    for reply in replies:
        for requests in (reply or {}).values():
            for request in requests:
                request = request.get("request", request)  # scheduled: {eta, request}
                if request.get("name") in dispatch.STEPS:
                    held.add((request["name"], *(request.get("args") or ())))
    return held


def bundle_jobs_redispatch(now: dt.datetime | None = None, *, held: set | None = None) -> int:
    """A worker killed as a whole takes its unacknowledged tasks with it until the broker's
    visibility timeout (an hour) returns them. So: an open job without progress for
    ``stale_minutes()`` gets the steps that no live worker holds dispatched again — its start,
    its missing parts (a new chord into the merge), or its merge. Every step is idempotent,
    and the redelivered originals find the work done. Returns the number of jobs."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=stale_minutes())
    candidates = []
    for job in BundleJob.objects.open().filter(created_at__lt=limit):
        last_part = (
            BundleJobPart.objects.filter(job=job)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        activity = max(
            t for t in (job.created_at, job.started_at, job.redispatched_at, last_part) if t
        )
        if activity < limit:
            candidates.append(job)
    if not candidates:
        return 0
    if held is None:
        held = tasks_held_by_workers()
    if held is None:  # no worker alive: nothing would take the work yet
        logger.warning("Bundle jobs %s are stalled and no worker answers", candidates)
        return 0

    count = 0
    for job in candidates:
        with transaction.atomic():
            locked = BundleJob.objects.select_for_update().get(pk=job.pk)
            if not locked.is_open or (locked.redispatched_at or limit) > limit:
                continue  # finished, or another watcher was quicker
            step = _lost_step(locked, held)
            if step is None:
                continue  # a live worker is on it
            locked.redispatched_at = now
            locked.save(update_fields=["redispatched_at"])
            transaction.on_commit(lambda pk=job.pk, step=step: _dispatch_again(pk, step))
        logger.warning("Bundle job %s stalled: %s dispatched again", job.pk, step or "merge")
        count += 1
    return count


def _lost_step(job: BundleJob, held: set) -> list[int] | str | None:
    """What of a stalled job no live worker holds: "start", the applications whose parts are
    missing, [] for the merge; None if a worker holds what is missing."""
    if (dispatch.START, job.pk) in held or (dispatch.MERGE, job.pk) in held:
        return None
    if job.status == BundleStatus.PENDING:
        return "start"
    done = set(BundleJobPart.objects.filter(job=job).values_list("application_id", flat=True))
    missing = [pk for pk in job.application_ids if pk not in done]
    lost = [pk for pk in missing if (dispatch.RENDER, job.pk, pk) not in held]
    return lost if lost or not missing else None


def _dispatch_again(job_id: int, step: list[int] | str) -> None:
    if step == "start":
        dispatch.start(job_id)
    else:
        dispatch.render_then_merge(job_id, step)


def bundle_jobs_watch(now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic task: fails jobs over the time limit, re-dispatches stalled ones."""
    return bundle_jobs_expire(now), bundle_jobs_redispatch(now)
