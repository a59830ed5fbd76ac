"""The final report in the browser: the municipality files the Verwendungsnachweis of an
approved application (Sachbericht, numbers, attachments, check page, submission); RP
Darmstadt asks for one more item, the municipality answers, RP checks and settles with the
repayment the portal computes, and the repayment letter (rendered by the real Celery worker)
appears. axe-core checks every new page."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.seed import DEMO_ACCOUNTS
from documents.models import DocumentKind, GeneratedDocument
from grants import services as grant_services
from municipalities.models import Municipality
from reports.models import Report
from reports.workflow import ReportStatus
from tests.factories import _minimal_pdf
from tests.reports.conftest import make_approved, pay

from .conftest import assert_no_axe_violations, login, logout

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}
CASE_OFFICER = ACCOUNTS["sachbearbeitung"]
APPLICANT = ACCOUNTS["antrag"]


@pytest.fixture
def approved(worker_media, tmp_path):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    heppenheim = Municipality.objects.get(ags="06431011")
    application = make_approved(lead_municipality=heppenheim, title="Heppenheim für alle")
    grant = grant_services.grant_ensure(application)
    pay(grant, "10000", dt.date(2025, 5, 4))
    pay(grant, "8000", dt.date(2026, 1, 15))
    for name in ("strategie.pdf", "beschluss.pdf", "teilnehmende.pdf"):
        (tmp_path / name).write_bytes(_minimal_pdf())
    return application, tmp_path


def upload(page, kind: str, path) -> None:
    page.get_by_label("Art der Anlage").select_option(label=kind)
    page.get_by_label("Datei").set_input_files(str(path))
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_role("link", name=path.name)).to_be_visible()


def test_final_report_from_filing_to_repayment(page, approved):
    application, files = approved
    # The municipality files the final report ----------------------------------------------
    login(page, APPLICANT.email, APPLICANT.password)
    page.goto(f"/antraege/{application.pk}/")
    page.get_by_role("link", name="Zwischen- und Verwendungsnachweise").click()
    expect(page.locator("h1")).to_have_text("Zwischen- und Verwendungsnachweise")
    expect(page.get_by_text("30.09.2026")).to_be_visible()
    assert_no_axe_violations(page, "Nachweise der Zuwendung")
    page.get_by_role("button", name=re.compile(r"Beginnen.*Verwendungsnachweis")).click()

    expect(page.get_by_role("heading", name="Sachbericht", level=2)).to_be_visible()
    assert_no_axe_violations(page, "Sachbericht")
    page.get_by_label("Was wurde getan?").fill("Drei Werkstätten und ein Fest der Vielfalt.")
    page.get_by_label("Wer hat mitgewirkt?").fill("Vereine, Schulen, 240 Menschen.")
    page.get_by_label("Welche Strategie ist entstanden?").fill("Heppenheim 2030.")
    page.get_by_label("Ja").check()
    page.get_by_label("Datum des Beschlusses").fill("2026-03-20")
    page.get_by_role("button", name="Speichern und weiter").click()

    expect(page.get_by_role("heading", name="Zahlenmäßiger Nachweis", level=2)).to_be_visible()
    assert_no_axe_violations(page, "Zahlenmäßiger Nachweis")
    page.get_by_label("Externe Prozessmoderation").fill("12.000,00")
    page.get_by_label("Veranstaltungen und Beteiligungsformate").fill("3.500")
    page.get_by_label("Tatsächlich eingesetzte Eigenmittel (EUR)").fill("2.000")
    page.get_by_label("Tatsächlich erhaltene Drittmittel (EUR)").fill("500")
    page.get_by_role("button", name="Speichern und weiter").click()

    expect(page.get_by_role("heading", name="Anlagen", level=2)).to_be_visible()
    upload(page, "Strategiedokument", files / "strategie.pdf")
    upload(page, "Beschluss der Gemeindevertretung", files / "beschluss.pdf")
    assert_no_axe_violations(page, "Anlagen")
    page.get_by_role("link", name="Weiter").click()

    expect(page.get_by_role("heading", name="Prüfen und einreichen")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("15.500,00")  # computed, not typed
    assert_no_axe_violations(page, "Prüfen und einreichen")
    page.get_by_label(re.compile("Die Angaben sind vollständig und richtig")).check()
    page.get_by_role("button", name="Nachweis einreichen").click()
    expect(page.locator("main .kern-badge").first).to_have_text("Eingereicht")
    assert_no_axe_violations(page, "Nachweis (Kommune)")
    logout(page)

    # RP asks for one more item --------------------------------------------------------------
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Nachweise"
    ).click()
    expect(page.locator("h1")).to_have_text("Nachweise zu prüfen")
    assert_no_axe_violations(page, "Nachweise zu prüfen")
    page.get_by_role("link", name=re.compile(application.reference)).first.click()
    expect(page.get_by_text("Ausgaben nach Kostenarten: Plan und Ist").first).to_be_visible()
    assert_no_axe_violations(page, "Prüfung des Nachweises")
    page.get_by_role("button", name="Prüfung beginnen").click()
    expect(page.locator("main .kern-badge").first).to_have_text("In Prüfung")
    page.get_by_role("link", name="Unterlagen nachfordern").click()
    assert_no_axe_violations(page, "Nachforderung")
    page.get_by_label("Anlagen").check()
    page.get_by_label("Nachricht an die Kommune").fill("Bitte die Teilnehmendenliste nachreichen.")
    page.get_by_label("Frist").fill((dt.date.today() + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Nachforderung senden").click()
    expect(page.locator("main .kern-badge").first).to_have_text("Nachforderung")
    logout(page)

    # The municipality answers ---------------------------------------------------------------
    login(page, APPLICANT.email, APPLICANT.password)
    report = Report.objects.get(grant__application=application)
    page.goto(f"/nachweise/{report.pk}/")
    expect(page.get_by_text("Bitte die Teilnehmendenliste nachreichen.")).to_be_visible()
    assert_no_axe_violations(page, "Nachweis mit Nachforderung")
    page.get_by_role("link", name="Anlagen", exact=True).first.click()
    upload(page, "Sonstige Anlage", files / "teilnehmende.pdf")
    page.get_by_role("link", name="Weiter").click()
    page.get_by_label("Antwort auf die Nachforderung").fill("Liste ist hochgeladen.")
    page.get_by_label(re.compile("Die Angaben sind vollständig und richtig")).check()
    page.get_by_role("button", name="Nachgeforderte Angaben einreichen").click()
    expect(page.locator("main .kern-badge").first).to_have_text("In Prüfung")
    logout(page)

    # RP checks and settles with the computed repayment ------------------------------------
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    page.goto(f"/rp/nachweise/{report.pk}/")
    expect(page.get_by_text("Liste ist hochgeladen.")).to_be_visible()
    page.get_by_role("link", name="Prüfung abschließen").click()
    # 15.500 − 2.000 − 500 = 13.000 € justified of 18.000 € received: 5.000 € back.
    expect(page.get_by_text(re.compile(r"Rückforderung von 5\.000,00"))).to_be_visible()
    assert_no_axe_violations(page, "Prüfung abschließen")
    page.get_by_label(re.compile("formal geprüft")).check()
    page.get_by_label(re.compile("inhaltlich geprüft")).check()
    page.get_by_role("button", name="Prüfung abschließen").click()
    expect(page.locator("main .kern-badge").first).to_have_text("Rückforderung festgesetzt")
    report.refresh_from_db()
    assert report.status == ReportStatus.REPAYMENT

    # The repayment letter appears once the worker has rendered it.
    deadline = time.monotonic() + 60
    while not GeneratedDocument.objects.filter(kind=DocumentKind.REPAYMENT_LETTER).exists():
        assert time.monotonic() < deadline, "the worker did not render the repayment letter"
        time.sleep(0.5)
    page.reload()
    link = page.get_by_role("link", name=re.compile("Rückforderungsschreiben vom"))
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("Rueckforderung_")
    assert_no_axe_violations(page, "Prüfung abgeschlossen")


def test_belegliste_when_the_round_requires_receipts(page, approved):
    """A round that requires receipts: the Belegliste step, its error summary and its table
    with the computed sum; the numbers step then takes the expenses from the receipts."""
    from grants.models import GrantRules

    application, _files = approved
    GrantRules.objects.create(round=application.round, receipts_required=True)
    login(page, APPLICANT.email, APPLICANT.password)
    page.goto(f"/antraege/{application.pk}/nachweise/")
    page.get_by_role("button", name=re.compile(r"Beginnen.*Verwendungsnachweis")).click()
    page.get_by_role("navigation", name="Schritte des Nachweises").get_by_role(
        "link", name="Belegliste"
    ).click()
    expect(page.get_by_text("Die Belegliste ist noch leer.")).to_be_visible()
    page.get_by_role("button", name="Beleg hinzufügen").click()
    expect(page.get_by_text("Bitte geben Sie an, an wen gezahlt wurde.").first).to_be_visible()
    assert_no_axe_violations(page, "Belegliste mit Fehlern")
    for payee, amount in (("Moderation GmbH", "7.500,00"), ("Druckerei Weber", "1.250,50")):
        page.get_by_label("Datum").fill("2025-06-01")
        page.get_by_label("Empfänger/in").fill(payee)
        page.get_by_label("Zweck").fill("Werkstatt")
        page.get_by_label("Kostenart").select_option(label="Externe Prozessmoderation")
        page.get_by_label("Betrag (EUR)").fill(amount)
        page.get_by_role("button", name="Beleg hinzufügen").click()
        expect(page.get_by_role("cell", name=payee, exact=True)).to_be_visible()
    expect(page.locator("table")).to_contain_text("8.750,50")
    assert_no_axe_violations(page, "Belegliste")
    page.get_by_role("navigation", name="Schritte des Nachweises").get_by_role(
        "link", name="Zahlenmäßiger Nachweis"
    ).click()
    expect(page.get_by_text("Die Förderrunde verlangt eine Belegliste")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("8.750,50")
