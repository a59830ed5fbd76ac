"""Receipts and bundle mails are sent once through core.mail.mail_once. Receipts stored before
that were mailed when they were stored, and finished bundle jobs had their mail; they get
their SentMail mark here, so a task delivered again after the upgrade does not mail twice."""

from django.db import migrations


def mark_sent_mails(apps, schema_editor):
    SentMail = apps.get_model("core", "SentMail")
    GeneratedDocument = apps.get_model("documents", "GeneratedDocument")
    BundleJob = apps.get_model("documents", "BundleJob")
    marks = [
        SentMail(key=f"documents.receipt:{application_id}:{version}", sent_at=at)
        for application_id, version, at in GeneratedDocument.objects.filter(
            kind="receipt"
        ).values_list("application_id", "version", "created_at")
    ]
    marks += [
        SentMail(key=f"documents.bundle:{pk}:{status}", sent_at=at)
        for pk, status, at in BundleJob.objects.filter(
            status__in=("done", "failed"), finished_at__isnull=False
        ).values_list("pk", "status", "finished_at")
    ]
    SentMail.objects.bulk_create(marks, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_outbox_task_names"),
        ("core", "0002_sent_mail"),
    ]

    operations = [migrations.RunPython(mark_sent_mails, migrations.RunPython.noop)]
