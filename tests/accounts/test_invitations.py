import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role, User
from municipalities.models import Membership
from tests.accounts.factories import login_verified
from tests.factories import AdminFactory, MunicipalStaffFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ein-langes-neues-Passwort-7"


@pytest.fixture
def admin_client(client):
    admin = AdminFactory(full_name="Ada Administration")
    login_verified(client, admin)
    client.admin = admin
    return client


def invite(client, **data):
    return client.post(reverse("accounts:invitation_list"), data)


def link_from_mail() -> str:
    return re.search(r"http://testserver(/konto/einladung/\S+/)", mail.outbox[-1].body).group(1)


def test_admin_invites_a_case_officer_who_sets_a_password(admin_client, client):
    response = invite(admin_client, email="Neu@RP-DA.example", role=Role.CASE_OFFICER)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "neu@rp-da.example"
    assert invitation.invited_by == admin_client.admin
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["neu@rp-da.example"]
    assert "Sachbearbeitung RP Darmstadt" in mail.outbox[0].body
    link = link_from_mail()
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only a hash of the token is stored.
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64

    admin_client.post(reverse("accounts:logout"))
    response = client.get(link)
    assert response.status_code == 200
    assert "Einladung annehmen" in response.content.decode()
    response = client.post(
        link, {"full_name": "Nina Neu", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    user = User.objects.get(email="neu@rp-da.example")
    assert user.role == Role.CASE_OFFICER and user.full_name == "Nina Neu" and user.is_active
    assert user.check_password(NEW_PASSWORD) and user.email_confirmed_at
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.accepted_user == user
    # A case officer must set up the second factor before anything else.
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor_setup")


def test_invitation_of_municipal_staff_creates_the_membership(admin_client, client, municipality):
    response = invite(
        admin_client, email="kim@heppenheim.example", role=Role.MUNICIPAL_STAFF,
        municipality=municipality.pk,
    )  # fmt: skip
    assert response.status_code == 302
    link = link_from_mail()
    admin_client.post(reverse("accounts:logout"))
    response = client.post(
        link, {"full_name": "Kim Kommune", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    user = User.objects.get(email="kim@heppenheim.example")
    assert Membership.objects.filter(user=user, municipality=municipality).exists()


def test_municipal_staff_invitation_needs_a_municipality(admin_client):
    response = invite(admin_client, email="kim@x.example", role=Role.MUNICIPAL_STAFF)
    assert response.status_code == 200
    assert "Bitte wählen Sie die Kommune" in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def test_no_invitation_for_an_existing_account(admin_client):
    MunicipalStaffFactory(email="da@x.example")
    response = invite(admin_client, email="DA@x.example", role=Role.REVIEWER)
    assert response.status_code == 200
    assert "gibt es bereits ein Konto" in response.content.decode()
    assert not Invitation.objects.exists()


def test_only_admins_invite(client):
    login_verified(client, MunicipalStaffFactory())
    assert client.get(reverse("accounts:invitation_list")).status_code == 403
    assert invite(client, email="x@x.example", role=Role.ADMIN).status_code == 403
    assert not Invitation.objects.exists()


def test_expired_invitation_gives_a_clear_german_message(admin_client, client):
    invite(admin_client, email="spaet@x.example", role=Role.REVIEWER)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    link = link_from_mail()
    admin_client.post(reverse("accounts:logout"))
    response = client.get(link)
    assert response.status_code == 410
    assert "Dieser Link ist abgelaufen." in response.content.decode()
    response = client.post(
        link, {"full_name": "Zu Spät", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="spaet@x.example").exists()


def test_used_invitation_cannot_be_used_again(admin_client, client):
    invite(admin_client, email="einmal@x.example", role=Role.REVIEWER)
    link = link_from_mail()
    admin_client.post(reverse("accounts:logout"))
    data = {"full_name": "Eva Einmal", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(link, data).status_code == 302
    client.post(reverse("accounts:logout"))
    response = client.get(link)
    assert response.status_code == 410
    assert "Dieser Link wurde bereits verwendet." in response.content.decode()
    assert client.post(link, {**data, "full_name": "Mallory"}).status_code == 410
    assert User.objects.get(email="einmal@x.example").full_name == "Eva Einmal"


def test_unknown_token_is_refused(client):
    response = client.get(reverse("accounts:invitation_accept", args=["nicht-echt"]))
    assert response.status_code == 410
    assert "Dieser Link ist ungültig." in response.content.decode()


def test_a_new_invitation_replaces_the_open_one(admin_client):
    invite(admin_client, email="zweimal@x.example", role=Role.REVIEWER)
    first = link_from_mail()
    invite(admin_client, email="zweimal@x.example", role=Role.CASE_OFFICER)
    admin_client.post(reverse("accounts:logout"))
    assert admin_client.get(first).status_code == 410
    assert admin_client.get(link_from_mail()).status_code == 200


@pytest.mark.parametrize(
    "password, message",
    [
        ("kurz-1A", "zu kurz"),
        ("123456789012345", "komplett numerisch"),
        ("password1234", "zu üblich"),
    ],
)
def test_password_rules(admin_client, client, password, message):
    invite(admin_client, email="regeln@x.example", role=Role.REVIEWER)
    link = link_from_mail()
    admin_client.post(reverse("accounts:logout"))
    response = client.post(
        link, {"full_name": "Rita Regel", "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="regeln@x.example").exists()
