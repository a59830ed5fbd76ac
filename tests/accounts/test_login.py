import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import LoginEvent, LoginEventKind, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "Sehr-geheimes-Passwort-1"


@pytest.fixture
def user():
    return User.objects.create_user("anna@kommune.example", PASSWORD, full_name="Anna Beispiel")


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_page_is_german(client):
    response = client.get(reverse("accounts:login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in content
    assert "E-Mail-Adresse" in content and "Passwort" in content


def test_login_with_email_and_logout(client, user):
    response = login(client, "Anna@Kommune.example", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_wrong_password_gives_a_clear_german_message(client, user):
    response = login(client, user.email, "falsch-falsch-falsch")
    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort ist nicht richtig" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_repeated_failed_logins_lock_the_account(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, user.email, "falsch-falsch-falsch").status_code == 200
    response = login(client, user.email, "falsch-falsch-falsch")
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    # Even the right password does not get in while the lock lasts.
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_password_reset_mail_and_new_password(client, user):
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "WIR-Portal: Passwort zurücksetzen"
    assert "Guten Tag" in message.body
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "Ganz-neues-Passwort-2"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert login(client, user.email, new_password).status_code == 302


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@x.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_roles():
    officer = User.objects.create_user("rp@rp-da.example", PASSWORD, role=Role.CASE_OFFICER)
    assert officer.is_case_officer and officer.is_rp and not officer.is_reviewer
    admin = User.objects.create_superuser("admin@x.example", PASSWORD)
    assert admin.is_portal_admin and admin.is_rp and admin.is_staff


# Issue 10.5: whom the lockout locks ------------------------------------------------------


def login_from(client, email, password, remote="192.0.2.10", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **meta)


def fail_until_locked(email, settings, **where):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_from(client, email, "falsch-falsch-falsch", **where).status_code == 200
    assert login_from(client, email, "falsch-falsch-falsch", **where).status_code == 429


def test_failures_from_one_address_do_not_lock_the_owner_elsewhere(user, settings):
    fail_until_locked(user.email, settings, remote="198.51.100.66")
    # The same account from the attacker's address stays locked, even typed differently.
    response = login_from(Client(), f" {user.email.upper()}", PASSWORD, remote="198.51.100.66")
    assert response.status_code == 429
    # The owner at another address logs in.
    owner = Client()
    assert login_from(owner, user.email, PASSWORD, remote="192.0.2.10").status_code == 302
    assert owner.get(reverse("home")).context["user"] == user


def test_failures_against_one_account_do_not_lock_another_from_the_same_address(user, settings):
    colleague = User.objects.create_user("ben@kommune.example", PASSWORD, full_name="Ben")
    fail_until_locked(user.email, settings, remote="192.0.2.10")
    response = login_from(Client(), colleague.email, PASSWORD, remote="192.0.2.10")
    assert response.status_code == 302


def test_one_address_is_locked_at_its_own_higher_limit(user, settings):
    settings.WIR_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 8
    client = Client()
    for n in range(8):
        login_from(client, f"unbekannt{n}@x.example", "falsch-falsch-falsch", remote="203.0.113.9")
    # Now every account is locked from that address, also with the right password ...
    assert login_from(client, user.email, PASSWORD, remote="203.0.113.9").status_code == 429
    # ... but not from elsewhere.
    assert login_from(Client(), user.email, PASSWORD, remote="192.0.2.10").status_code == 302


def test_a_successful_login_does_not_reset_the_count_of_the_address(user, settings):
    settings.WIR_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 6
    client = Client()
    for n in range(5):
        login_from(client, f"opfer{n}@x.example", "falsch-falsch-falsch", remote="203.0.113.9")
    assert login_from(Client(), user.email, PASSWORD, remote="203.0.113.9").status_code == 302
    login_from(client, "opfer9@x.example", "falsch-falsch-falsch", remote="203.0.113.9")
    assert login_from(Client(), user.email, PASSWORD, remote="203.0.113.9").status_code == 429


def test_behind_the_proxy_each_client_is_locked_on_its_own(user, settings):
    """The compose deployment: every request comes from the proxy's address; the proxy
    appends the real client to X-Forwarded-For (anything before it the client may forge)."""
    settings.WIR_TRUSTED_PROXY_COUNT = 1
    proxy = "172.18.0.5"
    fail_until_locked(user.email, settings, remote=proxy, forwarded="1.2.3.4, 198.51.100.66")
    assert (
        login_from(Client(), user.email, PASSWORD, remote=proxy, forwarded="198.51.100.66")
    ).status_code == 429
    # A forged left-hand entry does not make the attacker someone else.
    assert (
        login_from(
            Client(), user.email, PASSWORD, remote=proxy, forwarded="192.0.2.10, 198.51.100.66"
        )
    ).status_code == 429
    # The owner, behind the same proxy, logs in.
    owner = Client()
    response = login_from(owner, user.email, PASSWORD, remote=proxy, forwarded="192.0.2.10")
    assert response.status_code == 302
    event = LoginEvent.objects.filter(user=user, kind=LoginEventKind.LOGIN).latest("id")
    assert event.ip_address == "192.0.2.10"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(user, settings):
    settings.WIR_TRUSTED_PROXY_COUNT = 0
    fail_until_locked(user.email, settings, remote="198.51.100.66", forwarded="192.0.2.1")
    response = login_from(
        Client(), user.email, PASSWORD, remote="198.51.100.66", forwarded="192.0.2.99"
    )
    assert response.status_code == 429
