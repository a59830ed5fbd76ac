"""Reminders by e-mail of what is due (acceptance, interim reports, final report): the round's
days before a due date (14 and 1) and the day after it passed, each sent once
(``core.mail.mail_once``, keyed by the grant, the item, its due date and the offset, so a
moved due date is reminded again) even when the periodic task runs twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications.services.base import now_or, record_event
from core.mail import mail_once, mail_send
from notifications.catalogue import Occasion
from notifications.recipients import applicant

from . import deadlines
from .due import DueItem, due_items
from .models import Grant
from .selectors import rules_by_round
from .workflow import GrantAction, GrantState

logger = logging.getLogger(__name__)


def reminder_key(item: DueItem, reminder: deadlines.Reminder) -> str:
    return f"grants.reminder:{item.grant.pk}:{item.key}:{item.due_on.isoformat()}:{reminder.offset}"


@transaction.atomic
def send_reminder(item: DueItem, reminder: deadlines.Reminder, now: dt.datetime) -> bool:
    """Send one reminder unless it was sent already; returns whether it was sent now."""
    with mail_once(reminder_key(item, reminder)) as owed:
        if not owed:
            return False
        application = item.grant.application
        who = applicant(Occasion(application))  # the lead's staff and the contact person
        recipients = sorted({u.email for u in who.users if u.email} | set(who.addresses))
        mail_send(
            template="grants/email/reminder",
            context={
                "application": application,
                "item": item,
                "reminder": reminder,
                "days": abs(reminder.offset),
                "site_url": settings.WIR_SITE_URL,
            },
            to=recipients,
            separately=True,
        )
        record_event(
            application,
            None,
            GrantAction.REMINDER_SENT,
            data={
                "grant": item.grant.pk,
                "item": item.key,
                "due_on": item.due_on,
                "offset": reminder.offset,
                "recipients": len(recipients),
            },
            now=now,
        )
    return True


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Every reminder owed today for every grant not closed; returns how many were sent. A
    failing mail is logged and retried on the next run (its mark is rolled back)."""
    now = now_or(now)
    today = timezone.localdate(now)
    grants = list(Grant.objects.exclude(state=GrantState.CLOSED).with_related())
    rules = rules_by_round({g.application.round_id for g in grants})
    sent = 0
    for item in due_items(grants):
        r = rules[item.grant.application.round_id]
        reminder = deadlines.reminder_due(
            item.due_on, today, r.reminder_days_before, r.reminder_days_after
        )
        if reminder is None:
            continue
        try:
            sent += send_reminder(item, reminder, now)
        except Exception:
            logger.exception("Reminder %s failed", reminder_key(item, reminder))
    return sent
