"""The review mails are sent once through core.mail.mail_once, keyed by what they are about.
Mails sent before that kept their mark on the row (applicant_notified_at,
case_officer_notified_at) or as a "mail_sent" event; they get their SentMail mark here, so a
task that is delivered again after the upgrade does not send them a second time."""

from django.db import migrations


def mark_sent_mails(apps, schema_editor):
    SentMail = apps.get_model("core", "SentMail")
    FormalCheck = apps.get_model("reviews", "FormalCheck")
    Assignment = apps.get_model("reviews", "Assignment")
    ApplicationEvent = apps.get_model("applications", "ApplicationEvent")
    marks = [
        SentMail(key=f"reviews.item_request:{pk}", sent_at=at)
        for pk, at in FormalCheck.objects.filter(applicant_notified_at__isnull=False).values_list(
            "pk", "applicant_notified_at"
        )
    ]
    marks += [
        SentMail(key=f"reviews.conflict:{pk}", sent_at=at)
        for pk, at in Assignment.objects.filter(case_officer_notified_at__isnull=False).values_list(
            "pk", "case_officer_notified_at"
        )
    ]
    marks += [
        SentMail(key=f"reviews.decision:{application_id}", sent_at=at)
        for application_id, at in ApplicationEvent.objects.filter(
            action="mail_sent", data__kind="decision"
        ).values_list("application_id", "created_at")
    ]
    SentMail.objects.bulk_create(marks, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("core", "0002_sent_mail"),
    ]

    operations = [
        migrations.RunPython(mark_sent_mails, migrations.RunPython.noop, elidable=True),
    ]
