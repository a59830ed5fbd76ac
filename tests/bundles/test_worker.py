"""A bundle job's life through real Celery workers on the real Redis and PostgreSQL, and a
worker killed in the middle of a job (SIGKILL) that does not lose the job."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from documents.bundles import jobs, watch
from documents.models import BundleJob, BundleSelection, BundleStatus
from tests.conftest import CeleryWorker

from .conftest import make_application, read_bundle

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(job_id: int, condition, timeout: float = 90.0) -> BundleJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = BundleJob.objects.get(pk=job_id)
        if condition(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there: {BundleJob.objects.get(pk=job_id)!r}")


def wait_mid_part(job_id: int, done: int = 2, timeout: float = 90.0) -> BundleJob:
    """Waits until ``done`` parts of the job are done, then until the worker is well into
    rendering the next one: between a quarter and half a part's time (as measured between the
    last two parts) after the last part was done. A kill then certainly catches a part
    mid-render, never the few milliseconds between two parts (it would take no part with it)."""
    deadline = time.monotonic() + timeout
    changes: list[tuple[float, int]] = []  # (when it was seen, done) at each change
    while time.monotonic() < deadline:
        job = BundleJob.objects.get(pk=job_id)
        now = time.monotonic()
        if not changes or job.done != changes[-1][1]:
            changes.append((now, job.done))
        if job.done >= done and len(changes) >= 3 and job.done < job.total:
            (before, _), (last, _) = changes[-2], changes[-1]
            if last + (last - before) / 4 <= now < last + (last - before) / 2:
                return job
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} did not get there: {BundleJob.objects.get(pk=job_id)!r}")


def request(round_, user) -> BundleJob:
    with transaction.atomic():  # the task is enqueued when this commits
        return jobs.bundle_job_request(
            round_=round_, user=user, selection=BundleSelection.SUBMITTED
        )


def test_job_life_through_a_real_worker(celery_worker, worker_media, bundle_round, officer):
    applications = [make_application(bundle_round, n) for n in (1, 2, 3)]
    job = request(bundle_round, officer)
    seen = set()
    job = wait_for(job.pk, lambda j: seen.add(j.status) or not j.is_open)
    assert job.status == BundleStatus.DONE, job.error
    assert seen <= {BundleStatus.PENDING, BundleStatus.RUNNING, BundleStatus.DONE}
    assert (job.done, job.total, job.rendered) == (3, 3, 3)
    assert job.started_at and job.finished_at and job.merge_seconds is not None
    content = Path(job.file.path).read_bytes()
    assert hashlib.sha256(content).hexdigest() == job.sha256 and len(content) == job.size
    assert len(read_bundle(job).pages) == job.pages
    # Again, unchanged: nothing is rendered, every part comes from the cache.
    again = wait_for(request(bundle_round, officer).pk, lambda j: not j.is_open)
    assert (again.status, again.done, again.rendered) == (BundleStatus.DONE, 3, 0)
    assert len(applications) == 3


class KillableWorker(CeleryWorker):
    """A worker of its own (own queue) with a short broker visibility timeout."""

    def env(self) -> dict:
        env = super().env()
        env["DJANGO_SETTINGS_MODULE"] = "tests.bundles.worker_settings"
        return env

    def children(self) -> list[int]:
        pid = self.process.pid
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]


@pytest.fixture
def killable(tmp_path, settings):
    """Starts workers on one queue of their own; restores the session worker's queue."""
    from wir_portal.celery import app

    saved = app.conf.task_default_queue, settings.CELERY_TASK_DEFAULT_QUEUE
    settings.MEDIA_ROOT = tmp_path / "media"
    workers: list[KillableWorker] = []
    name = connection.settings_dict["NAME"]

    def start(queue: str | None = None) -> KillableWorker:
        worker = KillableWorker(name, Path(settings.MEDIA_ROOT))
        if queue:
            worker.queue = queue
            worker.log = worker.media_root.parent / f"{queue}-{len(workers)}.log"
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop(signal.SIGKILL)
    app.conf.task_default_queue, settings.CELERY_TASK_DEFAULT_QUEUE = saved


