"""Reminders, run daily by celery beat (``notifications.send_reminders``): before a round's
deadline to the staff of every unsubmitted draft (7 and 1 days before), and before and after a
Nachforderung's due date (to the municipality; after it also to the case officer, who sees it
as overdue). Each reminder is keyed by what it is about and which one it is, so a run repeated
the same day, or the next day within the same window, sends nothing again."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from applications.models import Application, ItemRequest
from applications.workflow import Status

from .services import notify

# Days before the round's deadline: the reminder "7 days" is sent from 7 days down to 2, the
# reminder "1 day" from 1 day down to the day itself (a missed day of beat still reminds).
DEADLINE_REMINDERS = ((7, 2), (1, 0))
# A Nachforderung: reminded from 3 days before its due date, and once after it passed.
ITEM_REQUEST_DAYS_BEFORE = 3


def _days_until(day: dt.date, today: dt.date) -> int:
    return (day - today).days


def deadline_reminders(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    drafts = (
        Application.objects.filter(
            status=Status.DRAFT,
            round__deadline__gte=now,
            round__deadline__lt=now + dt.timedelta(days=max(d for d, _ in DEADLINE_REMINDERS) + 1),
        )
        .select_related("round", "lead_municipality")
        .order_by("pk")
    )
    sent = 0
    for app in drafts:
        deadline = timezone.localtime(app.round.deadline)
        days_left = _days_until(deadline.date(), today)
        for reminder, last_day in DEADLINE_REMINDERS:
            if last_day <= days_left <= reminder:
                sent += notify(
                    "deadline_reminder",
                    app,
                    key=f"application-{app.pk}:deadline-{reminder}",
                    data={"deadline": deadline, "days_left": days_left},
                    now=now,
                )
                break
    return sent


def open_item_requests():
    """Open Nachforderungen with a due date, of applications still waiting for the answer."""
    return ItemRequest.objects.filter(
        resolved_at__isnull=True,
        due_date__isnull=False,
        application__status=Status.MISSING_ITEMS,
    ).select_related("application__round", "application__lead_municipality", "created_by")


def item_request_reminders(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    sent = 0
    soon = today + dt.timedelta(days=ITEM_REQUEST_DAYS_BEFORE)
    for request in open_item_requests().filter(Q(due_date__lte=soon)).order_by("pk"):
        app = request.application
        days_left = _days_until(request.due_date, today)
        data = {"due_date": request.due_date, "days_left": days_left, "item_request_id": request.pk}
        # The key names the due date: a due date extended later reminds again.
        base = f"item-request-{request.pk}:{request.due_date.isoformat()}"
        if days_left >= 0:
            sent += notify("item_request_reminder", app, key=f"{base}:before", data=data, now=now)
        else:
            data["overdue"] = True
            sent += notify("item_request_reminder", app, key=f"{base}:after", data=data, now=now)
            sent += notify("item_request_overdue", app, key=f"{base}:after", data=data, now=now)
    return sent


def send_reminders(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return deadline_reminders(now) + item_request_reminders(now)
