"""The documents box of an application (the htmx partial, also part of the status page)
costs the same number of queries with 2 documents as with 20 (``assert_constant_queries``,
tests/queries.py): receipts of each Nachreichung and decision letters are kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.workflow import Status
from documents.models import DocumentKind, GeneratedDocument
from tests.factories import ApplicationFactory, staff_for

pytestmark = pytest.mark.django_db


def test_documents_box(client, assert_constant_queries):
    application = ApplicationFactory(status=Status.SUBMITTED, reference="KIV-T-2026-0001")
    versions = iter(range(1, 100))

    def make_rows(n):
        for _ in range(n):
            version = next(versions)
            for kind in (DocumentKind.RECEIPT, DocumentKind.DECISION):
                GeneratedDocument.objects.create(
                    application=application,
                    kind=kind,
                    version=version,
                    file=f"documents/{kind}-{version}.pdf",
                    filename=f"{kind}-{version}.pdf",
                    size=1000,
                )

    client.force_login(staff_for(application.lead_municipality))
    response = assert_constant_queries(
        reverse("documents:documents", args=[application.pk]), make_rows=make_rows, client=client
    )
    assert len(response.context["documents"]) == 40
