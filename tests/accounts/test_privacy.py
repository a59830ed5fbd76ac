import json

import pytest
from django.urls import reverse

from accounts.models import JoinRequest, LoginEvent, LoginEventKind, User
from accounts.privacy import export_user_data, register_exporter, registered_exporters
from accounts.services import login_event_record, user_anonymise
from municipalities.models import Membership
from tests.accounts.factories import PASSWORD, login_verified, totp_device
from tests.factories import AdminFactory, JoinRequestFactory, MunicipalStaffFactory, staff_for

pytestmark = pytest.mark.django_db


def test_my_data_export_holds_my_data_and_nothing_of_others(
    client, municipality, other_municipality
):
    me = staff_for(municipality, email="ich@x.example", full_name="Ida Ich")
    JoinRequestFactory(user=me, municipality=other_municipality)
    someone = staff_for(municipality, email="andere@x.example", full_name="Otto Other")
    JoinRequestFactory(user=someone, municipality=other_municipality)
    login_event_record(kind=LoginEventKind.LOGIN, request=None, user=someone)
    client.post(
        reverse("accounts:login"), {"username": me.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.4",
    )  # fmt: skip
    assert client.get(reverse("accounts:my_data")).status_code == 200
    response = client.get(reverse("accounts:my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    account = data["konto"]
    assert account["e_mail"] == "ich@x.example" and account["name"] == "Ida Ich"
    assert [m["ags"] for m in account["mitgliedschaften"]] == [municipality.ags]
    assert [r["ags"] for r in account["beitrittsanfragen"]] == [other_municipality.ags]
    assert account["anmeldeereignisse"][0]["ip_adresse"] == "198.51.100.4"
    text = response.content.decode()
    assert "andere@x.example" not in text and "Otto Other" not in text
    assert PASSWORD not in text and me.password not in text


def test_other_apps_contribute_through_the_registry():
    user = MunicipalStaffFactory()

    @register_exporter("test_teil")
    def export_part(u):
        return {"id": u.pk}

    try:
        assert export_user_data(user)["test_teil"] == {"id": user.pk}
    finally:
        from accounts import privacy

        privacy._exporters.pop("test_teil")
    assert "test_teil" not in registered_exporters()


def test_anonymisation_keeps_related_rows_and_shows_ehemalige_person(municipality):
    admin = AdminFactory()
    person = staff_for(municipality, email="weg@x.example", full_name="Wilma Weg")
    totp_device(person, recovery=True)
    request_ = JoinRequestFactory(user=person)
    decided = JoinRequestFactory(municipality=municipality)
    decided.status, decided.decided_by = "approved", person
    decided.decided_at = decided.created_at
    decided.save()
    event = login_event_record(kind=LoginEventKind.LOGIN, request=None, user=person)
    LoginEvent.objects.filter(pk=event.pk).update(ip_address="192.0.2.1", user_agent="X")

    user_anonymise(user=person, actor=admin)

    person.refresh_from_db()
    assert str(person) == "ehemalige Person" and person.get_full_name() == "ehemalige Person"
    assert person.email != "weg@x.example" and person.email.endswith(".invalid")
    assert not person.has_usable_password() and not person.is_active and person.anonymised_at
    assert not Membership.objects.filter(user=person).exists()
    # Related rows stay and still point to the person.
    assert JoinRequest.objects.get(pk=request_.pk).user == person
    assert JoinRequest.objects.get(pk=decided.pk).decided_by == person
    event.refresh_from_db()
    assert event.user == person and event.email == "" and event.ip_address is None
    assert not User.objects.filter(email="weg@x.example").exists()
    assert str(JoinRequest.objects.get(pk=request_.pk)).startswith("ehemalige Person")


def test_two_anonymised_people_get_distinct_placeholders():
    admin = AdminFactory()
    a, b = MunicipalStaffFactory(), MunicipalStaffFactory()
    user_anonymise(user=a, actor=admin)
    user_anonymise(user=b, actor=admin)
    a.refresh_from_db(), b.refresh_from_db()
    assert a.email != b.email


def test_admin_action_asks_for_confirmation_first(client):
    admin = AdminFactory(is_staff=True, is_superuser=True)
    person = MunicipalStaffFactory(full_name="Wilma Weg")
    login_verified(client, admin)
    url = reverse("admin:accounts_user_changelist")
    response = client.post(url, {"action": "anonymise_users", "_selected_action": [person.pk]})
    assert response.status_code == 200
    assert "Ja, anonymisieren" in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Wilma Weg"
    response = client.post(
        url, {"action": "anonymise_users", "_selected_action": [person.pk], "confirm": "yes"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert str(person) == "ehemalige Person" and person.anonymised_at


def test_only_admins_anonymise():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_anonymise(user=MunicipalStaffFactory(), actor=MunicipalStaffFactory())
