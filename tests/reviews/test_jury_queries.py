"""The jury's page of one application (the content read-only, the scoring form) costs the same
number of queries with 2 cost lines, attachments and events as with 20
(``assert_constant_queries``, tests/queries.py). The jury's list is in test_queries.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ApplicationEventFactory, AttachmentFactory, CostLineFactory

from .conftest import assign_and_declare

pytestmark = pytest.mark.django_db


def test_jury_review_page(
    client, login, in_review, reviewer, case_officer, assert_constant_queries
):
    assign_and_declare(in_review, reviewer, case_officer)

    def make_rows(n):
        for _ in range(n):
            CostLineFactory(application=in_review)
            AttachmentFactory(application=in_review)
            ApplicationEventFactory(application=in_review)

    login(client, reviewer)
    response = assert_constant_queries(
        reverse("reviews:jury_review", args=[in_review.pk]), make_rows=make_rows, client=client
    )
    assert response.context["editable"]
