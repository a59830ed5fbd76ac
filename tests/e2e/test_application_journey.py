"""A member of municipal staff takes the demo municipality from "may we apply?" to a submitted
application with its receipt, in the browser, with axe-core on every step."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from applications.models import Application
from demo.seed import DEMO_ACCOUNTS
from tests.factories import MINIMAL_PDF

from .conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)

ANTRAG = next(a for a in DEMO_ACCOUNTS if a.email.startswith("antrag@"))


@pytest.fixture
def demo(worker_media):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def save_and_continue(page):
    page.get_by_role("button", name="Speichern und weiter").click()
    page.wait_for_load_state()


def test_staff_fill_every_step_submit_and_download_the_receipt(page, demo, tmp_path):
    login(page, ANTRAG.email, ANTRAG.password)
    page.get_by_role("link", name="Meine Anträge").first.click()
    assert_no_axe_violations(page, "Meine Anträge")

    page.get_by_role("link", name=re.compile(r"Demo, offen.*Heppenheim")).click()
    expect(page.locator("body")).to_contain_text("26.218 Einwohnerinnen und Einwohner")
    expect(page.locator("body")).to_contain_text("Stand 31.12.2020")
    assert_no_axe_violations(page, "Antragsberechtigung")
    page.get_by_role("button", name="Antrag beginnen").click()
    expect(page.locator(".kern-task-list")).to_contain_text("Nicht begonnen")
    assert_no_axe_violations(page, "Aufgabenliste")

    # 1 Applicant
    page.get_by_role("link", name="Antragstellende Kommune").click()
    page.get_by_label("Straße und Hausnummer").fill("Großer Markt 1")
    page.get_by_label("Postleitzahl").fill("64646")
    page.get_by_label("Ort").fill("Heppenheim")
    page.get_by_label("Ansprechperson", exact=True).fill("Anna Antrag")
    page.get_by_label("Funktion der Ansprechperson").fill("Integrationsbeauftragte")
    page.get_by_label("E-Mail der Ansprechperson").fill("antrag@wir-portal.example")
    page.get_by_label("Telefon der Ansprechperson").fill("06252 13-0")
    page.get_by_label("Zeichnungsberechtigte Person").fill("Rainer Burelbach")
    page.get_by_label("Funktion der zeichnungsberechtigten Person").fill("Bürgermeister")
    page.get_by_label("IBAN").fill("DE12 3456")  # a typo first
    assert_no_axe_violations(page, "Antragsteller")
    save_and_continue(page)
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("#id_iban")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Straße und Hausnummer")).to_have_value("Großer Markt 1")
    assert_no_axe_violations(page, "Antragsteller mit Fehler")
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_label("Kontoinhaber/in").fill("Stadt Heppenheim")
    save_and_continue(page)

    # 2 Partners (none: Heppenheim applies alone)
    expect(page.locator("h1")).to_have_text("Partnerkommunen")
    assert_no_axe_violations(page, "Partnerkommunen")
    page.get_by_label("Kommune suchen").fill("laub")  # htmx narrows the list while typing
    expect(page.locator("#partner-choice")).to_contain_text(
        "Laubach, Stadt (Landkreis Gießen, 9.604 Einwohnerinnen und Einwohner)"
    )
    expect(page.locator("#partner-choice input[type=radio]")).to_have_count(1)
    page.get_by_role("link", name="Weiter").click()

    # 3 Project
    page.get_by_label("Titel des Vorhabens").fill("Heppenheim lebt Vielfalt")
    page.get_by_label("Kurzbeschreibung").fill("Eine Strategie, gemeinsam erarbeitet.")
    expect(page.locator("#id_summary-count")).to_have_text(
        "Sie können noch 1.963 Zeichen eingeben."
    )
    page.get_by_label("Geplanter Beginn").fill("2027-04-01")
    page.get_by_label("Geplantes Ende").fill("2028-03-31")
    assert_no_axe_violations(page, "Vorhaben")
    save_and_continue(page)
    # The round's question set (issue 14): one step per section.
    for heading, labels in (
        ("Inhalt der Strategie", ("Ausgangslage", "Ziele", "Sozialraumbezug",
                                  "Kommunale Identität", "Gesellschaftliche Teilhabe")),
        ("Beteiligung und Umsetzung", ("Beteiligungsformate", "Externe Prozessmoderation",
                                       "Meilensteine",
                                       "Geplanter Beschluss der Gemeindevertretung")),
    ):  # fmt: skip
        expect(page.locator("h1")).to_have_text(heading)
        for label in labels:
            page.get_by_label(label, exact=True).fill(f"{label}: ausführlich beschrieben.")
        if heading == "Beteiligung und Umsetzung":
            page.locator("#id_outreach").fill("Mehrsprachige Einladungen, aufsuchende Beteiligung.")
        assert_no_axe_violations(page, heading)
        save_and_continue(page)

    # 4 Cost plan: add a line, remove one, never lose input
    expect(page.locator("h1")).to_have_text("Kosten- und Finanzierungsplan")
    page.locator("#id_lines-0-category").select_option(label="Externe Prozessmoderation")
    page.locator("#id_lines-0-description").fill("Moderation des Prozesses")
    page.locator("#id_lines-0-amount").fill("15.000,00")
    page.locator("#id_lines-0-budget_year").fill("2027")
    page.get_by_label("Eigenmittel in Euro").fill("2.000")
    page.get_by_role("button", name="Weitere Kostenposition hinzufügen").click()
    page.wait_for_load_state()
    expect(page.locator("#id_lines-0-description")).to_have_value("Moderation des Prozesses")
    page.locator("#id_lines-1-category").select_option(label="Sachkosten")
    page.locator("#id_lines-1-description").fill("Versehentlich angelegt")
    page.locator("#id_lines-1-amount").fill("99")
    page.locator("#id_lines-1-budget_year").fill("2027")
    page.get_by_role("button", name="Weitere Kostenposition hinzufügen").click()
    page.wait_for_load_state()
    page.locator("#id_lines-2-category").select_option(
        label="Beteiligungsformate und Veranstaltungen"
    )
    page.locator("#id_lines-2-description").fill("Werkstätten")
    page.locator("#id_lines-2-amount").fill("6.000,00")
    page.locator("#id_lines-2-budget_year").fill("2027")
    page.get_by_role("button", name="Kostenposition 2 entfernen").click()
    page.wait_for_load_state()
    expect(page.locator("#id_lines-1-description")).to_have_value("Werkstätten")
    expect(page.get_by_label("Eigenmittel in Euro")).to_have_value("2.000,00")
    expect(page.locator("[data-total=total_cost]")).to_have_text("21.000,00\u00a0€")
    # The round's rules show while typing (htmx), before saving: 25.000 € is too much.
    page.get_by_label("Beantragte Zuwendung in Euro").fill("25.000")
    expect(page.locator(".wir-cost-warning").first).to_contain_text(
        "übersteigt den Höchstbetrag der Förderrunde (20.000,00 €)"
    )
    page.get_by_label("Beantragte Zuwendung in Euro").fill("19.000")
    expect(page.locator(".wir-cost-warning")).to_have_count(0)
    assert_no_axe_violations(page, "Kosten- und Finanzierungsplan")
    save_and_continue(page)

    # 5 Attachments
    expect(page.locator("h1")).to_have_text("Anlagen")
    konzept = tmp_path / "Konzept Heppenheim.pdf"
    konzept.write_bytes(MINIMAL_PDF)
    page.get_by_label("Art der Anlage").select_option(label="Konzept")
    page.get_by_label("Datei").set_input_files(str(konzept))
    page.get_by_role("button", name="Hochladen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Konzept_Heppenheim.pdf", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "Anlagen")
    # a file uploaded by mistake is removed only after a confirmation (issue 9.15)
    extra = tmp_path / "Entwurf alt.pdf"
    extra.write_bytes(MINIMAL_PDF)
    page.get_by_label("Art der Anlage").select_option(label="Sonstiges")
    page.get_by_label("Datei").set_input_files(str(extra))
    page.get_by_role("button", name="Hochladen").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Entwurf_alt.pdf entfernen").click()
    expect(page.locator("h1")).to_have_text("Anlage entfernen")
    expect(page.locator("body")).to_contain_text("Entwurf_alt.pdf")
    assert_no_axe_violations(page, "Anlage entfernen")
    page.get_by_role("button", name="Ja, Anlage entfernen").click()
    expect(page.locator("body")).to_contain_text("Die Anlage wurde entfernt.")
    expect(page.get_by_role("link", name="Entwurf_alt.pdf", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Konzept_Heppenheim.pdf", exact=True)).to_be_visible()
    page.get_by_role("link", name="Weiter").click()

    # 6 Declarations
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    assert_no_axe_violations(page, "Erklärungen")
    save_and_continue(page)

    # Check your answers, then submit
    expect(page.locator("h1")).to_have_text("Prüfen und absenden")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("Heppenheim lebt Vielfalt")
    expect(page.locator("body")).to_contain_text("Werkstätten")
    assert_no_axe_violations(page, "Prüfen und absenden")
    page.get_by_role("button", name="Antrag verbindlich einreichen").click()
    page.wait_for_load_state()

    application = Application.objects.get(title="Heppenheim lebt Vielfalt")
    expect(page.locator(".kern-badge").first).to_have_text("Eingereicht")
    expect(page.locator("body")).to_contain_text(application.reference)
    assert_no_axe_violations(page, "Status")

    # The receipt comes from the Celery worker; the page updates itself (htmx).
    link = page.get_by_role("link", name=re.compile("Eingangsbestätigung"))
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"Eingangsbestaetigung_{application.reference}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
