"""RP Darmstadt and the jury carry submitted demo applications to a decision, in the browser:
the case officer passes the formal check and assigns two reviewers, each reviewer declares no
conflict and scores, the case officer sees the ranking, exports the XLSX and approves with an
amount, the applicant sees "Bewilligt" and downloads the letter (rendered by the real Celery
worker). A second application goes the rejection path. axe-core checks every page."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.models import Application, FundingRound
from applications.services import application_submit
from demo.seed import DEMO_ACCOUNTS
from municipalities.models import Municipality
from tests.factories import ApplicationFactory, staff_for

from .conftest import assert_no_axe_violations, login, logout

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}
CASE_OFFICER = ACCOUNTS["sachbearbeitung"]
JURY = (ACCOUNTS["jury1"], ACCOUNTS["jury2"])
APPLICANT = ACCOUNTS["antrag"]
STAFF_PASSWORD = "geheimes-passwort-123"  # tests.factories.UserFactory


@pytest.fixture
def demo(worker_media):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return FundingRound.objects.get(title__contains="Demo, offen")


def submitted_application(round_, municipality, user, title) -> Application:
    """A complete draft, submitted through the service (the worker renders the receipt)."""
    draft = ApplicationFactory(
        round=round_, lead_municipality=municipality, complete=True, created_by=user, title=title
    )
    return application_submit(application=draft, user=user)


def open_application(page, reference: str) -> None:
    """From anywhere: RP start page -> the demo round -> the application's RP page."""
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Prüfung und Entscheidung"
    ).click()
    page.get_by_role("link", name=re.compile(r"Demo, offen")).click()
    page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_be_visible()


def pass_formal_check(page, reference: str) -> None:
    open_application(page, reference)
    page.get_by_role("link", name="Formale Prüfung", exact=True).click()
    page.get_by_role("button", name="Formale Prüfung beginnen").click()
    expect(page.locator("main .kern-badge").first).to_have_text("In Prüfung")
    assert_no_axe_violations(page, "Formale Prüfung")
    for label in (
        "Antragsberechtigt nach Einwohnerzahl",
        "Unterlagen vollständig",
        "Finanzierungsplan plausibel",
        "Erklärungen abgegeben",
    ):
        page.get_by_label(label).check()
    page.get_by_label("Vermerk zur Prüfung (intern)").fill("Vollständig, Einwohnerzahl geprüft.")
    page.get_by_label("Formale Prüfung bestanden").check()
    page.get_by_role("button", name="Prüfergebnis speichern").click()
    expect(page.locator("main .kern-badge").first).to_have_text("In Bewertung")


def score(page, reference: str, points: list[int], comment: str) -> None:
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Meine Bewertungen"
    ).click()
    assert_no_axe_violations(page, "Meine Bewertungen")
    page.get_by_role("link", name=re.compile(reference)).click()
    expect(page.locator("h1")).to_have_text("Erklärung zur Befangenheit")
    assert_no_axe_violations(page, "Erklärung zur Befangenheit")
    page.get_by_label("Ich bin nicht befangen.").check()
    page.get_by_role("button", name="Erklärung abgeben").click()
    expect(page.get_by_role("heading", name="Ihre Bewertung")).to_be_visible()
    assert_no_axe_violations(page, "Bewertung")
    for index, value in enumerate(points):
        page.get_by_label(re.compile(r"^Punkte \(0 bis 10\)")).nth(index).fill(str(value))
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".kern-alert--success")).to_contain_text("Entwurf ist gespeichert")
    page.get_by_label("Gesamteinschätzung").fill(comment)
    page.get_by_label("Förderung empfohlen", exact=True).check()
    page.get_by_role("button", name="Bewertung abschließen").click()
    expect(page.locator(".kern-alert--success")).to_contain_text("Bewertung ist abgeschlossen")
    expect(page.locator("table")).to_contain_text("abgeschlossen")


def wait_for_letter(page, name: str, timeout: float = 90) -> None:
    """The letter comes from the Celery worker: reload the status page until it is there."""
    deadline = time.monotonic() + timeout
    link = page.get_by_role("link", name=re.compile(name))
    while time.monotonic() < deadline:
        if link.count():
            return
        time.sleep(0.25)
        page.reload()
    raise AssertionError(f"no {name!r} link on {page.url}")


