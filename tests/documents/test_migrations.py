"""The documents app took over its four tables from ``applications`` (issue 11): a database
that holds rows in the old tables keeps every one of them, found through the new models."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import OutboxMessage
from documents.models import ApplicationPdfCache, BundleJob, BundleJobPart, GeneratedDocument
from tests.factories import ApplicationFactory, CaseOfficerFactory

BEFORE = [("applications", "0012_answer_length_limits"), ("core", "0001_outbox")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_in_the_old_tables_are_found_through_the_new_models():
    application = ApplicationFactory(complete=True, with_attachments=False)
    officer = CaseOfficerFactory()
    content_type = ContentType.objects.get_for_model(GeneratedDocument)
    try:
        executor = _migrate(BEFORE)  # back to before the move: the applications_* tables
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert "applications_generateddocument" in tables
        assert "documents_generateddocument" not in tables
        old = executor.loader.project_state(BEFORE).apps
        document = old.get_model("applications", "GeneratedDocument").objects.create(
            application_id=application.pk,
            kind="receipt",
            version=2,
            file="applications/1/documents/x_Eingang.pdf",
            filename="Eingangsbestaetigung.pdf",
            size=123,
        )
        job = old.get_model("applications", "BundleJob").objects.create(
            round_id=application.round_id,
            requested_by_id=officer.pk,
            application_ids=[application.pk],
            status="done",
            total=1,
            done=1,
            file="bundles/1/x_Antragsbuendel.pdf",
            filename="Antragsbuendel.pdf",
        )
        cache = old.get_model("applications", "ApplicationPdfCache").objects.create(
            application_id=application.pk,
            content_hash="a" * 64,
            file="bundles/cache/aa/" + "a" * 64 + ".pdf",
            pages=3,
        )
        part = old.get_model("applications", "BundleJobPart").objects.create(
            job_id=job.pk, application_id=application.pk, cache_id=cache.pk, rendered=True
        )
        owed = OutboxMessage.objects.create(
            task_name="applications.render_receipt", args=[application.pk]
        )
        done = OutboxMessage.objects.create(
            task_name="reviews.render_decision_letter", args=[application.pk]
        )
        OutboxMessage.objects.filter(pk=done.pk).update(done_at=document.created_at)
    finally:
        _migrate(_latest())  # forwards: the move itself

    assert GeneratedDocument.objects.get(pk=document.pk).filename == "Eingangsbestaetigung.pdf"
    assert list(application.documents.values_list("pk", flat=True)) == [document.pk]
    assert GeneratedDocument.objects.get(pk=document.pk).label.startswith("Eingangsbestätigung")
    moved_job = BundleJob.objects.get(pk=job.pk)
    assert (moved_job.round_id, moved_job.requested_by, moved_job.is_open) == (
        application.round_id,
        officer,
        False,
    )
    moved_part = BundleJobPart.objects.select_related("job", "cache").get(pk=part.pk)
    assert moved_part.job == moved_job and moved_part.cache.pages == 3
    assert ApplicationPdfCache.objects.get(pk=cache.pk).application == application
    # New rows continue the old tables' ids.
    newer = GeneratedDocument.objects.create(
        application=application, kind="decision", file="x.pdf", filename="Bescheid.pdf"
    )
    assert newer.pk > document.pk
    # Permissions and admin history stay attached: the content type moved with the model.
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(GeneratedDocument).pk == content_type.pk
    # Work still owed under an old task name is owed under the new one.
    assert OutboxMessage.objects.get(pk=owed.pk).task_name == "documents.render_receipt"
    assert OutboxMessage.objects.get(pk=done.pk).task_name == "reviews.render_decision_letter"
