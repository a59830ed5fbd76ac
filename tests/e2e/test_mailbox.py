"""The Postfach in the browser: a case officer asks a question on the application's page,
the municipality finds it in its Postfach and answers with an attachment, both see the
thread; axe-core checks the Postfach and the thread pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from applications.workflow import Status
from demo.seed import DEMO_ACCOUNTS, seed_accounts
from messaging.models import Message
from tests.factories import MINIMAL_PDF, ApplicationFactory, MunicipalityFactory, staff_for

from .conftest import assert_no_axe_violations, login, logout

pytestmark = pytest.mark.django_db(transaction=True)

CASE_OFFICER = next(a for a in DEMO_ACCOUNTS if a.email.startswith("sachbearbeitung@"))
STAFF_PASSWORD = "geheimes-passwort-123"  # tests.factories.UserFactory


@pytest.fixture
def application():
    seed_accounts()
    municipality = MunicipalityFactory(name="Heppenheim (Bergstraße)")
    staff = staff_for(municipality, email="kommune@heppenheim.example", full_name="Anna Antrag")
    application = ApplicationFactory(
        lead_municipality=municipality,
        status=Status.SUBMITTED,
        complete=True,
        title="Heppenheim verbindet",
        created_by=staff,
    )
    return application, staff


def open_mailbox(page) -> None:
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Postfach"
    ).click()
    expect(page.locator("h1")).to_have_text("Postfach")


def test_case_officer_asks_the_municipality_answers_with_an_attachment(page, application, tmp_path):
    application, staff = application
    reference = application.reference

    # The case officer writes on the application's RP page (htmx: the thread refreshes).
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    page.goto(f"/rp/antraege/{application.pk}/")
    thread = page.locator("#nachrichten")
    thread.get_by_label("Betreff").fill("Rückfrage zum Zeitplan")
    thread.get_by_label("Nachricht", exact=True).fill(
        "Bitte senden Sie uns den Zeitplan der Werkstätten."
    )
    thread.get_by_role("button", name="Nachricht senden").click()
    expect(
        page.get_by_role("status").filter(has_text="Ihre Nachricht wurde gesendet.")
    ).to_be_visible()
    expect(page.locator("#nachrichten")).to_contain_text("Bitte senden Sie uns den Zeitplan")
    assert page.url.endswith(f"/rp/antraege/{application.pk}/")  # no page change
    logout(page)

    # The municipality finds it in its Postfach, unread, and answers with a PDF.
    login(page, staff.email, STAFF_PASSWORD)
    open_mailbox(page)
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("1 neu")
    expect(row).to_contain_text("Rückfrage zum Zeitplan")
    assert_no_axe_violations(page, "Postfach der Kommune")
    row.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_contain_text(f"Nachrichten zum Antrag {reference}")
    expect(page.locator("#nachrichten")).to_contain_text(
        "Bitte senden Sie uns den Zeitplan der Werkstätten."
    )
    assert_no_axe_violations(page, "Nachrichten (Kommune)")
    schedule = tmp_path / "Zeitplan.pdf"
    schedule.write_bytes(MINIMAL_PDF)
    page.get_by_label("Nachricht", exact=True).fill("Anbei unser Zeitplan.")
    page.get_by_label("Anlage").set_input_files(str(schedule))
    page.get_by_role("button", name="Nachricht senden").click()
    expect(
        page.get_by_role("status").filter(has_text="Ihre Nachricht wurde gesendet.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Zeitplan.pdf")).to_be_visible()
    assert_no_axe_violations(page, "Nachrichten nach dem Senden")
    # Read now: the Postfach counts nothing new.
    open_mailbox(page)
    expect(page.get_by_role("row").filter(has_text=reference)).not_to_contain_text("neu")
    # The application's own page shows the thread too.
    page.goto(f"/antraege/{application.pk}/")
    expect(page.locator("#nachrichten")).to_contain_text("Anbei unser Zeitplan.")
    logout(page)

    # The case officer sees the answer and downloads the attachment.
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    open_mailbox(page)
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("1 neu")
    assert_no_axe_violations(page, "Postfach des Regierungspräsidiums")
    row.get_by_role("link", name=reference).click()
    thread = page.locator("#nachrichten")
    expect(thread).to_contain_text("Bitte senden Sie uns den Zeitplan der Werkstätten.")
    expect(thread).to_contain_text("Anbei unser Zeitplan.")
    expect(thread).to_contain_text("Heppenheim (Bergstraße)")
    assert_no_axe_violations(page, "Nachrichten (Regierungspräsidium)")
    with page.expect_download() as download:
        thread.get_by_role("link", name="Zeitplan.pdf").click()
    assert download.value.suggested_filename == "Zeitplan.pdf"
    assert download.value.path().read_bytes() == MINIMAL_PDF
    assert Message.objects.filter(application=application).count() == 2
    assert re.search(r"Nachrichten", page.title())
