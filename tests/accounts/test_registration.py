import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import tasks
from accounts.models import Role, User
from tests.factories import MunicipalStaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kommune-Passwort-2024"
INTRUDER_PASSWORD = "Eindringling-Passwort-66"


class MailQueue(list):
    """The registration mails the outbox handed to the queue (their args), and how many
    mails had gone out at each hand-over."""

    def __init__(self):
        super().__init__()
        self.mails_before: list[int] = []

    def clear(self):
        super().clear()
        self.mails_before.clear()


@pytest.fixture(autouse=True)
def mail_queue(monkeypatch):
    """The registration mail is owed through the outbox and sent by a Celery task; here the
    task runs in the test process when the outbox hands it over, and every hand-over is
    recorded."""
    queued = MailQueue()

    def publish(name, args, task_id):
        assert name == "accounts.send_registration_mail"
        queued.mails_before.append(len(mail.outbox))
        queued.append(tuple(args))
        tasks.send_registration_mail.apply(args, task_id=task_id)

    monkeypatch.setattr("core.outbox.publish", publish)
    return queued


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    def post(email="lea@birkenau.example", name="Lea Lorsch", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("accounts:register"), {"email": email, "full_name": name, **extra}
            )

    return post


def confirm_link() -> str:
    pattern = r"http://testserver(/konto/registrieren/bestaetigen/\S+/)"
    return re.search(pattern, mail.outbox[-1].body).group(1)


def confirm(client, link, password=PASSWORD, name="Lea Lorsch", password2=None):
    return client.post(
        link, {"full_name": name, "password1": password, "password2": password2 or password}
    )


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_registration_needs_the_confirmation_link(client, register):
    response = register()
    assert response.status_code == 302 and response.url == reverse("accounts:register_done")
    user = User.objects.get(email="lea@birkenau.example")
    assert user.role == Role.MUNICIPAL_STAFF and not user.is_active and not user.email_confirmed_at
    assert not user.has_usable_password()
    assert mail.outbox[0].subject == "WIR-Portal: Bitte bestätigen Sie Ihre E-Mail-Adresse"

    link = confirm_link()
    # GET only shows the form (mail scanners follow links), POST confirms.
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "lea@birkenau.example" in html and 'name="password1"' in html
    user.refresh_from_db()
    assert not user.is_active
    response = confirm(client, link)
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at and user.full_name == "Lea Lorsch"
    assert login(client, user.email, PASSWORD).status_code == 302
    # Municipal staff need no second factor.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_pre_registration_does_not_take_over_the_account(client, register):
    """Issue 10.4: someone registers Lea's address (even sending a password along) and never
    confirms; Lea registers, confirms with her password; only her password logs in."""
    register(name="Eindringling", password1=INTRUDER_PASSWORD, password2=INTRUDER_PASSWORD)
    register(password1=PASSWORD, password2=PASSWORD)
    assert User.objects.filter(email="lea@birkenau.example").count() == 1
    assert len(mail.outbox) == 2 and all("bestaetigen" in m.body for m in mail.outbox)
    link = confirm_link()
    assert 'value="Eindringling"' in client.get(link).content.decode()  # she can correct it
    assert confirm(client, link, name="Lea Lorsch").status_code == 302
    user = User.objects.get(email="lea@birkenau.example")
    assert user.full_name == "Lea Lorsch"
    assert login(Client(), user.email, INTRUDER_PASSWORD).status_code == 200
    assert login(Client(), user.email, PASSWORD).status_code == 302


def test_confirming_replaces_a_password_set_before_the_confirmation():
    """An unconfirmed account from before this rule, with the first registrant's password:
    following the link sets the password of the person who reads the mail."""
    user = User.objects.create_user(
        "lea@birkenau.example", INTRUDER_PASSWORD, is_active=False, email_confirmed_at=None
    )
    from accounts.services import _registration_token

    link = reverse("accounts:register_confirm", args=[_registration_token(user)])
    client = Client()
    assert confirm(client, link).status_code == 302
    assert login(Client(), user.email, INTRUDER_PASSWORD).status_code == 200
    assert login(Client(), user.email, PASSWORD).status_code == 302


