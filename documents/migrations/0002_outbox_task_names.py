"""The tasks that render documents and run bundles were renamed from ``applications.*`` and
``reviews.*`` to ``documents.*``. Work still owed in the outbox under an old name is owed under
the new one, so ``core.outbox_flush`` sends it to a task the workers know."""

from django.db import migrations

RENAMED = {
    "applications.render_receipt": "documents.render_receipt",
    "reviews.render_decision_letter": "documents.render_decision_letter",
    "applications.bundle_start": "documents.bundle_start",
    "applications.bundle_render_application": "documents.bundle_render_application",
    "applications.bundle_merge": "documents.bundle_merge",
    "applications.send_bundle_mail": "documents.send_bundle_mail",
    "applications.bundle_jobs_watch": "documents.bundle_jobs_watch",
}


def _rename(apps, schema_editor, names: dict[str, str]) -> None:
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    messages = OutboxMessage.objects.using(schema_editor.connection.alias)
    for old, new in names.items():
        messages.filter(task_name=old, done_at__isnull=True).update(task_name=new)


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_outbox'),
        ('documents', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
