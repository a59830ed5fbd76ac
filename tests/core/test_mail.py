"""One way to send a mail (``core.mail.mail_send``) and one way to send it once
(``core.mail.mail_once``): a task that runs twice, or twice at the same moment in two
processes' worth of database connections, sends one mail."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import JoinRequest, JoinRequestStatus
from accounts.services import join_request_decided_mail_send
from applications.models import EventAction
from applications.services.base import record_event
from core.mail import mail_once, mail_send, outbox_mail_key
from core.models import SentMail
from notifications import services as notifications
from tests.factories import ApplicationPartnerFactory, MunicipalityFactory, staff_for

TEMPLATE = "accounts/email/registration_exists"
CONTEXT = {"reset_url": "https://wir.example/konto/passwort/"}


def test_mail_send_renders_subject_and_body_and_sends_one_message():
    assert mail_send(template=TEMPLATE, context=CONTEXT, to=["a@example.org", "b@example.org"]) == 1
    (message,) = mail.outbox
    assert message.subject == "WIR-Portal: Sie haben bereits ein Konto"
    assert "https://wir.example/konto/passwort/" in message.body
    assert message.to == ["a@example.org", "b@example.org"]
    assert message.from_email == "WIR-Portal <noreply@wir-portal.hessen.example>"


def test_mail_send_separately_with_attachment_and_in_a_fixed_language():
    sent = mail_send(
        template=TEMPLATE,
        context=CONTEXT,
        to=["a@example.org", "b@example.org"],
        separately=True,
        attachments=[("a.pdf", b"%PDF-1.7", "application/pdf")],
        language="en",
    )
    assert sent == 2
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    assert all(m.attachments == [("a.pdf", b"%PDF-1.7", "application/pdf")] for m in mail.outbox)
    assert mail.outbox[0].subject == "WIR-Portal: You already have an account"


def test_mail_send_without_recipients_sends_nothing():
    assert mail_send(template=TEMPLATE, context=CONTEXT, to=[]) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_mail_once_sends_once_and_a_failed_send_stays_owed():
    def run() -> bool:
        with mail_once("test.once:1") as owed:
            if owed:
                mail_send(template=TEMPLATE, context=CONTEXT, to=["a@example.org"])
            return owed

    with pytest.raises(RuntimeError), mail_once("test.once:1") as owed:
        assert owed
        raise RuntimeError("the mail server refused")
    assert SentMail.objects.count() == 0  # rolled back: still owed

    assert run() is True
    assert run() is False
    assert len(mail.outbox) == 1
    assert SentMail.objects.get(key="test.once:1").sent_at is not None
    with mail_once(None) as owed:  # no key: no mark
        assert owed


def test_outbox_mail_key():
    assert outbox_mail_key("accounts.registration", "outbox-17-3") == (
        "accounts.registration:outbox-17"
    )
    assert outbox_mail_key("accounts.registration", "4f0c2b1e-celery-id") is None
    assert outbox_mail_key("accounts.registration", None) is None


def _partner_added(partner) -> int:
    """The event row of a partner added (what the service writes), its id."""
    return record_event(
        partner.application,
        None,
        EventAction.PARTNER_ADDED,
        data={"municipality": partner.municipality_id, "name": partner.municipality.name},
    ).pk


@pytest.mark.django_db
def test_a_mail_task_run_twice_sends_one_mail():
    partner = ApplicationPartnerFactory(municipality=MunicipalityFactory(name="Mörlenbach"))
    staff = staff_for(partner.municipality)
    event_id = _partner_added(partner)
    notifications.deliver_event(event_id)
    notifications.deliver_event(event_id)
    assert [m.to for m in mail.outbox] == [[staff.email]]


@pytest.mark.django_db
def test_join_request_decision_mailed_once(django_user_model):
    town = MunicipalityFactory()
    requester = django_user_model.objects.create_user(
        email="neu@example.org", password="x" * 12, full_name="Nora Neu"
    )
    join_request = JoinRequest.objects.create(
        user=requester,
        municipality=town,
        status=JoinRequestStatus.APPROVED,
        decided_at=timezone.now(),
    )
    join_request_decided_mail_send(join_request_id=join_request.pk)
    join_request_decided_mail_send(join_request_id=join_request.pk)
    assert [m.to for m in mail.outbox] == [["neu@example.org"]]


def _at_once(target, runs: int = 2) -> list:
    """Runs ``target`` in ``runs`` threads released together, each with its own database
    connection (a real PostgreSQL session each); returns what each returned or raised."""
    barrier = threading.Barrier(runs)
    results: list = []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_one_mail():
    def send() -> bool:
        with mail_once("test.concurrent:1") as owed:
            if owed:
                time.sleep(0.3)  # the twin arrives while this one holds the lock
                mail_send(template=TEMPLATE, context=CONTEXT, to=["a@example.org"])
            return owed

    results = _at_once(send)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert SentMail.objects.filter(key="test.concurrent:1", sent_at__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_of_a_mail_task_send_one_mail(monkeypatch):
    partner = ApplicationPartnerFactory(municipality=MunicipalityFactory(name="Birkenau"))
    staff = staff_for(partner.municipality)

    def slow_send(**kwargs):
        time.sleep(0.3)
        return mail_send(**kwargs)

    monkeypatch.setattr(notifications, "mail_send", slow_send)
    event_id = _partner_added(partner)
    results = _at_once(lambda: notifications.deliver_event(event_id))
    assert sorted(results) == [0, 1]
    assert [m.to for m in mail.outbox] == [[staff.email]]
