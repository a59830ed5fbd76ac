"""Celery tasks of grants: thin and safe to run twice."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TRANSIENT_RETRY

from . import reminders, services


@shared_task(name="grants.daily", **TRANSIENT_RETRY)
def grants_daily() -> dict[str, int]:
    """The periodic work (celery beat, hourly): give new approvals their grant, make decisions
    binding whose appeal period passed, send the reminders owed today (each once)."""
    created = services.grants_create_missing()
    bound = services.grants_bind_due()
    sent = reminders.send_due_reminders()
    return {"created": created, "bound": bound, "reminders": sent}
