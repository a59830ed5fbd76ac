"""A person opens the portal, logs in with each demo role, and nothing on the way has an
accessibility violation."""

import pytest
from django.core.management import call_command

from demo.seed import DEMO_ACCOUNTS

from .conftest import assert_no_axe_violations, login, logout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_start_page_and_legal_pages_are_accessible(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "WIR-Portal"
    assert page.locator("html").get_attribute("lang") == "de"
    assert_no_axe_violations(page, "Startseite")
    # The skip link is the first thing a keyboard reaches, and it leads to the content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    for link in ("Impressum", "Datenschutz", "Erklärung zur Barrierefreiheit"):
        page.get_by_role("link", name=link).click()
        page.wait_for_load_state()
        assert_no_axe_violations(page, link)


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.role + ":" + a.email)
def test_each_demo_role_can_log_in(page, demo_data, account):
    page.goto("/")
    page.get_by_role("link", name="Anmelden").first.click()
    assert_no_axe_violations(page, "Anmeldung")
    login(page, account.email, account.password)
    assert page.get_by_text(f"Angemeldet als {account.full_name}").is_visible()
    assert_no_axe_violations(page, f"Startseite als {account.email}")
    logout(page)
    assert page.get_by_role("link", name="Anmelden").first.is_visible()


def test_wrong_password_shows_the_error_summary(page, demo_data):
    login(page, DEMO_ACCOUNTS[0].email, "falsch-falsch-falsch")
    assert page.get_by_text("E-Mail-Adresse oder Passwort ist nicht richtig").first.is_visible()
    assert_no_axe_violations(page, "Anmeldung mit Fehler")


def test_municipality_register_can_be_searched(page, demo_data):
    page.goto("/kommunen/")
    assert_no_axe_violations(page, "Kommunen")
