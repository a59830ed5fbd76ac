"""Due dates of a grant, as pure functions of dates and the round's figures (no database).

Periods follow §§ 187-193 BGB as § 31 HVwVfG applies them: a period of months that starts with
an event ends on the day of the later month with the same number (or that month's last day);
a period that would end on a Saturday or Sunday ends on the next Monday (public holidays are
not known here). The decision becomes binding the day after the appeal period ends.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day where it has no such day
    (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months_after(day: dt.date, months: int) -> dt.date:
    """A period of ``months`` after the end of ``day``; after a month's last day it ends on the
    last day of the later month (a term ending 30 June: report due 31 December, as the
    authorities count it), otherwise as ``add_months``."""
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        later = add_months(day.replace(day=1), months)
        return later.replace(day=calendar.monthrange(later.year, later.month)[1])
    return add_months(day, months)


def next_working_day(day: dt.date) -> dt.date:
    """``day``, or the Monday after it if it is a Saturday or Sunday (§ 193 BGB)."""
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def notification_date(decided_on: dt.date, notification_days: int) -> dt.date:
    """When the decision counts as notified (§ 41 Abs. 2 HVwVfG: the third day after it was
    sent electronically)."""
    return decided_on + dt.timedelta(days=notification_days)


def appeal_period_end(notified_on: dt.date, appeal_months: int) -> dt.date:
    """The last day on which the municipality may still appeal."""
    return next_working_day(add_months(notified_on, appeal_months))


def binding_date(
    notified_on: dt.date, appeal_months: int, waived_on: dt.date | None = None
) -> dt.date:
    """The day the decision becomes binding: the day of the waiver of appeal, or the day after
    the appeal period ended, whichever comes first."""
    by_period = appeal_period_end(notified_on, appeal_months) + ONE_DAY
    return min(waived_on, by_period) if waived_on is not None else by_period


def term_end(
    planned_end: dt.date | None, extended_until: Iterable[dt.date | None] = ()
) -> dt.date | None:
    """The end of the term: the last granted extension's new end, else the planned end."""
    end = planned_end
    for day in extended_until:
        if day is not None:
            end = day
    return end


def interim_report_due_dates(
    start: dt.date, end: dt.date | None, interim_months: int
) -> list[tuple[int, dt.date]]:
    """(budget year, due date) of each interim report: for every budget year that ends while
    the project still runs, ``interim_months`` after 31 December of that year."""
    if end is None:
        return []
    return [
        (year, add_months_after(dt.date(year, 12, 31), interim_months))
        for year in range(start.year, end.year)
    ]


def final_report_due_date(end: dt.date | None, final_months: int) -> dt.date | None:
    """The Verwendungsnachweis is due ``final_months`` after the end of the term."""
    return add_months_after(end, final_months) if end is not None else None


def payment_needed_by(paid_on: dt.date, window_months: int) -> dt.date:
    """Money paid out on ``paid_on`` may be requested only for payments due until this day."""
    return add_months(paid_on, window_months)


def payments_outside_window(
    due_dates: Sequence[dt.date], paid_on: dt.date, window_months: int
) -> list[dt.date]:
    """The due dates later than the two-month window allows (the request is refused then)."""
    limit = payment_needed_by(paid_on, window_months)
    return [d for d in due_dates if d > limit]


@dataclass(frozen=True)
class Reminder:
    """A reminder of a due date: ``offset`` days before it (positive) or after it (negative)."""

    due_on: dt.date
    offset: int

    @property
    def send_on(self) -> dt.date:
        return self.due_on - dt.timedelta(days=self.offset)

    @property
    def overdue(self) -> bool:
        return self.offset < 0


def reminders_for(due_on: dt.date, days_before: Iterable[int], days_after: int) -> list[Reminder]:
    """The reminders of one due date: ``days_before`` each, and ``days_after`` after it passed
    (none for 0)."""
    reminders = [Reminder(due_on, int(d)) for d in sorted(set(days_before), reverse=True) if d > 0]
    if days_after > 0:
        reminders.append(Reminder(due_on, -int(days_after)))
    return reminders


# A reminder whose day the periodic task missed (the machine was down) is still sent this many
# days later; older ones are dropped, so a first run never mails about long-past dates.
CATCH_UP_DAYS = 3


def reminder_due(
    due_on: dt.date, today: dt.date, days_before: Iterable[int], days_after: int
) -> Reminder | None:
    """The reminder of ``due_on`` owed on ``today``: the latest whose day has come, if that day
    is at most ``CATCH_UP_DAYS`` ago. Sending it once is the caller's (``mail_once``)."""
    passed = [r for r in reminders_for(due_on, days_before, days_after) if r.send_on <= today]
    if not passed:
        return None
    latest = max(passed, key=lambda r: r.send_on)
    return latest if (today - latest.send_on).days <= CATCH_UP_DAYS else None
