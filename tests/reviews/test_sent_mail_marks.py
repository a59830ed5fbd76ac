"""Review mails sent before core.mail.mail_once kept their mark on their row or as an event;
migration reviews 0002 gives them their SentMail mark, so a task delivered again after the
upgrade does not send them twice."""

import importlib

from django.apps import apps
from django.utils import timezone

from applications.models import ApplicationEvent, ItemRequest
from core.models import SentMail
from documents.letters import send_decision_mail
from reviews.models import Assignment, CheckOutcome, FormalCheck, ReviewEvent

migration = importlib.import_module("reviews.migrations.0002_sent_mail_marks")


def test_mails_marked_the_old_way_are_not_sent_again(case_officer, reviewer, in_review, mailoutbox):
    now = timezone.now()
    item_request = ItemRequest.objects.create(
        application=in_review,
        message="Bitte reichen Sie den Finanzierungsplan neu ein.",
        sections=["cost_plan"],
        due_date=timezone.localdate(),
        created_by=case_officer,
    )
    check = FormalCheck.objects.create(
        application=in_review,
        outcome=CheckOutcome.ITEMS_REQUESTED,
        item_request=item_request,
        applicant_notified_at=now,
    )
    assignment = Assignment.objects.create(
        application=in_review,
        reviewer=reviewer,
        assigned_by=case_officer,
        status="ended_conflict",
        conflict=True,
        declared_at=now,
        ended_at=now,
        case_officer_notified_at=now,
    )
    ApplicationEvent.objects.create(
        application=in_review,
        action=ReviewEvent.MAIL_SENT,
        data={"kind": "decision", "recipients": []},
        internal=True,
    )

    migration.mark_sent_mails(apps, None)

    assert set(SentMail.objects.values_list("key", flat=True)) == {
        f"reviews.item_request:{check.pk}",
        f"reviews.conflict:{assignment.pk}",
        f"reviews.decision:{in_review.pk}",
    }
    # The decision mail (now the catalogue's "decision", sent from documents) keeps the key.
    assert not send_decision_mail(in_review.pk, content=b"%PDF-1.7", filename="a.pdf")
    assert mailoutbox == []
