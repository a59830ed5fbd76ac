"""An approval made while the queue (Redis) is down: the decision is saved, the page answers,
and the decision letter follows once the queue is back (the outbox, core/outbox.py)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.workflow import Status
from core import outbox
from core.models import OutboxMessage
from documents.models import DocumentKind, GeneratedDocument
from reviews import services

from .conftest import assign_and_declare, score_all

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_approval_during_a_redis_outage_then_the_letter_follows(
    client, login, case_officer, reviewer, in_review, criteria, private_redis
):
    score_all(assign_and_declare(in_review, reviewer, case_officer), reviewer, criteria, 8)
    services.application_mark_ready(application=in_review, user=case_officer)
    OutboxMessage.objects.all().delete()  # mails owed by the steps before are not the point
    login(client, case_officer)
    private_redis.stop()  # the queue is down

    url = reverse("reviews:decision", args=[in_review.pk])
    # the confirmed approval (issue 9.15); 16,000 of a larger gap: own funds are raised (9.4)
    response = client.post(
        url,
        {
            "approve-granted_amount": "16.000",
            "approve-financing_adjustment": "raise_own_funds",
            "approve": "1",
            "confirm": "1",
        },
    )

    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.APPROVED
    (owed,) = OutboxMessage.objects.owed()
    assert (owed.task_name, owed.args, owed.sent_at) == (
        "documents.render_decision_letter",
        [in_review.pk],
        None,
    )
    assert not GeneratedDocument.objects.filter(kind=DocumentKind.DECISION).exists()

    private_redis.start()
    worker = private_redis.worker()
    assert outbox.outbox_flush(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    assert wait_for(
        lambda: OutboxMessage.objects.filter(pk=owed.pk, done_at__isnull=False).exists()
    ), worker.log.read_text()[-3000:]
    letter = GeneratedDocument.objects.get(application=in_review, kind=DocumentKind.DECISION)
    assert letter.filename.endswith(".pdf") and letter.size > 0
