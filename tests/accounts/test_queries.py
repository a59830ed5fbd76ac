"""The account pages with lists (invitations, join requests, the profile's memberships) and the
admin's lists of accounts cost the same number of queries with 2 rows as with 20
(``assert_constant_queries``, tests/queries.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import login_verified
from tests.factories import (
    AdminFactory,
    InvitationFactory,
    JoinRequestFactory,
    LoginEventFactory,
    MembershipFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def test_invitation_list(client, assert_constant_queries):
    admin = AdminFactory()

    def make_rows(n):
        InvitationFactory.create_batch(n, invited_by=admin)
        InvitationFactory.create_batch(n, role=Role.REVIEWER, municipality=None)

    login_verified(client, admin)
    assert_constant_queries(reverse("accounts:invitation_list"), make_rows=make_rows, client=client)


@pytest.mark.parametrize("url_name", ["join_request_list", "profile"])
def test_memberships_and_join_requests(client, municipality, assert_constant_queries, url_name):
    """Requests to decide (for a member of the municipality), one's own requests and
    memberships."""
    member = staff_for(municipality)

    def make_rows(n):
        JoinRequestFactory.create_batch(n, municipality=municipality)
        JoinRequestFactory.create_batch(n, user=member)
        MembershipFactory.create_batch(n, user=member)

    login_verified(client, member)
    assert_constant_queries(reverse(f"accounts:{url_name}"), make_rows=make_rows, client=client)


def _admin_rows(model: str):
    return {
        "user": lambda n: [staff_for(MunicipalityFactory()) for _ in range(n)],
        "loginevent": lambda n: LoginEventFactory.create_batch(n),
        "invitation": lambda n: InvitationFactory.create_batch(n),
        "joinrequest": lambda n: JoinRequestFactory.create_batch(n),
    }[model]


@pytest.mark.parametrize("model", ["user", "loginevent", "invitation", "joinrequest"])
def test_admin_changelists(client, assert_constant_queries, model):
    login_verified(client, AdminFactory(is_superuser=True, is_staff=True))
    assert_constant_queries(
        reverse(f"admin:accounts_{model}_changelist"), make_rows=_admin_rows(model), client=client
    )
