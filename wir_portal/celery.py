"""The Celery application: tasks are discovered in each app's tasks.py. Every worker writes
a heartbeat into Redis (core/heartbeat.py) that the health report reads."""

import os

from celery import Celery

from core.heartbeat import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wir_portal.settings.local")

app = Celery("wir_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)


@app.task(name="wir_portal.ping", ignore_result=False)
def ping() -> str:
    """Round trip used by the test suite to wait until a worker takes tasks."""
    return "pong"
