"""Due dates of a grant's reports with a frozen clock: the interim report four months after
each budget year the term runs past, the final report six months after the term (moved by a
granted extension), overdue from the day after, never once submitted."""

import datetime as dt

import pytest

from grants.models import GrantRules
from reports import selectors, services
from reports.models import ReportKind

from .conftest import fill_final

pytestmark = pytest.mark.django_db


def dues(grant):
    return [(d.kind, d.budget_year, d.due_date) for d in selectors.due_reports(grant)]


def test_interim_and_final_due_dates(grant):
    # Term 1 April 2025 to 31 March 2026.
    assert dues(grant) == [
        (ReportKind.INTERIM, 2025, dt.date(2026, 4, 30)),
        (ReportKind.FINAL, None, dt.date(2026, 9, 30)),
    ]


def test_a_granted_extension_moves_the_due_dates(grant):
    grant.extended_until = dt.date(2027, 2, 28)
    grant.save(update_fields=["extended_until"])
    assert dues(grant) == [
        (ReportKind.INTERIM, 2025, dt.date(2026, 4, 30)),
        (ReportKind.INTERIM, 2026, dt.date(2027, 4, 30)),
        # The term ends on a month's last day, so the six months end on one too (grants.deadlines).
        (ReportKind.FINAL, None, dt.date(2027, 8, 31)),
    ]


def test_the_round_sets_the_months(grant):
    GrantRules.objects.create(
        round=grant.application.round, interim_report_months=3, final_report_months=4
    )
    assert dues(grant) == [
        (ReportKind.INTERIM, 2025, dt.date(2026, 3, 31)),
        (ReportKind.FINAL, None, dt.date(2026, 7, 31)),
    ]


def overdue(today):
    return [(d.grant.pk, d.kind) for d in selectors.overdue_reports(today)]


def test_overdue_from_the_day_after_the_due_date_until_submitted(paid_grant, applicant):
    assert overdue(dt.date(2026, 4, 30)) == []
    assert overdue(dt.date(2026, 5, 1)) == [(paid_grant.pk, ReportKind.INTERIM)]
    assert overdue(dt.date(2026, 10, 1)) == [
        (paid_grant.pk, ReportKind.INTERIM),
        (paid_grant.pk, ReportKind.FINAL),
    ]
    # A draft does not count; a submitted report is no longer overdue.
    report = services.report_open(grant=paid_grant, user=applicant, kind=ReportKind.FINAL)
    assert (paid_grant.pk, ReportKind.FINAL) in overdue(dt.date(2026, 10, 1))
    fill_final(report, applicant)
    services.report_submit(report=report, user=applicant)
    assert overdue(dt.date(2026, 10, 1)) == [(paid_grant.pk, ReportKind.INTERIM)]
