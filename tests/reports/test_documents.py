"""The PDFs of reports (documents app): the final report as submitted with the cost
comparison table, and the repayment letter with amount, account, payment date and interest;
each stored once per version however often the task runs."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from documents import report_pdfs
from documents.models import REPORT_KINDS, DocumentKind, GeneratedDocument
from reports import services
from reports.models import REPAYMENT_LETTER_KIND, REPORT_DOCUMENT_KINDS

from .conftest import at, fill_final

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\xa0", " ")


def test_the_kinds_of_both_apps_match():
    assert {*REPORT_DOCUMENT_KINDS, REPAYMENT_LETTER_KIND} == set(REPORT_KINDS)
    assert DocumentKind.REPAYMENT_LETTER == REPAYMENT_LETTER_KIND


@pytest.fixture
def settled(final_report, applicant, officer):
    fill_final(final_report, applicant, spent=("12000", "3500"), own="2000", third="500")
    services.report_submit(report=final_report, user=applicant)
    services.report_start_check(report=final_report, user=officer)
    services.report_settle(
        report=final_report,
        user=officer,
        formal_ok=True,
        content_ok=True,
        payment_due_date=dt.date(2026, 12, 31),
        now=at(dt.date(2026, 11, 2)),
    )
    final_report.refresh_from_db()
    return final_report


def test_the_final_report_pdf_shows_the_parts_and_the_comparison(settled):
    document = report_pdfs.render_report(settled.pk)
    again = report_pdfs.render_report(settled.pk)
    assert again.pk == document.pk
    assert GeneratedDocument.objects.filter(kind=DocumentKind.FINAL_REPORT).count() == 1
    text = pdf_text(document.file.read())
    assert "Verwendungsnachweis" in text
    assert "Vielfaltsstrategie Heppenheim 2030" in text
    assert "Die Strategie wurde am 20.03.2026 beschlossen." in text
    assert "Ausgaben nach Kostenarten: Plan und Ist" in text
    assert "Externe Prozessmoderation 15.000,00 € 12.000,00 € -3.000,00 €" in text
    assert "Summe 20.000,00 € 15.500,00 € -4.500,00 €" in text
    assert "Erhaltene Zuwendung" in text and "18.000,00 €" in text
    assert document.label.startswith("Verwendungsnachweis vom ")


def test_the_repayment_letter_names_amount_account_date_and_interest(settled):
    document = report_pdfs.render_repayment_letter(settled.pk)
    report_pdfs.render_repayment_letter(settled.pk)
    assert GeneratedDocument.objects.filter(kind=DocumentKind.REPAYMENT_LETTER).count() == 1
    text = " ".join(pdf_text(document.file.read()).split())
    # 15.500 − 2.000 − 500 = 13.000 € justified of 18.000 € received.
    assert "5.000,00 €" in text
    assert "bis zum 31.12.2026" in text
    assert "DE89 3704 0044 0532 0130 00" in text
    assert "Hessische Landeshauptkasse" in text
    assert "zu verzinsen" in text and "§ 49a" in text
    assert settled.grant.application.reference in text


def test_no_repayment_letter_for_a_confirmed_report(final_report, applicant, officer):
    fill_final(final_report, applicant)
    services.report_submit(report=final_report, user=applicant)
    services.report_start_check(report=final_report, user=officer)
    services.report_settle(report=final_report, user=officer, formal_ok=True, content_ok=True)
    assert report_pdfs.render_repayment_letter(final_report.pk) is None
    assert not GeneratedDocument.objects.filter(kind=DocumentKind.REPAYMENT_LETTER).exists()
