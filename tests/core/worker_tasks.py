"""Tasks only the health tests' private workers load (``celery worker --include``)."""

import time

from celery import shared_task


@shared_task(name="tests.sleep")
def sleep(seconds: float) -> str:
    """Keeps the worker's only process busy, like a long PDF bundle."""
    time.sleep(seconds)
    return "slept"