@pytest.fixture
def slow_round(bundle_round):
    """Enough applications (with long texts) that a job takes a few seconds on one worker."""
    return bundle_round, [make_application(bundle_round, n, attachment_pages=3) for n in range(8)]


@pytest.mark.slow
def test_whole_worker_killed_mid_job_then_a_new_worker_finishes_it(killable, slow_round, officer):
    round_, applications = slow_round
    first = killable()
    job = request(round_, officer)
    job = wait_mid_part(job.pk)
    first.stop(signal.SIGKILL)  # the whole process group: no chance to requeue anything
    job.refresh_from_db()
    assert job.status == BundleStatus.RUNNING and job.done < job.total
    killable(queue=first.queue)  # a worker is back (it redelivers the unacknowledged tasks)
    job = wait_for(job.pk, lambda j: not j.is_open, timeout=90)
    assert job.status == BundleStatus.DONE, job.error
    assert job.done == job.total == len(applications)
    assert len(read_bundle(job).pages) == job.pages


@pytest.mark.slow
def test_pool_process_killed_mid_task_the_task_runs_again(killable, slow_round, officer):
    round_, applications = slow_round
    worker = killable()
    job = request(round_, officer)
    job = wait_mid_part(job.pk)
    for pid in worker.children():
        os.kill(pid, signal.SIGKILL)  # reject_on_worker_lost requeues its task
    job = wait_for(job.pk, lambda j: not j.is_open, timeout=90)
    assert job.status == BundleStatus.DONE, job.error
    assert job.done == job.total == len(applications)
    assert worker.process.poll() is None  # the worker itself lives on


class HourVisibilityWorker(KillableWorker):
    """A worker with the production broker settings: a message taken by a killed worker
    comes back only after the visibility timeout of an hour."""

    def env(self) -> dict:
        env = super().env()
        env["DJANGO_SETTINGS_MODULE"] = "wir_portal.settings.test"
        return env


@pytest.mark.slow
def test_killed_worker_part_is_redispatched_by_the_periodic_task(
    slow_round, officer, tmp_path, settings
):
    from django.conf import settings as django_settings

    from wir_portal.celery import app

    assert django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600
    round_, applications = slow_round
    settings.MEDIA_ROOT = tmp_path / "media"
    name = connection.settings_dict["NAME"]
    saved = app.conf.task_default_queue
    first = HourVisibilityWorker(name, Path(settings.MEDIA_ROOT))
    first.start()
    second = None
    try:
        job = request(round_, officer)
        job = wait_mid_part(job.pk)
        first.stop(signal.SIGKILL)  # the part it was rendering is gone for an hour
        second = HourVisibilityWorker(name, Path(settings.MEDIA_ROOT))
        second.queue, second.log = first.queue, first.log.with_suffix(".second.log")
        second.start()
        # The new worker renders what was still queued; the killed part stays missing.
        job = wait_for(job.pk, lambda j: j.done >= j.total - 1, timeout=90)
        time.sleep(2)
        job.refresh_from_db()
        assert job.status == BundleStatus.RUNNING and job.done < job.total
        # Nothing happens now for a few minutes: the periodic task (beat, every minute) sees
        # the job stalled and dispatches the lost part again.
        later = job.created_at + dt.timedelta(minutes=settings.WIR_BUNDLE_PART_STALE_MINUTES + 3)
        assert watch.bundle_jobs_watch(now=later) == (0, 1)
        job = wait_for(job.pk, lambda j: not j.is_open, timeout=90)
        assert job.status == BundleStatus.DONE, job.error
        assert job.done == job.total == len(applications)
        assert len(read_bundle(job).pages) == job.pages
        # once re-dispatched, the job waits a stale period before anything else is tried
        assert watch.bundle_jobs_watch(now=later) == (0, 0)
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop(signal.SIGKILL)
        app.conf.task_default_queue = saved
