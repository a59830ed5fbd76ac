"""Each role's main journey with the keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys;
no clicks), in headless Chromium (issue 16). Every focus stop on the way must be visible
(outline or box shadow), the focus must land where it should after each change (error
summary, the new cost line, ...), and axe-core checks every page reached, each form also in
its error state, at 1,280 px and at 320 px (where the page must not scroll sideways).

Set-up that is not the journey (complete drafts, submitted applications, assignments) is
made through the services, as in the other browser tests."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from applications.models import Application, FundingRound
from applications.services import application_submit
from demo.seed import DEMO_ACCOUNTS
from municipalities.models import Municipality
from reviews.models import CHECKLIST, CheckOutcome
from reviews.services.assignments import assignment_create
from reviews.services.checks import formal_check_record, formal_check_start
from tests.factories import ApplicationFactory

from .a11y import check_page, expect_focus_on, press_to, tab_to, type_into
from .conftest import demo_totp_secret, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}


@pytest.fixture
def round_(worker_media):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return FundingRound.objects.get(title__contains="Demo, offen")


def keyboard_login(page, account, *, check: bool = False) -> None:
    """Logs in with the keyboard; with ``check`` also the login form's error state."""
    page.goto("/konto/anmelden/")
    if check:
        press_to(page, "Anmelden", css="form button[type=submit]")
        expect_focus_on(page, "[data-error-summary]")
        check_page(page, "Anmeldung mit Fehler")
    type_into(page, "E-Mail-Adresse", account.email)
    type_into(page, "Passwort", account.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field sends the form
    if "/zwei-faktor/pruefen/" in page.url:
        if check:
            check_page(page, "Zweiter Faktor")
        type_into(page, "Sicherheitscode", totp_code(demo_totp_secret(account.email)))
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert "/anmelden/" not in page.url and "/zwei-faktor/" not in page.url, page.url
    expect(page.get_by_role("button", name="Abmelden").first).to_be_visible()


def nav_to(page, name: str) -> None:
    """From the top of the page, through the main navigation."""
    page.keyboard.press("Control+Home")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    press_to(page, name)


def test_applicant_completes_and_submits_a_draft_with_the_keyboard(page, round_):
    heppenheim = Municipality.objects.get(ags="06431011")
    applicant = User.objects.get(email=ACCOUNTS["antrag"].email)
    ApplicationFactory(
        round=round_, lead_municipality=heppenheim, complete=True, created_by=applicant,
        title="Heppenheim lebt Vielfalt",
    )  # fmt: skip
    keyboard_login(page, ACCOUNTS["antrag"], check=True)
    # The skip link is the first stop and moves the focus to the content.
    page.keyboard.press("Tab")
    expect_focus_on(page, ".wir-skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    nav_to(page, "Meine Anträge")
    check_page(page, "Meine Anträge")
    press_to(page, re.compile("Heppenheim lebt Vielfalt"))
    check_page(page, "Aufgabenliste")

    # Cost plan: a new line; the focus lands in its first field (not on the heading).
    press_to(page, "Kosten- und Finanzierungsplan")
    lines = page.locator("fieldset.wir-cost-line").count()
    press_to(page, "Weitere Kostenposition hinzufügen")
    expect_focus_on(page, f"#id_lines-{lines}-category")
    page.keyboard.press("ArrowDown")  # a select takes arrow keys
    expect(page.locator(f"#id_lines-{lines}-category")).not_to_have_value("")
    page.keyboard.press("Tab")
    page.keyboard.type("Dolmetschkosten")
    page.keyboard.press("Tab")
    page.keyboard.type("zwölf Euro")  # not an amount
    page.keyboard.press("Tab")
    page.keyboard.type("2027")
    press_to(page, "Speichern und weiter")
    expect_focus_on(page, "[data-error-summary]")
    check_page(page, "Kosten- und Finanzierungsplan mit Fehler")
    # The error summary's link leads to the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    type_into(page, css=f"#id_lines-{lines}-amount", text="1.200,00")
    expect(page.locator(f"#id_lines-{lines}-description")).to_have_value("Dolmetschkosten")
    # The plan stays balanced: 1.200 € more own funds.
    own = page.get_by_label("Eigenmittel in Euro").input_value()
    own_funds = Decimal(own.replace(".", "").replace(",", ".") or "0") + 1200
    type_into(page, "Eigenmittel in Euro", f"{own_funds:.2f}".replace(".", ","))
    check_page(page, "Kosten- und Finanzierungsplan")
    press_to(page, "Speichern und weiter")

    # Attachments and declarations (complete already): on with the keyboard.
    expect(page.locator("h1")).to_have_text("Anlagen")
    check_page(page, "Anlagen")
    press_to(page, "Weiter")
    check_page(page, "Erklärungen")
    press_to(page, "Speichern und weiter")

    expect(page.locator("h1")).to_have_text("Prüfen und absenden")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    expect(page.locator("body")).to_contain_text("Dolmetschkosten")
    check_page(page, "Prüfen und absenden")
    press_to(page, "Antrag verbindlich einreichen")
    expect(page.locator(".kern-badge").first).to_have_text("Eingereicht")
    check_page(page, "Status nach dem Einreichen")


def submitted(round_, ags: str, title: str) -> Application:
    municipality = Municipality.objects.get(ags=ags)
    staff = municipality.memberships.first()
    user = staff.user if staff else User.objects.get(email=ACCOUNTS["antrag"].email)
    draft = ApplicationFactory(
        round=round_, lead_municipality=municipality, complete=True, created_by=user, title=title
    )
    return application_submit(application=draft, user=user)


def test_case_officer_checks_and_decides_with_the_keyboard(page, round_):
    application = submitted(round_, "06431011", "Heppenheim lebt Vielfalt")
    keyboard_login(page, ACCOUNTS["sachbearbeitung"], check=True)
    nav_to(page, "Prüfung und Entscheidung")
    check_page(page, "Förderrunden (RP)")
    press_to(page, re.compile(r"Demo, offen"))
    check_page(page, "Übersicht der Förderrunde")
    press_to(page, application.reference)
    check_page(page, "Antrag (RP)")

    # Formal check: started, saved without a result (errors), then passed.
    press_to(page, "Formale Prüfung")
    press_to(page, "Formale Prüfung beginnen")
    expect(page.locator(".kern-badge").first).to_have_text("In Prüfung")
    check_page(page, "Formale Prüfung")
    press_to(page, "Prüfergebnis speichern")
    expect_focus_on(page, "[data-error-summary]")
    check_page(page, "Formale Prüfung mit Fehler")
    for label in CHECKLIST.values():
        tab_to(page, str(label))
        page.keyboard.press("Space")
        expect(page.get_by_label(str(label))).to_be_checked()
    type_into(page, re.compile("^Vermerk zur Prüfung"), "Vollständig.")
    tab_to(page, re.compile("^Formale Prüfung bestanden"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Formale Prüfung bestanden")).to_be_checked()
    press_to(page, "Prüfergebnis speichern")
    expect(page.locator(".kern-badge").first).to_have_text("In Bewertung")

    # Decision: rejected; first without a reason (errors), then confirmed.
    press_to(page, "Entscheidung")
    check_page(page, "Entscheidung")
    press_to(page, "Ablehnen")
    expect_focus_on(page, "[data-error-summary]")
    check_page(page, "Ablehnung mit Fehler")
    type_into(page, "Begründung der Ablehnung", "Das Vorhaben hat bereits begonnen.")
    press_to(page, "Ablehnen")
    expect(page.get_by_role("heading", name="Ablehnung bestätigen")).to_be_visible()
    check_page(page, "Ablehnung bestätigen")
    press_to(page, "Ablehnung bestätigen")
    expect(page.locator(".kern-badge").first).to_have_text("Abgelehnt")
    check_page(page, "Antrag (RP) abgelehnt")


def test_jury_reviews_with_the_keyboard(page, round_):
    application = submitted(round_, "06431011", "Heppenheim lebt Vielfalt")
    officer = User.objects.get(email=ACCOUNTS["sachbearbeitung"].email)
    jury = User.objects.get(email=ACCOUNTS["jury1"].email)
    formal_check_start(application=application, user=officer)
    formal_check_record(
        application=Application.objects.get(pk=application.pk),
        user=officer,
        checklist=dict.fromkeys(CHECKLIST, True),
        outcome=CheckOutcome.PASSED,
    )
    assignment_create(
        application=Application.objects.get(pk=application.pk), reviewer=jury, user=officer
    )
    keyboard_login(page, ACCOUNTS["jury1"], check=True)
    nav_to(page, "Meine Bewertungen")
    check_page(page, "Meine Bewertungen")
    press_to(page, re.compile(application.reference))
    expect(page.locator("h1")).to_have_text("Erklärung zur Befangenheit")
    press_to(page, "Erklärung abgeben")  # nothing chosen: errors
    expect_focus_on(page, "[data-error-summary]")
    check_page(page, "Erklärung zur Befangenheit mit Fehler")
    tab_to(page, "Ich bin nicht befangen.")
    page.keyboard.press("Space")
    press_to(page, "Erklärung abgeben")
    expect(page.get_by_role("heading", name="Ihre Bewertung")).to_be_visible()
    check_page(page, "Bewertung")

    # Finalising an empty review shows the errors; then every criterion is scored.
    press_to(page, "Bewertung abschließen")
    expect_focus_on(page, "[data-error-summary]")
    check_page(page, "Bewertung mit Fehler")
    points = page.locator("input[name^=points]")
    for index in range(points.count()):
        type_into(page, css=f"#{points.nth(index).get_attribute('id')}", text="8")
    type_into(page, "Gesamteinschätzung", "Überzeugend.")
    tab_to(page, "Förderung empfohlen")
    page.keyboard.press("Space")
    press_to(page, "Bewertung abschließen")
    expect(page.locator(".kern-alert--success")).to_contain_text("Bewertung ist abgeschlossen")
    check_page(page, "Bewertung abgeschlossen")


def test_admin_sets_up_a_round_with_the_keyboard(page, round_):
    keyboard_login(page, ACCOUNTS["admin"])
    nav_to(page, "Administration")
    check_page(page, "Admin")
    press_to(page, css='a[href$="/admin/applications/fundinground/add/"]')
    check_page(page, "Förderrunde hinzufügen")
    press_to(page, css="input[name=_save]")
    expect(page.locator(".errornote")).to_be_visible()
    check_page(page, "Förderrunde hinzufügen mit Fehlern")
    type_into(page, css="#id_title", text="Förderrunde 2028")
    type_into(page, css="#id_reference_prefix", text="KIV-2028")
    type_into(page, css="#id_opens_at_0", text="01.01.2028")
    type_into(page, css="#id_opens_at_1", text="00:00:00")
    type_into(page, css="#id_deadline_0", text="30.11.2028")
    type_into(page, css="#id_deadline_1", text="23:59:59")
    type_into(page, css="#id_max_grant", text="20.000")
    type_into(page, css="#id_budget", text="400.000")
    type_into(page, css="#id_population_reference_date", text="31.12.2026")
    press_to(page, css="input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert FundingRound.objects.filter(reference_prefix="KIV-2028").exists()
    check_page(page, "Förderrunden nach dem Anlegen")