def test_case_officer_and_jury_carry_an_application_to_approval(page, demo):
    heppenheim = Municipality.objects.get(ags="06431011")
    applicant = Municipality.objects.get(ags="06431011").memberships.get().user
    application = submitted_application(demo, heppenheim, applicant, "Heppenheim lebt Vielfalt")
    reference = application.reference

    # Case officer: overview, detail, formal check, two reviewers
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Prüfung und Entscheidung"
    ).click()
    assert_no_axe_violations(page, "Förderrunden (RP)")
    page.get_by_role("link", name=re.compile(r"Demo, offen")).click()
    expect(page.locator("[data-status-count=submitted]")).to_contain_text("1")
    page.get_by_role("textbox", name=re.compile("^Suche")).fill("heppen")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    assert_no_axe_violations(page, "Übersicht der Förderrunde")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("body")).to_contain_text("Externe Prozessmoderation durch ein Fachbüro")
    page.get_by_label("Vermerk", exact=True).fill("Rückfrage zur Moderation telefonisch geklärt.")
    page.get_by_role("button", name="Vermerk speichern").click()
    expect(page.locator("#vermerke")).to_contain_text("Rückfrage zur Moderation")
    assert_no_axe_violations(page, "Antrag (RP)")
    pass_formal_check(page, reference)
    assert_no_axe_violations(page, "Gutachten")
    for reviewer in JURY:
        page.get_by_label("Gutachter/in", exact=True).select_option(label=reviewer.full_name)
        page.get_by_role("button", name="Zuweisen").click()
        expect(page.locator(f'[data-assignment="{reviewer.email}"]')).to_be_visible()
    logout(page)

    # Each reviewer declares no conflict and scores
    for reviewer, points in zip(JURY, ([9, 8, 8, 9, 7, 8], [7, 8, 6, 8, 7, 7]), strict=True):
        login(page, reviewer.email, reviewer.password)
        score(page, reference, points, f"Gutachten von {reviewer.full_name}: überzeugend.")
        logout(page)

    # Case officer: ranking, XLSX, approval with an amount
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    open_application(page, reference)
    page.get_by_role("link", name="Gutachten", exact=True).click()
    expect(page.locator("body")).to_contain_text("Gutachten von Julia Jury: überzeugend.")
    page.get_by_role("link", name="Entscheidung", exact=True).click()
    page.get_by_role("link", name="Rangliste der Förderrunde ansehen").click()
    expect(page.locator("table")).to_contain_text(reference)
    expect(page.locator("table")).to_contain_text("7,67")  # (8.167 + 7.167) / 2
    assert_no_axe_violations(page, "Rangliste")
    with page.expect_download() as info:
        page.get_by_role("link", name="Als Excel-Datei (XLSX) herunterladen").click()
    with open(info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet["B5"].value == reference and sheet["H5"].value == pytest.approx(7.67, 0.01)

    open_application(page, reference)
    page.get_by_role("link", name="Entscheidung", exact=True).click()
    page.get_by_role("button", name="Als entscheidungsreif markieren").click()
    expect(page.locator("main .kern-badge").first).to_have_text("Entscheidungsreif")
    amount = page.get_by_label("Bewilligter Betrag in Euro")
    expect(amount).to_have_value("18.000,00")  # the requested amount by default
    assert_no_axe_violations(page, "Entscheidung")
    amount.fill("15.000,00")
    # less than the gap: the case officer says how the financing plan balances (issue 9.4)
    page.get_by_label("Eigenmittel erhöhen").check()
    page.get_by_label("Begründung – optional").fill("Ein überzeugendes Beteiligungskonzept.")
    page.get_by_role("button", name="Bewilligen").click()
    # a confirmation step with the approved plan before anything is decided (issue 9.15)
    expect(page.get_by_role("heading", name="Bewilligung bestätigen")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Bewilligter Finanzierungsplan")
    expect(page.locator("table")).to_contain_text("15.000,00")
    expect(page.locator("main .kern-badge").first).to_have_text("Entscheidungsreif")
    assert_no_axe_violations(page, "Bewilligung bestätigen")
    page.get_by_role("button", name="Bewilligung bestätigen").click()
    expect(page.locator("main .kern-badge").first).to_have_text("Bewilligt")
    logout(page)

    # The applicant sees "Bewilligt" and downloads the letter
    login(page, APPLICANT.email, APPLICANT.password)
    page.get_by_role("link", name="Meine Anträge").first.click()
    page.get_by_role("link", name=re.compile(reference)).click()
    expect(page.locator("main .kern-badge").first).to_have_text("Bewilligt")
    expect(page.locator("body")).to_contain_text("15.000,00")
    wait_for_letter(page, "Bescheid")
    assert_no_axe_violations(page, "Status mit Bescheid")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Bescheid")).click()
    assert info.value.suggested_filename == f"Zuwendungsbescheid_{reference}.pdf"
    with open(info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_case_officer_rejects_after_the_formal_check(page, demo):
    bensheim = Municipality.objects.get(ags="06431002")
    staff = staff_for(bensheim, email="integration@bensheim.example", full_name="Berta Bensheim")
    application = submitted_application(demo, bensheim, staff, "Bensheim gemeinsam")
    reference = application.reference

    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    open_application(page, reference)
    page.get_by_role("link", name="Formale Prüfung", exact=True).click()
    page.get_by_role("button", name="Formale Prüfung beginnen").click()
    page.get_by_role("link", name="Entscheidung", exact=True).click()
    page.get_by_role("button", name="Ablehnen").click()  # without a reason first
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_axe_violations(page, "Ablehnung mit Fehler")
    page.get_by_label("Begründung der Ablehnung").fill(
        "Das Vorhaben ist bereits begonnen worden; eine Förderung ist ausgeschlossen."
    )
    page.get_by_role("button", name="Ablehnen").click()
    expect(page.get_by_role("heading", name="Ablehnung bestätigen")).to_be_visible()
    assert_no_axe_violations(page, "Ablehnung bestätigen")
    page.get_by_role("button", name="Ablehnung bestätigen").click()
    expect(page.locator("main .kern-badge").first).to_have_text("Abgelehnt")
    logout(page)

    login(page, staff.email, STAFF_PASSWORD)
    page.get_by_role("link", name="Meine Anträge").first.click()
    page.get_by_role("link", name=re.compile(reference)).click()
    expect(page.locator("main .kern-badge").first).to_have_text("Abgelehnt")
    expect(page.locator("body")).to_contain_text("bereits begonnen worden")
    wait_for_letter(page, "Bescheid")
    assert_no_axe_violations(page, "Status nach Ablehnung")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Bescheid")).click()
    assert info.value.suggested_filename == f"Ablehnungsbescheid_{reference}.pdf"
