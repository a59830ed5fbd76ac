"""Due dates as pure functions: periods of months, weekends, binding, term, reports, reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from grants import deadlines as d

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 12, 31), 4, D(2027, 4, 30)),
        (D(2026, 11, 30), 6, D(2027, 5, 30)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert d.add_months(day, months) == expected


def test_notification_is_three_days_after_the_decision_by_default():
    assert d.notification_date(D(2026, 3, 3), 3) == D(2026, 3, 6)


def test_appeal_period_ends_a_month_after_notification_and_never_on_a_weekend():
    # 6 March 2026 is a Friday; 6 April 2026 a Monday.
    assert d.appeal_period_end(D(2026, 3, 6), 1) == D(2026, 4, 6)
    # 7 February 2026 + 1 month = Saturday 7 March -> Monday 9 March.
    assert d.appeal_period_end(D(2026, 2, 7), 1) == D(2026, 3, 9)


def test_binding_the_day_after_the_period_or_on_the_waiver():
    assert d.binding_date(D(2026, 3, 6), 1) == D(2026, 4, 7)
    assert d.binding_date(D(2026, 3, 6), 1, waived_on=D(2026, 3, 10)) == D(2026, 3, 10)
    # A waiver after the period passed changes nothing.
    assert d.binding_date(D(2026, 3, 6), 1, waived_on=D(2026, 5, 1)) == D(2026, 4, 7)


def test_term_end_takes_the_last_granted_extension():
    assert d.term_end(D(2027, 3, 31)) == D(2027, 3, 31)
    assert d.term_end(D(2027, 3, 31), [None]) == D(2027, 3, 31)
    assert d.term_end(D(2027, 3, 31), [D(2027, 6, 30), D(2027, 9, 30)]) == D(2027, 9, 30)
    assert d.term_end(None) is None


def test_an_interim_report_for_every_budget_year_the_project_runs_past():
    assert d.interim_report_due_dates(D(2026, 4, 1), D(2027, 3, 31), 4) == [(2026, D(2027, 4, 30))]
    assert d.interim_report_due_dates(D(2026, 4, 1), D(2028, 2, 1), 4) == [
        (2026, D(2027, 4, 30)),
        (2027, D(2028, 4, 30)),
    ]
    # Ending on 31 December: the final report covers the year, no interim report.
    assert d.interim_report_due_dates(D(2026, 1, 1), D(2026, 12, 31), 4) == []
    assert d.interim_report_due_dates(D(2026, 1, 1), None, 4) == []


def test_final_report_six_months_after_the_term():
    assert d.final_report_due_date(D(2027, 3, 31), 6) == D(2027, 9, 30)
    assert d.final_report_due_date(D(2027, 8, 31), 6) == D(2028, 2, 29)
    # A term ending on a month's last day: due on the last day of the sixth month.
    assert d.final_report_due_date(D(2027, 6, 30), 6) == D(2027, 12, 31)
    assert d.final_report_due_date(D(2027, 2, 28), 6) == D(2027, 8, 31)
    assert d.final_report_due_date(D(2027, 6, 15), 6) == D(2027, 12, 15)
    assert d.final_report_due_date(None, 6) is None


def test_two_month_rule():
    assert d.payment_needed_by(D(2026, 5, 4), 2) == D(2026, 7, 4)
    dues = [D(2026, 5, 20), D(2026, 7, 4), D(2026, 7, 5)]
    assert d.payments_outside_window(dues, D(2026, 5, 4), 2) == [D(2026, 7, 5)]


def test_reminders_14_and_1_days_before_and_1_day_after():
    due = D(2027, 9, 30)
    reminders = d.reminders_for(due, [1, 14], 1)
    assert [r.send_on for r in reminders] == [D(2027, 9, 16), D(2027, 9, 29), D(2027, 10, 1)]
    assert [r.overdue for r in reminders] == [False, False, True]
    assert d.reminders_for(due, [14], 0)[-1].offset == 14


def test_the_reminder_owed_on_a_day_with_a_short_catch_up():
    due = D(2027, 9, 30)

    def owed(day):
        r = d.reminder_due(due, day, [14, 1], 1)
        return r.offset if r else None

    assert owed(D(2027, 9, 15)) is None
    assert owed(D(2027, 9, 16)) == 14
    assert owed(D(2027, 9, 18)) == 14  # the task missed two days
    assert owed(D(2027, 9, 20)) is None  # more than three days ago: dropped
    assert owed(D(2027, 9, 29)) == 1
    assert owed(D(2027, 9, 30)) == 1
    assert owed(D(2027, 10, 1)) == -1
    assert owed(D(2027, 10, 10)) is None
