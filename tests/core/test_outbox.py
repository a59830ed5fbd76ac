"""The outbox (core/outbox.py): a queue outage delays a receipt or an e-mail, never loses it,
and never turns a successful submission into an error page."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import EventAction
from applications.workflow import Status
from core import outbox
from core.models import OutboxMessage
from documents.models import DocumentKind, GeneratedDocument
from tests.accounts.factories import login_verified
from tests.factories import (
    ApplicationEventFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    staff_for,
)


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


# The mechanism, without a broker ---------------------------------------------------------------
@pytest.mark.django_db
def test_owed_in_the_transaction_sent_after_the_commit(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox.outbox_enqueue("documents.render_receipt", 7)
        assert published == []  # nothing before the commit
    message.refresh_from_db()
    assert published == [("documents.render_receipt", [7], f"outbox-{message.pk}-1")]
    assert message.attempts == 1 and message.sent_at and message.done_at is None


@pytest.mark.django_db
def test_rolled_back_work_is_not_owed(published, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.outbox_enqueue("documents.render_receipt", 7)
        raise RuntimeError
    assert not OutboxMessage.objects.exists() and published == []


@pytest.mark.django_db
def test_broker_down_is_logged_not_raised_and_flush_sends_again(
    monkeypatch, published, caplog, django_capture_on_commit_callbacks
):
    def refuse(name, args, task_id):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("core.outbox.publish", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.outbox_enqueue("reviews.send_conflict_mail", 3)
    message.refresh_from_db()
    assert message.sent_at is None and "Connection refused" in message.last_error
    assert "will be sent again" in caplog.text
    monkeypatch.setattr(
        "core.outbox.publish", lambda name, args, task_id: published.append((name, args, task_id))
    )
    assert outbox.outbox_flush() == 0  # within the grace period: the first try may still run
    assert outbox.outbox_flush(now=later(2)) == 1
    assert published == [("reviews.send_conflict_mail", [3], f"outbox-{message.pk}-2")]
    # handed over: not again until the redelivery period has passed without the task finishing
    assert outbox.outbox_flush(now=later(5)) == 0
    assert outbox.outbox_flush(now=later(20)) == 1


@pytest.mark.django_db
def test_a_successful_task_marks_its_message_done(
    published, settings, django_capture_on_commit_callbacks
):
    settings.WIR_OUTBOX_KEEP_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.outbox_enqueue("core.outbox_flush")
    published.run()  # as a worker would: the task succeeds
    message.refresh_from_db()
    assert message.done_at is not None
    assert outbox.outbox_flush(now=later(60 * 24)) == 0  # done: never sent again
    outbox.outbox_flush(now=later(60 * 24 * 31))
    assert not OutboxMessage.objects.exists()  # done rows are not kept forever


@pytest.mark.django_db
def test_partner_mail_sent_once_however_often_delivered(
    published, mailoutbox, django_capture_on_commit_callbacks
):
    lead = MunicipalityFactory(population=9_000)
    partner_town = MunicipalityFactory(name="Mörlenbach")
    partner_staff = staff_for(partner_town)
    application = ApplicationFactory(lead_municipality=lead)
    ApplicationPartnerFactory(application=application, municipality=partner_town)
    event = ApplicationEventFactory(
        application=application,
        action=EventAction.PARTNER_ADDED,
        data={"municipality": partner_town.pk, "name": partner_town.name},
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.outbox_enqueue("notifications.deliver_event", event.pk)
    (sent,) = published
    published.run()
    published.append(sent)  # the same message delivered again (redelivery, flush)
    published.run()
    assert [m.to for m in mailoutbox] == [[partner_staff.email]]
    message.refresh_from_db()
    assert message.done_at is not None


# A real outage: a Redis of the test's own is stopped and started again -------------------------
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_submission_during_a_redis_outage_succeeds_and_the_receipt_follows(client, private_redis):
    lead = MunicipalityFactory(name="Bensheim", population=20_000)
    staff = staff_for(lead, full_name="Erika Mustermann")
    application = ApplicationFactory(
        round=FundingRoundFactory(), lead_municipality=lead, complete=True, created_by=staff
    )
    login_verified(client, staff)
    private_redis.stop()  # the queue is down

    response = client.post(reverse("applications:check", args=[application.pk]))

    detail = reverse("applications:detail", args=[application.pk])
    confirmation = reverse("applications:submitted", args=[application.pk])
    assert response.status_code == 302 and response["Location"] == confirmation
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.reference
    page = client.get(detail).content.decode()
    assert "Ihr Antrag wurde eingereicht" in page
    assert "Die Eingangsbestätigung wird erstellt" in page
    (owed,) = OutboxMessage.objects.owed()
    assert (owed.task_name, owed.args, owed.sent_at) == (
        "documents.render_receipt",
        [application.pk],
        None,
    )

    private_redis.start()  # the queue is back (empty: nothing survived the outage)
    worker = private_redis.worker()
    assert outbox.outbox_flush(now=later(2)) == 1
    assert wait_for(
        lambda: OutboxMessage.objects.filter(pk=owed.pk, done_at__isnull=False).exists()
    ), worker.log.read_text()[-3000:]
    receipt = GeneratedDocument.objects.get(application=application, kind=DocumentKind.RECEIPT)
    assert receipt.filename == f"Eingangsbestaetigung_{application.reference}.pdf"
    assert not OutboxMessage.objects.owed().exists()
    page = client.get(detail).content.decode()
    assert "Die Eingangsbestätigung wird erstellt" not in page
