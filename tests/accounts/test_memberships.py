import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import JoinRequest, JoinRequestStatus, User
from accounts.services import join_request_decide
from municipalities.models import Membership
from tests.accounts.factories import login_verified
from tests.factories import (
    AdminFactory,
    CaseOfficerFactory,
    JoinRequestFactory,
    MunicipalStaffFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client):
    user = MunicipalStaffFactory(full_name="Lea Lorsch")
    login_verified(client, user)
    return user


def test_staff_asks_to_join_a_municipality(client, applicant, municipality):
    assert client.get(reverse("accounts:join_request_create")).status_code == 200
    response = client.post(
        reverse("accounts:join_request_create"), {"municipality": municipality.pk}
    )
    assert response.status_code == 302
    request_ = JoinRequest.objects.get()
    assert (request_.user, request_.municipality, request_.status) == (
        applicant,
        municipality,
        JoinRequestStatus.PENDING,
    )
    # A second open request for the same municipality is refused with a message.
    response = client.post(
        reverse("accounts:join_request_create"), {"municipality": municipality.pk}
    )
    assert response.status_code == 200
    assert "bereits eine offene Anfrage" in response.content.decode()
    assert JoinRequest.objects.count() == 1


def test_members_cannot_ask_again(client, applicant, municipality):
    Membership.objects.create(user=applicant, municipality=municipality)
    response = client.post(
        reverse("accounts:join_request_create"), {"municipality": municipality.pk}
    )
    assert "bereits an" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_rp_roles_do_not_join_municipalities(client):
    login_verified(client, CaseOfficerFactory())
    assert client.get(reverse("accounts:join_request_create")).status_code == 403


@pytest.mark.parametrize("decider", ["member", "admin"])
@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_member_or_admin_decides(client, municipality, decider, decision):
    join_request = JoinRequestFactory(municipality=municipality)
    actor = staff_for(municipality) if decider == "member" else AdminFactory()
    login_verified(client, actor)
    page = client.get(reverse("accounts:join_request_list"))
    assert join_request.user.email in page.content.decode()
    response = client.post(
        reverse("accounts:join_request_decide", args=[join_request.pk]), {"decision": decision}
    )
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == (
        JoinRequestStatus.APPROVED if decision == "approve" else JoinRequestStatus.REFUSED
    )
    assert join_request.decided_by == actor and join_request.decided_at
    is_member = Membership.objects.filter(
        user=join_request.user, municipality=municipality
    ).exists()
    assert is_member == (decision == "approve")


def test_the_requester_is_told_by_mail(municipality, django_capture_on_commit_callbacks, published):
    join_request = JoinRequestFactory(municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        join_request_decide(join_request=join_request, actor=AdminFactory(), approve=True)
    assert mail.outbox == []  # owed through the outbox, sent by a worker
    published.run()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [join_request.user.email]
    assert "angenommen" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "stranger",
    ["staff_of_another", "case_officer", "requester_self"],
)
def test_strangers_cannot_decide(client, municipality, other_municipality, stranger):
    join_request = JoinRequestFactory(municipality=municipality)
    actor = {
        "staff_of_another": lambda: staff_for(other_municipality),
        "case_officer": CaseOfficerFactory,
        "requester_self": lambda: join_request.user,
    }[stranger]()
    login_verified(client, actor)
    assert (
        join_request.user.email
        not in client.get(reverse("accounts:join_request_list"))
        .content.decode()
        .split("Meine Anfragen")[0]
    )
    response = client.post(
        reverse("accounts:join_request_decide", args=[join_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.PENDING
    assert not Membership.objects.filter(user=join_request.user).exists()


def test_a_decided_request_cannot_be_decided_again(client, municipality):
    join_request = JoinRequestFactory(municipality=municipality)
    member = staff_for(municipality)
    login_verified(client, member)
    url = reverse("accounts:join_request_decide", args=[join_request.pk])
    client.post(url, {"decision": "refuse"})
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert not Membership.objects.filter(user=join_request.user).exists()


def test_member_leaves_a_municipality(client, applicant, municipality, other_municipality):
    mine = Membership.objects.create(user=applicant, municipality=municipality)
    Membership.objects.create(user=applicant, municipality=other_municipality)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Heppenheim (Bergstraße) verlassen" in page
    response = client.post(reverse("accounts:membership_leave", args=[mine.pk]))
    assert response.status_code == 302
    assert list(applicant.memberships.values_list("municipality", flat=True)) == [
        other_municipality.pk
    ]


def test_nobody_ends_someone_elses_membership(client, applicant, municipality):
    other = staff_for(municipality)
    membership = other.memberships.get()
    response = client.post(reverse("accounts:membership_leave", args=[membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_deactivates_an_account_in_the_django_admin(client):
    admin = AdminFactory(is_staff=True, is_superuser=True)
    person = MunicipalStaffFactory()
    login_verified(client, admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert User.objects.filter(pk=person.pk).exists()  # history kept, never deleted
    # Nobody can delete accounts, not even a superuser.
    response = client.get(reverse("admin:accounts_user_delete", args=[person.pk]))
    assert response.status_code == 403


def test_a_deactivated_person_is_logged_out_and_cannot_log_in(client):
    person = MunicipalStaffFactory(email="weg@x.example")
    login_verified(client, person)
    assert client.get(reverse("accounts:profile")).status_code == 200
    User.objects.filter(pk=person.pk).update(is_active=False)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": "geheimes-passwort-123"}
    )
    assert response.status_code == 200
