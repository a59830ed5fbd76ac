"""The demo data: an approved application whose final report is submitted, found by the case
officer in "Nachweise zu prüfen"; made once however often the seed runs."""

import pytest
from django.core.management import call_command

from reports.models import Report, ReportKind
from reports.selectors import reports_to_check
from reports.workflow import ReportStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_submits_one_final_report_once(capsys):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", "--with-applications")
    assert "Verwendungsnachweis eingereicht" in capsys.readouterr().out
    report = Report.objects.get()
    assert report.kind == ReportKind.FINAL and report.status == ReportStatus.SUBMITTED
    assert report.grant_received == 18000
    assert list(reports_to_check()) == [report]
    assert report.attachments.count() == 2
    call_command("seed_demo", "--with-applications")
    assert Report.objects.count() == 1
