"""The Celery application: tasks are discovered in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wir_portal.settings.local")

app = Celery("wir_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="wir_portal.ping", ignore_result=False)
def ping() -> str:
    """Round trip for /healthz/: proves that a worker takes tasks and answers."""
    return "pong"
