import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User

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
