"""Sending, reading, who reads what, immutability, the record (event, export)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.privacy import export_user_data
from applications.models import ApplicationEvent
from messaging import permissions, selectors, services
from messaging.models import Audience, Message, MessageAttachment, MessageRead
from municipalities.selectors import member_municipality_ids
from tests.factories import ApplicationFactory

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def send(case, user, text="Bitte senden Sie den Zeitplan.", **kwargs):
    return services.message_send(application=case.application, user=user, text=text, **kwargs)


def visible_texts(case, user) -> list[str]:
    return list(
        Message.objects.visible_to(user, member_municipality_ids(user)).values_list(
            "text", flat=True
        )
    )


def thread_texts(case, user) -> list[str]:
    return [
        m.text
        for m in selectors.thread_messages(
            application=case.application, user=user, member_ids=member_municipality_ids(user)
        )
    ]


def test_a_partner_reads_only_the_messages_meant_for_every_municipality(case):
    send(case, case.officer, "An alle", audience=Audience.ALL)
    send(case, case.officer, "Nur an die Antragstellerin", audience=Audience.LEAD)
    send(case, case.lead, "Antwort nur an RP", audience=Audience.LEAD)
    assert visible_texts(case, case.partner) == ["An alle"]
    assert thread_texts(case, case.partner) == ["An alle"]
    everything = ["An alle", "Nur an die Antragstellerin", "Antwort nur an RP"]
    for user in (case.lead, case.officer, case.admin):
        assert visible_texts(case, user) == everything
        assert thread_texts(case, user) == everything


def test_staff_of_another_municipality_and_the_jury_read_nothing(case):
    send(case, case.officer, "An alle")
    for user in (case.other, case.reviewer):
        assert visible_texts(case, user) == []
        assert selectors.mailbox_threads(user, member_municipality_ids(user)).count() == 0
        assert not permissions.can_read_thread(
            user,
            case.application,
            member_ids=member_municipality_ids(user),
            partner_ids={case.application.partners.get().municipality_id},
        )
        with pytest.raises(PermissionDenied):
            send(case, user, "Darf ich?")
    assert Message.objects.count() == 1


def test_a_declined_partner_reads_nothing_any_more(case):
    send(case, case.officer, "An alle")
    case.application.partners.update(status="declined")
    assert visible_texts(case, case.partner) == []


def test_nobody_writes_on_a_draft(case):
    draft = ApplicationFactory(lead_municipality=case.application.lead_municipality)
    with pytest.raises(PermissionDenied):
        services.message_send(application=draft, user=case.lead, text="Hallo")


def test_audiences_the_writers_may_choose(case):
    partner_ids = {case.application.partners.get().municipality_id}

    def choices(user):
        return permissions.audience_choices(
            user,
            case.application,
            member_ids=member_municipality_ids(user),
            partner_ids=partner_ids,
        )

    assert choices(case.officer) == [Audience.ALL, Audience.LEAD]
    assert choices(case.lead) == [Audience.ALL, Audience.LEAD]
    assert choices(case.partner) == [Audience.ALL]
    assert choices(case.other) == []
    assert choices(case.reviewer) == []
    with pytest.raises(ValidationError) as exc:
        send(case, case.partner, audience=Audience.LEAD)
    assert "audience" in exc.value.message_dict


def test_sending_records_a_public_event_without_the_text(case):
    message = send(case, case.officer, "Geheimer Inhalt", subject="Rückfrage")
    event = ApplicationEvent.objects.get(action="message_sent")
    assert event.internal is False
    assert event.actor == case.officer
    assert event.data == {"message_id": message.pk, "audience": "all"}
    assert "Geheimer Inhalt" not in event.message
    assert event.label == "Nachricht gesendet"
    assert message.side == "rp" and message.sender_municipality is None
    reply = send(case, case.partner, "Antwort")
    assert reply.side == "municipality"
    assert reply.sender_municipality == case.application.partners.get().municipality


def test_sent_messages_cannot_be_changed_or_deleted(case):
    message = send(case, case.lead, "Erste Fassung", files=[pdf_upload()])
    message.text = "Zweite Fassung"
    for attempt in (
        message.save,
        message.delete,
        lambda: Message.objects.filter(pk=message.pk).update(text="Zweite Fassung"),
        lambda: Message.objects.filter(pk=message.pk).delete(),
        lambda: MessageAttachment.objects.all().delete(),
        lambda: MessageAttachment.objects.get().delete(),
    ):
        with pytest.raises(ValidationError, match="weder geändert noch gelöscht"):
            attempt()
    assert Message.objects.get().text == "Erste Fassung"
    assert MessageAttachment.objects.count() == 1


def test_the_admin_shows_messages_read_only(case, rf):
    from django.contrib import admin

    send(case, case.lead, "Hallo")
    model_admin = admin.site._registry[Message]
    request = rf.get("/")
    request.user = case.admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, Message.objects.get())
    assert not model_admin.has_delete_permission(request, Message.objects.get())


def test_read_state_is_per_person(case):
    message = send(case, case.officer, "Frage")
    lead_member_ids = member_municipality_ids(case.lead)
    assert selectors.unread_count(case.lead, lead_member_ids) == 1
    assert selectors.unread_count(case.partner, member_municipality_ids(case.partner)) == 1
    # The sender's own message is not unread for the sender.
    assert selectors.unread_count(case.officer, member_municipality_ids(case.officer)) == 0
    shown = selectors.thread_messages(
        application=case.application, user=case.lead, member_ids=lead_member_ids
    )
    assert [m.is_read for m in shown] == [False]
    assert services.messages_mark_read(user=case.lead, messages=shown) == 1
    assert selectors.unread_count(case.lead, lead_member_ids) == 0
    assert selectors.unread_count(case.partner, member_municipality_ids(case.partner)) == 1
    again = selectors.thread_messages(
        application=case.application, user=case.lead, member_ids=lead_member_ids
    )
    assert [m.is_read for m in again] == [True]
    assert services.messages_mark_read(user=case.lead, messages=again) == 0
    assert MessageRead.objects.filter(message=message).count() == 1


def test_the_mailbox_lists_unread_threads_first_then_the_newest(case):
    older = ApplicationFactory(
        lead_municipality=case.application.lead_municipality, status="submitted"
    )
    newer = ApplicationFactory(
        lead_municipality=case.application.lead_municipality, status="submitted"
    )
    services.message_send(application=older, user=case.officer, text="alt, ungelesen")
    services.message_send(application=case.application, user=case.officer, text="mittel")
    services.message_send(application=newer, user=case.officer, text="neu, gelesen")
    member_ids = member_municipality_ids(case.lead)
    for application in (case.application, newer):
        services.messages_mark_read(
            user=case.lead,
            messages=selectors.thread_messages(
                application=application, user=case.lead, member_ids=member_ids
            ),
        )
    rows = list(selectors.mailbox_threads(case.lead, member_ids))
    assert [r.pk for r in rows] == [older.pk, newer.pk, case.application.pk]
    assert [r.unread_count for r in rows] == [1, 0, 0]
    assert [r.message_count for r in rows] == [1, 1, 1]


def test_recipients_are_the_readers_minus_the_sender(case):
    other_officer = type(case.officer).objects.create_user(
        "zweite@rpda.hessen.example", "x" * 20, role="case_officer"
    )
    to_all = send(case, case.officer, "An alle")
    assert set(selectors.message_recipients(to_all)) == {case.lead, case.partner}
    to_lead = send(case, case.officer, "Nur Lead", audience=Audience.LEAD)
    assert selectors.message_recipients(to_lead) == [case.lead]
    # The answer reaches the case officer who wrote in the thread, not every case officer.
    answer = send(case, case.lead, "Antwort")
    assert set(selectors.message_recipients(answer)) == {case.partner, case.officer}
    assert other_officer not in selectors.message_recipients(answer)


def test_the_data_export_holds_the_messages_a_person_wrote_and_read(case):
    message = send(case, case.lead, "Unser Zeitplan", subject="Zeitplan", files=[pdf_upload()])
    services.messages_mark_read(
        user=case.officer,
        messages=selectors.thread_messages(
            application=case.application, user=case.officer, member_ids=frozenset()
        ),
    )
    lead_export = export_user_data(case.lead)["nachrichten"]
    assert lead_export["gesendet"][0]["text"] == "Unser Zeitplan"
    assert lead_export["gesendet"][0]["anlagen"][0]["dateiname"] == "Zeitplan.pdf"
    officer_export = export_user_data(case.officer)["nachrichten"]
    assert officer_export["gesendet"] == []
    assert officer_export["gelesen"][0]["betreff"] == message.subject
