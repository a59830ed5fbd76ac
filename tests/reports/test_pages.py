"""The report pages: the municipality's steps, check page and submission; RP's queue (constant
queries, overdue reports), check page with the comparison table, Nachforderung and settlement
form with the computed repayment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report, ReportKind
from reports.workflow import ReportStatus
from tests.accounts.factories import login_verified

from .conftest import categories, fill_final, make_approved, pay, pdf_upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def test_the_municipality_files_the_final_report_step_by_step(client, paid_grant, applicant):
    application = paid_grant.application
    login_verified(client, applicant)
    page = client.get(reverse("reports:grant_reports", args=[application.pk]))
    assert "Zwischennachweis 2025" in text(page) and "Verwendungsnachweis" in text(page)
    assert "30.04.2026" in text(page) and "30.09.2026" in text(page)  # due dates
    response = client.post(reverse("reports:open", args=[application.pk]), {"kind": "final"})
    report = Report.objects.get(kind=ReportKind.FINAL)
    assert response.url == reverse("reports:factual", args=[report.pk])
    response = client.post(
        reverse("reports:factual", args=[report.pk]),
        {"activities": "Werkstätten", "participants": "Vereine", "strategy": "Strategie 2030",
         "council_adopted": "yes", "council_date": "2026-03-20"},
    )  # fmt: skip
    assert response.url == reverse("reports:numbers", args=[report.pk])
    cats = categories(application)
    page = client.get(reverse("reports:numbers", args=[report.pk]))
    assert "Geplant: 15.000,00 €" in text(page)
    response = client.post(
        reverse("reports:numbers", args=[report.pk]),
        {f"amount_{cats[0].pk}": "14.000,00", f"amount_{cats[1].pk}": "5.000",
         "own_funds": "2.000", "third_party_funds": "abc"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Bitte geben Sie eine Zahl ein" in text(response)
    response = client.post(
        reverse("reports:numbers", args=[report.pk]),
        {f"amount_{cats[0].pk}": "14.000,00", f"amount_{cats[1].pk}": "5.000",
         "own_funds": "2.000", "third_party_funds": "0"},
    )  # fmt: skip
    assert response.url == reverse("reports:attachments", args=[report.pk])
    page = client.get(reverse("reports:check", args=[report.pk]))
    assert "Bitte laden Sie das Strategiedokument hoch." in text(page)
    assert "19.000,00 €" in text(page)  # the computed actual total
    assert 'name="confirm"' not in text(page)  # incomplete: no submission
    for kind, name in (("strategy", "s.pdf"), ("council_resolution", "b.pdf")):
        client.post(
            reverse("reports:attachments", args=[report.pk]),
            {"kind": kind, "file": pdf_upload(name)},
        )
    assert report.attachments.count() == 2
    page = client.get(reverse("reports:check", args=[report.pk]))
    assert 'name="confirm"' in text(page)
    response = client.post(reverse("reports:check", args=[report.pk]), {})
    assert "Bitte bestätigen Sie die Richtigkeit der Angaben." in text(response)
    response = client.post(reverse("reports:check", args=[report.pk]), {"confirm": "on"})
    assert response.url == reverse("reports:detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # A submitted report cannot be edited any more.
    response = client.get(reverse("reports:factual", args=[report.pk]))
    assert response.url == reverse("reports:detail", args=[report.pk])


def test_other_municipalities_do_not_see_a_report(client, final_report, other_staff):
    login_verified(client, other_staff)
    assert client.get(reverse("reports:detail", args=[final_report.pk])).status_code == 404
    assert client.get(reverse("reports:factual", args=[final_report.pk])).status_code == 404


@pytest.fixture
def submitted(final_report, applicant):
    fill_final(final_report, applicant, spent=("12000", "3500"), own="2000", third="500")
    services.report_submit(report=final_report, user=applicant)
    return final_report


def test_rp_checks_asks_for_more_and_settles_with_the_computed_repayment(
    client, submitted, officer, applicant
):
    login_verified(client, officer)
    page = client.get(reverse("reports:review", args=[submitted.pk]))
    assert "Ausgaben nach Kostenarten: Plan und Ist" in text(page)
    assert "Prüfung beginnen" in text(page)
    client.post(reverse("reports:start_check", args=[submitted.pk]))
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    response = client.post(
        reverse("reports:request_items", args=[submitted.pk]),
        {"parts": ["attachments"], "message": "Bitte die Teilnehmendenliste.", "due_date": due},
    )
    assert response.url == reverse("reports:review", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.MISSING_ITEMS
    services.report_resubmit(report=submitted, user=applicant, answer="Nachgereicht.")
    page = client.get(reverse("reports:settle", args=[submitted.pk]))
    # 15.500 − 2.000 − 500 = 13.000 € justified; 18.000 € received.
    assert "Rückforderung von 5.000,00 €" in text(page)
    response = client.post(
        reverse("reports:settle", args=[submitted.pk]),
        {"not_recognised": "1.000", "not_recognised_reason": "Bewirtung", "preview": "1"},
    )
    assert "Rückforderung von 6.000,00 €" in text(response)
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.IN_CHECK  # the preview saved nothing
    response = client.post(
        reverse("reports:settle", args=[submitted.pk]),
        {"formal_ok": "on", "content_ok": "on", "not_recognised": "1.000",
         "not_recognised_reason": "Bewirtung", "payment_due_date": "2026-12-31", "settle": "1"},
    )  # fmt: skip
    assert response.url == reverse("reports:review", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.REPAYMENT
    assert submitted.settlement.repayment == Decimal("6000.00")


def test_settle_form_errors_are_shown_not_saved(client, submitted, officer):
    services.report_start_check(report=submitted, user=officer)
    login_verified(client, officer)
    response = client.post(
        reverse("reports:settle", args=[submitted.pk]),
        {"not_recognised": "99.999,00", "settle": "1"},
    )
    assert response.status_code == 200
    assert "formal und inhaltlich geprüft" in text(response)
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.IN_CHECK


def test_the_municipality_may_not_use_rp_pages(client, submitted, applicant):
    login_verified(client, applicant)
    assert client.get(reverse("reports:queue")).status_code == 403
    assert client.get(reverse("reports:review", args=[submitted.pk])).status_code == 403
    assert client.post(reverse("reports:start_check", args=[submitted.pk])).status_code == 403


def test_queue_lists_reports_to_check_and_overdue_ones(client, submitted, officer):
    from grants import services as grant_services

    # Term ended 31.03.2026: the final report was due 30.09.2026; the interim report for 2025
    # on 30.04.2026. Grants are made by grants' daily task (here: grant_ensure).
    overdue = make_approved(title="Lorsch bewegt")
    grant_services.grant_ensure(overdue)
    login_verified(client, officer)
    page = client.get(reverse("reports:queue"))
    assert submitted.grant.application.reference in text(page)
    assert overdue.reference in text(page)
    assert "30.09.2026" in text(page) and "überfällig" in text(page)


def test_queue_costs_the_same_queries_for_2_and_20_reports(
    client, officer, applicant, lead, assert_constant_queries
):
    login_verified(client, officer)

    def make_rows(n):
        from grants import services as grant_services

        for _i in range(n):
            application = make_approved(lead_municipality=lead)
            grant = grant_services.grant_ensure(application)
            pay(grant, "1000")
            report = services.report_open(grant=grant, user=applicant, kind=ReportKind.FINAL)
            fill_final(report, applicant)
            services.report_submit(report=report, user=applicant)

    assert_constant_queries(reverse("reports:queue"), make_rows=make_rows, client=client)
