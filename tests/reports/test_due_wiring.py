"""A filed report is no longer due in grants' lists and reminders (``grants.due``): reports
registers which reports were handed in."""

import pytest

from grants.due import FINAL, due_items
from reports import services

from .conftest import fill_final

pytestmark = pytest.mark.django_db


def test_a_submitted_final_report_is_no_longer_due(final_report, applicant):
    grant = final_report.grant
    assert FINAL in {item.key for item in due_items([grant])}  # a draft is still due
    fill_final(final_report, applicant)
    services.report_submit(report=final_report, user=applicant)
    assert FINAL not in {item.key for item in due_items([grant])}
