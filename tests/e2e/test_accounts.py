"""An admin invites a case officer; the person accepts the invitation from the e-mail, sets
a password, sets up the authenticator app, and logs in with both factors. Every page on the
way passes axe-core."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Role, User
from demo.seed import DEMO_ACCOUNTS

from .conftest import assert_no_axe_violations, enter_totp, login, logout, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == Role.ADMIN)
NEW_EMAIL = "nina.neu@rpda.hessen.example"
NEW_PASSWORD = "Nina-braucht-ein-langes-Passwort-1"


@pytest.fixture
def demo_data():
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_invited_case_officer_sets_password_and_two_factor_and_logs_in(page, demo_data):
    mail.outbox = []
    # The admin (with the demo authenticator) invites a case officer.
    login(page, ADMIN.email, ADMIN.password)
    page.get_by_role("link", name="Mein Konto").click()
    assert_no_axe_violations(page, "Mein Konto (Admin)")
    page.get_by_role("link", name="Personen einladen").click()
    assert_no_axe_violations(page, "Einladungen")
    page.get_by_label("E-Mail-Adresse").fill(NEW_EMAIL)
    page.get_by_label("Rolle").select_option(label="Sachbearbeitung RP Darmstadt")
    page.get_by_role("button", name="Einladung senden").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Die Einladung an {NEW_EMAIL} wurde gesendet.").is_visible()
    assert_no_axe_violations(page, "Einladungen nach dem Senden")
    logout(page)

    # The person opens the link from the mail and chooses a password.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [NEW_EMAIL]
    link = re.search(r"https?://\S+/konto/einladung/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Einladung annehmen"
    assert_no_axe_violations(page, "Einladung annehmen")
    page.get_by_label("Ihr Name").fill("Nina Neu")
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_load_state()

    # A case officer must set up the second factor first.
    assert "/konto/zwei-faktor/einrichten/" in page.url
    assert page.locator("h1").inner_text() == "Zwei-Faktor-Authentisierung einrichten"
    assert page.locator("svg[role=img]").count() == 1
    assert_no_axe_violations(page, "Zwei-Faktor einrichten")
    secret = page.locator("[data-totp-secret]").get_attribute("data-totp-secret")
    page.get_by_label("Sicherheitscode").fill(totp_code(secret))
    page.get_by_role("button", name="Einrichtung abschließen").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Wiederherstellungscodes"
    assert page.locator("[data-recovery-code]").count() == 10
    assert_no_axe_violations(page, "Wiederherstellungscodes")
    logout(page)

    # Logging in again: password, then the code from the app.
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(NEW_EMAIL)
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Anmelden").last.click()
    page.wait_for_load_state()
    assert "/konto/zwei-faktor/pruefen/" in page.url
    assert_no_axe_violations(page, "Anmeldung bestätigen")
    enter_totp(page, secret)
    assert page.get_by_text("Angemeldet als Nina Neu").is_visible()
    page.get_by_role("link", name="Mein Konto").click()
    assert page.get_by_text("Sachbearbeitung RP Darmstadt").first.is_visible()
    assert_no_axe_violations(page, "Mein Konto (Sachbearbeitung)")
    user = User.objects.get(email=NEW_EMAIL)
    assert user.role == Role.CASE_OFFICER and user.login_events.filter(kind="login").count() == 2
