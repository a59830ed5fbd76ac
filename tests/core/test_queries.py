"""The admin's list of the outbox (tasks owed and why they failed) costs the same number of
queries with 2 rows as with 20 (``assert_constant_queries``, tests/queries.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import OutboxMessage
from tests.accounts.factories import login_verified
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def test_outbox_changelist(client, assert_constant_queries):
    def make_rows(n):
        OutboxMessage.objects.bulk_create(
            OutboxMessage(task_name=f"documents.render_receipt_{i % 3}", args=[i]) for i in range(n)
        )

    login_verified(client, AdminFactory(is_superuser=True, is_staff=True))
    response = assert_constant_queries(
        reverse("admin:core_outboxmessage_changelist"), make_rows=make_rows, client=client
    )
    assert response.context["cl"].result_count == 20
