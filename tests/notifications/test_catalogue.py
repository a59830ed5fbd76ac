"""The notification catalogue: every event row reaches the listener after the commit, each
type reaches exactly its recipients once, preferences (immediate, digest, portal only;
legally relevant ones forced), no message content in e-mails, reminders with a frozen clock,
the unread counter and the start page per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from applications.events import event_types
from applications.models import EventAction, ItemRequest
from applications.services.base import record_event
from applications.workflow import Action, Status
from notifications import reminders, services
from notifications.catalogue import (
    NotificationType,
    Recipients,
    catalogue,
    recipient_resolvers,
)
from notifications.models import Delivery, Notification, NotificationPreference
from notifications.recipients import application_link
from reviews.models import Assignment, ReviewEvent
from tests.accounts.factories import login_verified
from tests.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db
SECRET = "Streng vertraulicher Nachrichtentext 4711"


class TestEvent(models.TextChoices):
    """A test-only event type (the mechanism ``messaging`` uses for "message_sent")."""

    PINGED = "test_pinged", "Test"


@pytest.fixture
def pinged_type():
    """A test-only type: its recipients come from a registered resolver, as the readers of a
    message will come from ``messaging.selectors.message_recipients``."""
    event_types.register(TestEvent)
    readers: list = []
    recipient_resolvers.register("test_pinged", lambda event: list(readers))
    ntype = catalogue.register(
        NotificationType(
            kind="test_pinged",
            label="Test",
            audience="Test",
            recipients=lambda occasion: Recipients(
                users=recipient_resolvers.resolve("test_pinged", occasion.event)
            ),
            link=application_link,
            events=(TestEvent.PINGED,),
        )
    )
    yield readers
    catalogue.unregister(ntype.kind)
    recipient_resolvers.unregister("test_pinged")


@pytest.fixture
def world():
    lead = MunicipalityFactory(name="Heppenheim")
    partner_town = MunicipalityFactory(name="Lorsch")
    other = MunicipalityFactory(name="Bensheim")
    app = ApplicationFactory(
        lead_municipality=lead, contact_email="kontakt@heppenheim.example", title="Vielfalt"
    )
    partner = ApplicationPartnerFactory(application=app, municipality=partner_town)
    return {
        "app": app,
        "partner": partner,
        "lead_staff": staff_for(lead),
        "partner_staff": staff_for(partner_town),
        "other_staff": staff_for(other),
        "officer": CaseOfficerFactory(),
        "reviewer": ReviewerFactory(),
    }


def _received(mailoutbox) -> list[str]:
    return sorted(address for m in mailoutbox for address in m.to)


def _deliver_twice(event) -> None:
    services.deliver_event(event.pk)
    services.deliver_event(event.pk)


# The hook -----------------------------------------------------------------------------------------
def test_every_event_row_reaches_the_listener_after_commit_only(
    world, published, django_capture_on_commit_callbacks
):
    app = world["app"]
    with django_capture_on_commit_callbacks(execute=True):
        event = record_event(app, None, EventAction.PARTNER_CONFIRMED, data={"municipality": 1})
        assert published == []  # nothing before the commit
    assert published.of("notifications.deliver_event") == [[event.pk]]
    published.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record_event(app, None, EventAction.PARTNER_CONFIRMED)
        raise RuntimeError("rolled back")
    assert published == []


def test_a_test_only_event_type_reaches_the_resolved_recipients_once(
    world, pinged_type, mailoutbox, published, django_capture_on_commit_callbacks
):
    sender, reader = world["lead_staff"], world["officer"]
    pinged_type.extend([sender, reader])
    with django_capture_on_commit_callbacks(execute=True):
        record_event(world["app"], sender, TestEvent.PINGED, message=SECRET)
    published.run()
    published.run()
    # the sender is not told of their own message; the reader once, without the content
    assert _received(mailoutbox) == [reader.email]
    assert SECRET not in mailoutbox[0].body and SECRET not in mailoutbox[0].subject
    assert world["app"].title in mailoutbox[0].body
    assert "http://testserver" not in mailoutbox[0].body
    assert Notification.objects.filter(user=reader, kind="test_pinged").count() == 1
    assert not Notification.objects.filter(user=sender).exists()


# Each type reaches exactly its recipients once ------------------------------------------------
def test_partner_invited_confirmed_declined(world, mailoutbox):
    app, partner = world["app"], world["partner"]
    data = {"municipality": partner.municipality_id}
    _deliver_twice(record_event(app, world["lead_staff"], EventAction.PARTNER_ADDED, data=data))
    assert _received(mailoutbox) == [world["partner_staff"].email]
    assert reverse("applications:partner_respond", args=[partner.pk]) in mailoutbox[0].body
    for action in (EventAction.PARTNER_CONFIRMED, EventAction.PARTNER_DECLINED):
        mailoutbox.clear()
        event = record_event(app, world["partner_staff"], action, data=data)
        _deliver_twice(event)
        assert _received(mailoutbox) == [world["lead_staff"].email], action


def test_item_request_and_its_answer(world, mailoutbox):
    app, officer = world["app"], world["officer"]
    other_officer = CaseOfficerFactory()
    request = ItemRequest.objects.create(
        application=app, sections=["cost_plan"], message=SECRET, created_by=officer
    )
    event = record_event(
        app, officer, Action.REQUEST_ITEMS, message=SECRET,
        data={"sections": ["cost_plan"], "due_date": "2027-03-01"},
    )  # fmt: skip
    _deliver_twice(event)
    assert _received(mailoutbox) == sorted(
        [world["lead_staff"].email, "kontakt@heppenheim.example"]
    )
    assert all(SECRET not in m.body and "01.03.2027" in m.body for m in mailoutbox)
    mailoutbox.clear()
    answer = record_event(
        app, world["lead_staff"], Action.RESUBMIT, message=SECRET,
        data={"item_request_ids": [request.pk]},
    )  # fmt: skip
    _deliver_twice(answer)
    assert _received(mailoutbox) == [officer.email]  # who asked, not every officer
    assert other_officer.email not in _received(mailoutbox)
    assert SECRET not in mailoutbox[0].body
    assert reverse("reviews:detail", args=[app.pk]) + "#nachreichungen" in mailoutbox[0].body


def test_jury_assigned_unassigned_reopened_and_conflict(world, mailoutbox):
    app, officer, reviewer = world["app"], world["officer"], world["reviewer"]
    assignment = Assignment.objects.create(application=app, reviewer=reviewer, assigned_by=officer)
    data = {"reviewer_id": reviewer.pk, "assignment_id": assignment.pk}
    for action in (ReviewEvent.ASSIGNED, ReviewEvent.ASSIGNMENT_ENDED, ReviewEvent.REOPENED):
        mailoutbox.clear()
        _deliver_twice(record_event(app, officer, action, data=data, internal=True))
        assert _received(mailoutbox) == [reviewer.email], action
    mailoutbox.clear()
    CaseOfficerFactory()  # another officer: not told
    _deliver_twice(record_event(app, reviewer, ReviewEvent.CONFLICT, data=data, message=SECRET))
    assert _received(mailoutbox) == [officer.email]
    assert SECRET not in mailoutbox[0].body
    mailoutbox.clear()
    _deliver_twice(record_event(app, reviewer, ReviewEvent.NO_CONFLICT, data=data))
    assert mailoutbox == []


def test_receipt_reaches_the_partner_municipality_too(world, mailoutbox):
    app = world["app"]
    for _ in range(2):
        services.notify(
            "receipt", app, key="1:1", attachments=[("a.pdf", b"%PDF", "application/pdf")]
        )
    assert _received(mailoutbox) == sorted(
        [world["lead_staff"].email, world["partner_staff"].email, "kontakt@heppenheim.example"]
    )
    assert world["other_staff"].email not in _received(mailoutbox)
    assert all(m.attachments for m in mailoutbox)


# Preferences ------------------------------------------------------------------------------------
def test_preferences_immediate_digest_portal_and_legally_relevant_forced(world, mailoutbox):
    app, lead = world["app"], world["lead_staff"]
    colleague = staff_for(app.lead_municipality)
    services.preferences_save(
        user=lead, choices={"partner_confirmed": Delivery.DIGEST, "receipt": Delivery.PORTAL}
    )
    services.preferences_save(user=colleague, choices={"partner_confirmed": Delivery.PORTAL})
    data = {"municipality": world["partner"].municipality_id}
    _deliver_twice(record_event(app, None, EventAction.PARTNER_CONFIRMED, data=data))
    assert mailoutbox == []  # digest later, portal only never
    assert Notification.objects.filter(kind="partner_confirmed").count() == 2
    # the receipt cannot be switched off
    assert NotificationPreference.objects.filter(kind="receipt").count() == 0
    services.notify("receipt", app, key="1:1")
    assert lead.email in _received(mailoutbox) and colleague.email in _received(mailoutbox)
    mailoutbox.clear()
    # the daily digest: one mail to the person who chose it, once however often it runs
    assert services.send_digests() == 1
    assert services.send_digests() == 0
    (digest,) = mailoutbox
    assert digest.to == [lead.email] and app.title in digest.body
    assert (
        Notification.objects.filter(emailed_at__isnull=True, delivery=Delivery.DIGEST).count() == 0
    )


def test_preferences_page_saves_and_shows_the_fixed_types(client, world):
    lead = world["lead_staff"]
    login_verified(client, lead)
    url = reverse("notifications:preferences")
    html = client.get(url).content.decode()
    assert "Eingangsbestätigung" in html and "Immer per E-Mail" in html
    assert 'name="receipt"' not in html and 'name="partner_confirmed"' in html
    choices = {t.kind: Delivery.IMMEDIATE for t in catalogue if not t.legally_relevant}
    response = client.post(url, {**choices, "message": Delivery.PORTAL})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=lead, kind="message").delivery == "portal"
    bad = client.post(url, {**choices, "message": "fax"})
    assert bad.status_code == 200 and "data-error-summary" in bad.content.decode()


# Reminders ----------------------------------------------------------------------------------------
def test_reminders_with_a_frozen_clock_are_sent_once(world, mailoutbox):
    now = timezone.make_aware(dt.datetime(2027, 3, 1, 9, 0))
    round_ = FundingRoundFactory(
        opens_at=now - dt.timedelta(days=30), deadline=now + dt.timedelta(days=7, hours=3)
    )
    draft = ApplicationFactory(round=round_, lead_municipality=world["app"].lead_municipality)
    submitted = ApplicationFactory(
        round=round_, lead_municipality=world["partner"].municipality, status=Status.SUBMITTED
    )
    reminders.send_reminders(now)
    reminders.send_reminders(now)  # run twice the same day
    assert _received(mailoutbox) == [world["lead_staff"].email]
    assert "noch 7 Tage" in mailoutbox[0].body and draft.title in mailoutbox[0].body
    assert world["partner_staff"].email not in _received(mailoutbox)  # submitted: none
    mailoutbox.clear()
    reminders.send_reminders(now + dt.timedelta(days=1))  # still the "7 days" window
    assert mailoutbox == []
    reminders.send_reminders(now + dt.timedelta(days=6, hours=1))  # 1 day before
    reminders.send_reminders(now + dt.timedelta(days=6, hours=2))
    assert _received(mailoutbox) == [world["lead_staff"].email]
    assert submitted.status == Status.SUBMITTED


def test_item_request_due_date_reminders_before_and_after(world, mailoutbox):
    officer = world["officer"]
    app = ApplicationFactory(
        lead_municipality=world["app"].lead_municipality,
        status=Status.MISSING_ITEMS,
        contact_email="kontakt@heppenheim.example",
    )
    due = dt.date(2027, 3, 10)
    ItemRequest.objects.create(
        application=app, sections=["cost_plan"], message=SECRET, due_date=due, created_by=officer
    )
    before = timezone.make_aware(dt.datetime(2027, 3, 8, 9, 0))
    reminders.send_reminders(before)
    reminders.send_reminders(before)
    assert _received(mailoutbox) == sorted(
        [world["lead_staff"].email, "kontakt@heppenheim.example"]
    )
    mailoutbox.clear()
    after = timezone.make_aware(dt.datetime(2027, 3, 11, 9, 0))
    reminders.send_reminders(after)
    reminders.send_reminders(after)
    assert _received(mailoutbox) == sorted(
        [world["lead_staff"].email, "kontakt@heppenheim.example", officer.email]
    )
    assert all(SECRET not in m.body for m in mailoutbox)


# The counter and the pages ------------------------------------------------------------------------
def _notifications_for(user, count: int, app) -> None:
    start = Notification.objects.filter(user=user).count()
    Notification.objects.bulk_create(
        Notification(user=user, kind="partner_confirmed", key=f"k{i}", application=app, url="/")
        for i in range(start, start + count)
    )


def test_unread_counter_and_list_cost_the_same_for_2_and_20(client, world, assert_constant_queries):
    lead, app = world["lead_staff"], world["app"]
    login_verified(client, lead)

    assert_constant_queries(
        reverse("notifications:list"),
        make_rows=lambda n: _notifications_for(lead, n, app),
        client=client,
    )
    html = client.get(reverse("home")).content.decode()
    assert "20 ungelesen" in html


def test_opening_marks_read_and_only_the_owner_may(client, world):
    lead, app = world["lead_staff"], world["app"]
    _notifications_for(lead, 1, app)
    notification = Notification.objects.get(user=lead)
    login_verified(client, world["other_staff"])
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    client.logout()
    login_verified(client, lead)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "ungelesen" not in client.get(reverse("home")).content.decode()


def test_start_page_per_role(client, world):
    now = timezone.now()
    round_ = FundingRoundFactory(
        opens_at=now - dt.timedelta(days=5), deadline=now + dt.timedelta(days=10)
    )
    draft = ApplicationFactory(
        round=round_, lead_municipality=world["app"].lead_municipality, title="Entwurf A"
    )
    waiting = ApplicationFactory(round=round_, status=Status.SUBMITTED, reference="KIV-X-0001")
    overdue_app = ApplicationFactory(
        round=round_, status=Status.MISSING_ITEMS, reference="KIV-X-0002"
    )
    ItemRequest.objects.create(
        application=overdue_app, sections=["cost_plan"], message="x",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )  # fmt: skip
    login_verified(client, world["lead_staff"])
    html = client.get(reverse("home")).content.decode()
    assert draft.title in html and ("noch 10 Tage" in html or "noch 9 Tage" in html)
    client.logout()
    login_verified(client, world["officer"])
    html = client.get(reverse("home")).content.decode()
    assert waiting.reference in html and "seit 2 Tagen überfällig" in html
    assert draft.title not in html
    client.logout()
    Assignment.objects.create(application=waiting, reviewer=world["reviewer"])
    login_verified(client, world["reviewer"])
    html = client.get(reverse("home")).content.decode()
    assert "Offene Bewertungen" in html and waiting.reference in html
