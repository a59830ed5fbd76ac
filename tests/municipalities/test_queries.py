"""The public register and the admin's lists of municipalities and memberships cost the same
number of queries with 2 rows as with 20 (``assert_constant_queries``, tests/queries.py)."""

from __future__ import annotations

import factory
import pytest
from django.urls import reverse

from tests.accounts.factories import login_verified
from tests.factories import AdminFactory, MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["", "?groesse=lt10k", "?q=Muster&regierungsbezirk=Darmstadt"])
def test_register(client, assert_constant_queries, query):
    def make_rows(n):  # each in a Kreis of its own, so the filter's choices grow too
        MunicipalityFactory.create_batch(
            n, population=5_000, kreis=factory.Sequence(lambda i: f"Kreis {i}")
        )

    assert_constant_queries(
        reverse("municipalities:list") + query, make_rows=make_rows, client=client
    )


@pytest.mark.parametrize(
    "model, make",
    [
        ("municipality", lambda n: MunicipalityFactory.create_batch(n)),
        ("membership", lambda n: MembershipFactory.create_batch(n)),
    ],
)
def test_admin_changelists(client, assert_constant_queries, model, make):
    login_verified(client, AdminFactory(is_superuser=True, is_staff=True))
    assert_constant_queries(
        reverse(f"admin:municipalities_{model}_changelist"), make_rows=make, client=client
    )
