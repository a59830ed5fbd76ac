"""The Celery application: tasks are discovered in each app's tasks.py. Every worker writes
a heartbeat into Redis (core/heartbeat.py) that the health report reads. Beat schedules with
celery-redbeat (schedule and a lock in Redis, see CELERY_BEAT_SCHEDULER in the settings)."""

import logging
import os

from celery import Celery
from celery.signals import worker_process_init
from django.conf import settings

from core.heartbeat import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wir_portal.settings.local")

app = Celery("wir_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _lower_task_priority(**kwargs) -> None:
    """Each pool process (the tasks: PDFs, bundles, mail) runs ``WIR_WORKER_NICE`` steps nicer
    than it started, so on shared cores web requests go first. The worker's main process (it
    takes messages and writes the heartbeat) keeps its priority."""
    lower_priority(settings.WIR_WORKER_NICE)


def lower_priority(increment: int) -> None:
    if increment <= 0:
        return
    try:
        os.nice(increment)
    except OSError:  # not allowed here: slower web under load, nothing broken
        logger.warning("Could not lower the priority of the worker process", exc_info=True)


@app.on_after_configure.connect
def _redbeat_configure(sender: Celery, **kwargs) -> None:
    """RedBeat reads its options only under their own names (``redbeat_redis_url``), not with
    the CELERY_ namespace of the Django settings, so they are set here from WIR_BEAT_*."""
    sender.conf.update(
        redbeat_redis_url=settings.WIR_BEAT_REDIS_URL or sender.conf.broker_url,
        # Options for RedBeat's own Redis client: retry a lost connection for a minute.
        redbeat_redis_options={"retry_period": 60},
        redbeat_key_prefix=settings.WIR_BEAT_KEY_PREFIX,
        redbeat_lock_timeout=settings.WIR_BEAT_LOCK_SECONDS,
    )


@app.task(name="wir_portal.ping", ignore_result=False)
def ping() -> str:
    """Round trip used by the test suite to wait until a worker takes tasks."""
    return "pong"
