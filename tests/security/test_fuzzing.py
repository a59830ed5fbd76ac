"""Hypothesis throws hostile input at the accounts forms: very long text, control
characters (NUL included), HTML/script, SQL fragments, odd Unicode. The portal never answers
with a server error, and a request either saves everything it should or nothing."""

from __future__ import annotations

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Invitation, JoinRequest, Role, User
from accounts.services import _registration_token, hash_token
from municipalities.models import Membership
from tests.accounts.factories import PASSWORD, login_verified
from tests.factories import AdminFactory, MunicipalityFactory, MunicipalStaffFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m\r\n\t\x7f",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE accounts_user; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "{{ 7*7 }}{% debug %}",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "\u202eRTL\u200b\ufeff",
    "😀" * 50,
    "x" * 5000,
    "a@b.c" + "d" * 300,
    "Ein-gültiges-Passwort-2024",
]
hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), st.text(max_size=40)),
)
emails = st.one_of(hostile, st.emails().map(str))

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(email=emails, name=hostile, password1=hostile, password2=hostile)
def test_registration(email, name, password1, password2):
    client = Client()
    users = User.objects.count()
    # The mail goes to the queue once the registration is committed.
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(
            reverse("accounts:register"),
            {"email": email, "full_name": name, "password1": password1, "password2": password2},
        )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert User.objects.count() == users and callbacks == []
    else:
        assert len(callbacks) == 1
        assert User.objects.count() in (users, users + 1)
        assert (
            not User.objects.filter(is_active=True, email_confirmed_at__isnull=True)
            .exclude(email__endswith="@example.org")
            .exists()
        )


@FUZZ
@given(name=hostile, password1=hostile, password2=hostile)
def test_registration_confirm(name, password1, password2):
    pending = User.objects.create_user(
        f"offen{User.objects.count()}@x.example", None, is_active=False, email_confirmed_at=None
    )
    response = Client().post(
        reverse("accounts:register_confirm", args=[_registration_token(pending)]),
        {"full_name": name, "password1": password1, "password2": password2},
    )
    assert response.status_code in (200, 302)
    pending.refresh_from_db()
    assert pending.is_active == (response.status_code == 302)
    assert bool(pending.email_confirmed_at) == pending.is_active


@FUZZ
@given(name=hostile, password1=hostile, password2=hostile)
def test_invitation_accept(name, password1, password2):
    admin = User.objects.filter(role=Role.ADMIN).first() or AdminFactory()
    token = f"fuzz-{Invitation.objects.count()}-{timezone.now().timestamp()}"
    invitation = Invitation.objects.create(
        email=f"fuzz{Invitation.objects.count()}@x.example", role=Role.REVIEWER,
        token_hash=hash_token(token), invited_by=admin,
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )  # fmt: skip
    client = Client()
    response = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"full_name": name, "password1": password1, "password2": password2},
    )
    assert response.status_code in (200, 302)
    invitation.refresh_from_db()
    created = User.objects.filter(email=invitation.email).first()
    if response.status_code == 200:
        assert created is None and invitation.accepted_at is None
    else:
        assert created is not None and invitation.accepted_user == created
        assert created.check_password(password1) and created.role == Role.REVIEWER


@FUZZ
@given(value=st.one_of(hostile, st.integers(min_value=-(2**70), max_value=2**70).map(str)))
def test_join_request(value):
    staff = User.objects.filter(email="fuzz-staff@x.example").first() or MunicipalStaffFactory(
        email="fuzz-staff@x.example"
    )
    MunicipalityFactory(ags="06431011")
    client = Client()
    login_verified(client, staff)
    before = JoinRequest.objects.count()
    response = client.post(reverse("accounts:join_request_create"), {"municipality": value})
    assert response.status_code in (200, 302)
    assert JoinRequest.objects.count() == before + (1 if response.status_code == 302 else 0)
    # And the decision endpoint with a hostile decision value.
    if JoinRequest.objects.exists():
        admin = User.objects.filter(role=Role.ADMIN).first() or AdminFactory()
        login_verified(client, admin)
        pending = JoinRequest.objects.filter(status="pending").first()
        if pending:
            memberships = Membership.objects.count()
            response = client.post(
                reverse("accounts:join_request_decide", args=[pending.pk]), {"decision": value}
            )
            assert response.status_code == 400
            pending.refresh_from_db()
            assert pending.status == "pending" and Membership.objects.count() == memberships


@FUZZ
@given(old=st.one_of(st.just(PASSWORD), hostile), new1=hostile, new2=hostile)
def test_password_change(old, new1, new2):
    user = User.objects.filter(email="fuzz-pw@x.example").first() or MunicipalStaffFactory(
        email="fuzz-pw@x.example"
    )
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    login_verified(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code in (200, 302)
    user.refresh_from_db()
    if response.status_code == 302:
        assert old == PASSWORD and new1 == new2 and user.check_password(new1)
    else:
        assert user.check_password(PASSWORD)