def test_two_factor_setup_needs_a_confirmed_address(client):
    user = MunicipalStaffFactory(email_confirmed_at=None)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 403
    assert "erst eingerichtet werden, wenn Ihre E-Mail-Adresse bestätigt ist" in (
        response.content.decode()
    )
    assert client.post(reverse("accounts:two_factor_setup"), {"token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_registration_does_the_same_work_for_new_and_known_addresses(
    register, mail_queue, monkeypatch
):
    """Issue 10.6: the answer must not tell whether the address has an account, not even by
    its time. Every path hashes no password and hands exactly one mail to the queue after the
    commit; none sends a mail while the request waits."""
    MunicipalStaffFactory(email="bekannt@x.example")
    User.objects.create_user("offen@x.example", None, is_active=False, email_confirmed_at=None)
    hashed = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *a: hashed.append(a) or original(self, *a)
    )
    sent_during_request = []

    work = {}
    for email in ("neu@x.example", "offen@x.example", "bekannt@x.example"):
        hashed.clear()
        mail_queue.clear()
        before = len(mail.outbox)
        response = register(email=email, password1=PASSWORD, password2=PASSWORD)
        assert response.status_code == 302 and response.url == reverse("accounts:register_done")
        work[email] = (len(hashed), len(mail_queue), len(mail.outbox) - before)
        sent_during_request.extend(mail_queue.mails_before)
    assert work == {
        "neu@x.example": (0, 1, 1),
        "offen@x.example": (0, 1, 1),
        "bekannt@x.example": (0, 1, 1),
    }
    # No mail had gone out before the task was enqueued, i.e. none in the request itself.
    assert sent_during_request == [0, 1, 2]
    assert [m.subject for m in mail.outbox] == [
        "WIR-Portal: Bitte bestätigen Sie Ihre E-Mail-Adresse",
        "WIR-Portal: Bitte bestätigen Sie Ihre E-Mail-Adresse",
        "WIR-Portal: Sie haben bereits ein Konto",
    ]


def test_confirmation_link_works_once(client, register):
    register()
    link = confirm_link()
    confirm(client, link)
    response = confirm(Client(), link, password="Noch-ein-Passwort-77")
    assert response.status_code == 410
    assert "bereits bestätigt" in response.content.decode()
    assert login(Client(), "lea@birkenau.example", PASSWORD).status_code == 302


def test_expired_or_forged_confirmation_link(client, register):
    register()
    link = confirm_link()
    with override_settings(WIR_REGISTRATION_CONFIRM_DAYS=-1):
        response = confirm(client, link)
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()
    response = confirm(client, link[:-5] + "XXXX/")
    assert response.status_code == 410 and "ungültig" in response.content.decode()
    assert not User.objects.get(email="lea@birkenau.example").is_active


def test_a_deactivated_account_is_not_reactivated_by_an_old_link(client, register):
    register()
    link = confirm_link()
    confirm(client, link)
    User.objects.filter(email="lea@birkenau.example").update(is_active=False)
    assert confirm(Client(), link).status_code == 410
    assert not User.objects.get(email="lea@birkenau.example").is_active


def test_registering_a_known_address_reveals_nothing_and_changes_nothing(register):
    existing = MunicipalStaffFactory(email="da@x.example")
    old_hash = existing.password
    response = register(email="DA@x.example", name="Jemand anderes")
    assert response.status_code == 302 and response.url == reverse("accounts:register_done")
    existing.refresh_from_db()
    assert existing.password == old_hash and existing.full_name != "Jemand anderes"
    assert User.objects.filter(email__iexact="da@x.example").count() == 1
    assert mail.outbox[0].subject == "WIR-Portal: Sie haben bereits ein Konto"


def test_weak_password_is_refused_at_the_confirmation(client, register):
    register()
    response = confirm(client, confirm_link(), password="kurz")
    assert response.status_code == 200
    assert "zu kurz" in response.content.decode()
    assert not User.objects.get(email="lea@birkenau.example").is_active


def test_mismatched_passwords(client, register):
    register()
    response = confirm(client, confirm_link(), password2=PASSWORD + "x")
    assert "stimmen nicht überein" in response.content.decode()
    assert not User.objects.get(email="lea@birkenau.example").is_active


def test_registration_form_asks_no_password(client):
    html = client.get(reverse("accounts:register")).content.decode()
    assert 'name="email"' in html and 'name="password1"' not in html
