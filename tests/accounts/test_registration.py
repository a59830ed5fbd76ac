import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role, User

from .factories import MunicipalStaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kommune-Passwort-2024"


def register(client, email="lea@birkenau.example", password=PASSWORD, name="Lea Lorsch"):
    return client.post(
        reverse("accounts:register"),
        {"email": email, "full_name": name, "password1": password, "password2": password},
    )


def confirm_link() -> str:
    pattern = r"http://testserver(/konto/registrieren/bestaetigen/\S+/)"
    return re.search(pattern, mail.outbox[-1].body).group(1)


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_registration_needs_the_confirmation_link(client):
    response = register(client)
    assert response.status_code == 302 and response.url == reverse("accounts:register_done")
    user = User.objects.get(email="lea@birkenau.example")
    assert user.role == Role.MUNICIPAL_STAFF and not user.is_active and not user.email_confirmed_at
    assert mail.outbox[0].subject == "WIR-Portal: Bitte bestätigen Sie Ihre E-Mail-Adresse"
    # Before the confirmation the account cannot log in.
    assert login(client, user.email, PASSWORD).status_code == 200

    link = confirm_link()
    # GET only shows a button (mail scanners follow links), POST confirms.
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(link)
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at
    assert login(client, user.email, PASSWORD).status_code == 302
    # Municipal staff need no second factor.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_confirmation_link_works_once(client):
    register(client)
    link = confirm_link()
    client.post(link)
    response = client.post(link)
    assert response.status_code == 410
    assert "bereits bestätigt" in response.content.decode()


def test_expired_or_forged_confirmation_link(client):
    register(client)
    link = confirm_link()
    with override_settings(WIR_REGISTRATION_CONFIRM_DAYS=-1):
        response = client.post(link)
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()
    response = client.post(link[:-5] + "XXXX/")
    assert response.status_code == 410 and "ungültig" in response.content.decode()
    assert not User.objects.get(email="lea@birkenau.example").is_active


def test_a_deactivated_account_is_not_reactivated_by_an_old_link(client):
    register(client)
    link = confirm_link()
    client.post(link)
    User.objects.filter(email="lea@birkenau.example").update(is_active=False)
    assert client.post(link).status_code == 410
    assert not User.objects.get(email="lea@birkenau.example").is_active


def test_registering_a_known_address_reveals_nothing_and_changes_nothing(client):
    existing = MunicipalStaffFactory(email="da@x.example")
    old_hash = existing.password
    response = register(client, email="DA@x.example", password="Ganz-anderes-Passwort-9")
    assert response.status_code == 302 and response.url == reverse("accounts:register_done")
    existing.refresh_from_db()
    assert (
        existing.password == old_hash
        and User.objects.filter(email__iexact="da@x.example").count() == 1
    )
    assert mail.outbox[0].subject == "WIR-Portal: Sie haben bereits ein Konto"


def test_registering_again_before_confirming_resends_the_link_without_new_password(client):
    register(client)
    first_hash = User.objects.get(email="lea@birkenau.example").password
    register(client, password="Angreifer-Passwort-99")
    user = User.objects.get(email="lea@birkenau.example")
    assert user.password == first_hash
    assert len(mail.outbox) == 2 and "bestaetigen" in mail.outbox[1].body


def test_weak_password_is_refused(client):
    response = register(client, password="kurz")
    assert response.status_code == 200
    assert "zu kurz" in response.content.decode()
    assert not User.objects.exists() and mail.outbox == []


def test_mismatched_passwords(client):
    response = client.post(
        reverse("accounts:register"),
        {
            "email": "a@b.example",
            "full_name": "A",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    assert "stimmen nicht überein" in response.content.decode()
    assert not User.objects.exists()
