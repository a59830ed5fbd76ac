"""Reminders with a frozen clock: 14 days and 1 day before a due date and the day after it
passed, once each even when the periodic task runs twice; none for items done; a moved due date
is reminded again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from applications.models import ApplicationEvent
from grants import due, reminders, services
from grants.workflow import GrantAction

from .conftest import at

pytestmark = pytest.mark.django_db

FINAL_DUE = dt.date(2027, 9, 30)  # term ends 31 March 2027


def run(day: dt.date) -> int:
    return reminders.send_due_reminders(now=at(day))


def test_final_report_reminders_once_each(binding_grant, applicant):
    assert run(dt.date(2027, 9, 15)) == 0
    assert run(dt.date(2027, 9, 16)) == 1
    assert run(dt.date(2027, 9, 16)) == 0  # the task ran twice
    assert run(dt.date(2027, 9, 17)) == 0  # still the 14-day reminder: sent already
    # One message to each recipient: the contact person and the municipality's staff.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [binding_grant.application.contact_email, applicant.email]
    )
    message = mail.outbox[0]
    assert "Erinnerung: Verwendungsnachweis bis 30.09.2027" in message.subject
    assert "in 14 Tagen endet die Frist" in message.body
    assert f"/antraege/{binding_grant.application_id}/bewilligung/" in message.body
    assert run(dt.date(2027, 9, 29)) == 1
    assert "in 1 Tag endet" in mail.outbox[-1].body
    assert run(dt.date(2027, 9, 30)) == 0
    assert run(dt.date(2027, 10, 1)) == 1
    assert "Frist abgelaufen" in mail.outbox[-1].subject
    assert run(dt.date(2027, 10, 2)) == 0
    assert len(mail.outbox) == 3 * 2
    events = ApplicationEvent.objects.filter(action=GrantAction.REMINDER_SENT)
    assert [e.data["offset"] for e in events.order_by("pk")] == [14, 1, -1]


def test_interim_report_reminder(binding_grant):
    # The project runs past 31 December 2026: interim report due 30 April 2027.
    assert run(dt.date(2027, 4, 16)) == 1
    assert "Zwischennachweis für das Haushaltsjahr 2026" in mail.outbox[0].subject


def test_acceptance_reminder_only_while_not_accepted(grant, applicant):
    # Notified 6 March 2026, the appeal period ends Monday 6 April 2026.
    assert run(dt.date(2026, 3, 23)) == 1
    assert "Annahme der Zuwendung" in mail.outbox[0].subject
    services.grant_accept(grant=grant, user=applicant, now=at(dt.date(2026, 3, 24)))
    assert run(dt.date(2026, 4, 5)) == 0


def test_items_done_are_not_reminded(binding_grant):
    def final_done(grant_ids):
        return [(pk, due.FINAL) for pk in grant_ids]

    due.register_done(final_done)
    try:
        assert run(dt.date(2027, 9, 16)) == 0
    finally:
        due._done_resolvers.remove(final_done)


def test_a_granted_extension_is_reminded_again(binding_grant, applicant, officer):
    assert run(dt.date(2027, 9, 16)) == 1
    change = services.change_request_create(
        grant=binding_grant, user=applicant, kind="term", text="x",
        new_end_date=dt.date(2027, 4, 30), now=at(dt.date(2027, 3, 1)),
    )  # fmt: skip
    services.change_grant(change=change, user=officer, now=at(dt.date(2027, 3, 2)))
    # The final report is now due 31 October 2027.
    assert run(dt.date(2027, 10, 17)) == 1
    assert "31.10.2027" in mail.outbox[-1].subject


def test_the_periodic_task_is_scheduled_and_runs_twice_safely(binding_grant, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["grants-daily"]
    assert entry["task"] == "grants.daily"
    from grants import tasks

    monkeypatch.setattr(reminders, "now_or", lambda now: at(dt.date(2027, 9, 16)))
    first = tasks.grants_daily.apply().get()
    second = tasks.grants_daily.apply().get()
    assert first["reminders"] == 1 and second["reminders"] == 0
    assert len(mail.outbox) == 2  # one reminder, to two recipients
