"""With a real Celery worker (another process, committed data): a notification of the
catalogue is delivered once after the commit that caused it, also when its task runs again;
an outbox row under a replaced task name is drained by its alias in the worker."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from applications import services as application_services
from applications.models import ApplicationEvent, EventAction
from applications.workflow import Status
from core.models import OutboxMessage, SentMail
from core.outbox import outbox_enqueue
from notifications import tasks as notification_tasks
from notifications.models import Notification
from reviews import services
from reviews.models import CHECKLIST, CheckOutcome, FormalCheck
from tests.factories import ApplicationFactory, CaseOfficerFactory, MunicipalityFactory, staff_for
from wir_portal.celery import ping

CONTACT = "kontakt@worker.example"


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_delivers_the_extended_due_date_once(celery_worker, worker_media):
    lead = MunicipalityFactory()
    applicant, officer = staff_for(lead), CaseOfficerFactory()
    app = ApplicationFactory(
        lead_municipality=lead, complete=True, status=Status.SUBMITTED, contact_email=CONTACT
    )
    services.formal_check_start(application=app, user=officer)
    services.formal_check_record(
        application=app,
        user=officer,
        checklist=dict.fromkeys(CHECKLIST, True),
        outcome=CheckOutcome.ITEMS_REQUESTED,
        sections=["cost_plan"],
        message="Bitte ergänzen Sie den Kostenplan.",
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    # each service commits on its own; the listener owes the delivery, the worker runs it
    application_services.item_request_extend(
        application=app, user=officer, due_date=timezone.localdate() + dt.timedelta(days=20)
    )
    event = ApplicationEvent.objects.get(action=EventAction.ITEM_REQUEST_EXTENDED)
    key = f"notifications.item_request_extended:event-{event.pk}:"
    delivered = Notification.objects.filter(
        user=applicant, kind="item_request_extended", emailed_at__isnull=False
    )
    assert wait_for(
        lambda: (
            delivered.exists()
            and SentMail.objects.filter(key__startswith=key, sent_at__isnull=False).count() == 2
        )
    ), celery_worker.log.read_text()[-3000:]
    owed = OutboxMessage.objects.filter(task_name="notifications.deliver_event", args=[event.pk])
    assert wait_for(lambda: owed.filter(done_at__isnull=False).exists())
    # run again (a retry, a redelivery after an outage): still one notification, one mail each
    notification_tasks.deliver_event.delay(event.pk)
    # one worker process takes one task at a time, in order: when the ping that follows has
    # answered, the delivery has run
    assert ping.apply_async(queue=celery_worker.queue).get(timeout=60) == "pong"
    assert Notification.objects.filter(kind="item_request_extended").count() == 1
    assert sorted(SentMail.objects.filter(key__startswith=key).values_list("key", flat=True)) == [
        f"{key}a{_address_key(CONTACT)}",
        f"{key}u{applicant.pk}",
    ]
    assert not Notification.objects.filter(user=officer, kind="item_request_extended").exists()
    # an outbox row owed under a replaced task name at the deploy: the alias drains it (its
    # success marks the row done; a name no worker knows would stay owed for ever)
    check = FormalCheck.objects.get(application=app)
    with transaction.atomic():
        legacy = outbox_enqueue("reviews.send_item_request_mail", check.pk)
    assert wait_for(
        lambda: OutboxMessage.objects.filter(pk=legacy.pk, done_at__isnull=False).exists()
    ), celery_worker.log.read_text()[-3000:]
    assert Notification.objects.filter(user=applicant, kind="item_request").count() == 1


def _address_key(address: str) -> str:
    from notifications.services import _address_key as key

    return key(address)
