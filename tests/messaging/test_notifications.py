"""Contract 1: every message sent reaches the people who may read it (minus the sender)
through the notification catalogue, once, without its text."""

from __future__ import annotations

import pytest

from applications.models import ApplicationEvent
from messaging import services
from messaging.models import Audience
from notifications import services as notification_services
from notifications.models import Notification

pytestmark = pytest.mark.django_db
SECRET = "Vertraulicher Nachrichtentext 0815"


def deliver(message) -> None:
    event = ApplicationEvent.objects.get(action="message_sent", data__message_id=message.pk)
    notification_services.deliver_event(event.pk)
    notification_services.deliver_event(event.pk)  # a task that runs twice tells once


def received(mailoutbox) -> list[str]:
    return sorted(address for m in mailoutbox for address in m.to)


def test_a_message_to_everyone_reaches_lead_and_partner_once_without_its_text(case, mailoutbox):
    message = services.message_send(
        application=case.application, user=case.officer, text=SECRET, subject=SECRET
    )
    deliver(message)
    assert received(mailoutbox) == sorted([case.lead.email, case.partner.email])
    for mail in mailoutbox:
        assert SECRET not in mail.body and SECRET not in mail.subject
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        case.lead.pk,
        case.partner.pk,
    }


def test_a_message_to_the_lead_only_does_not_reach_the_partner(case, mailoutbox):
    message = services.message_send(
        application=case.application, user=case.officer, text=SECRET, audience=Audience.LEAD
    )
    deliver(message)
    assert received(mailoutbox) == [case.lead.email]


def test_the_answer_reaches_the_case_officer_of_the_thread(case, mailoutbox):
    services.message_send(application=case.application, user=case.officer, text="Frage")
    answer = services.message_send(application=case.application, user=case.lead, text=SECRET)
    deliver(answer)
    assert received(mailoutbox) == sorted([case.officer.email, case.partner.email])
    assert case.other.email not in received(mailoutbox)
    assert case.reviewer.email not in received(mailoutbox)
