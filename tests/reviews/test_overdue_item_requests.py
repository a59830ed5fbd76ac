"""Issue 15, item 3: after a Nachforderung's due date the case officer sees it as overdue and
either gives it a later due date (the municipality is notified once, the reminders start again
for the new date) or rejects the application (the workflow table allows it from the
Nachforderung; the rejection letter is the "decision" notification). The clock is frozen by
passing ``now``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import ApplicationEvent, EventAction, ItemRequest
from applications.workflow import Action, Status, TransitionNotAllowed
from notifications import reminders
from notifications import services as notification_services
from notifications.models import Notification
from notifications.selectors import case_officer_due, staff_due
from reviews import services
from reviews.models import CHECKLIST, CheckOutcome
from tests.factories import AdminFactory, ApplicationFactory

pytestmark = pytest.mark.django_db
SECRET = "Bitte reichen Sie den Kostenplan 4711 nach."
CONTACT = "kontakt@heppenheim.example"


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def asked(submitted, case_officer, applicant):
    """``submitted`` with a Nachforderung of ``case_officer``, due in 3 days."""
    submitted.contact_email = CONTACT
    submitted.save(update_fields=["contact_email"])
    services.formal_check_start(application=submitted, user=case_officer)
    services.formal_check_record(
        application=submitted,
        user=case_officer,
        checklist=dict.fromkeys(CHECKLIST, True),
        outcome=CheckOutcome.ITEMS_REQUESTED,
        sections=["cost_plan"],
        message=SECRET,
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.MISSING_ITEMS
    return submitted


def _request(application) -> ItemRequest:
    return ItemRequest.objects.get(application=application, resolved_at__isnull=True)


def _received(mailoutbox) -> list[str]:
    return sorted(address for m in mailoutbox for address in m.to)


# The service --------------------------------------------------------------------------------------
def test_extend_after_the_due_date_notifies_the_municipality_once_and_reminds_again(
    asked, case_officer, applicant, mailoutbox
):
    due = _request(asked).due_date
    overdue_now = _at(due + dt.timedelta(days=2))
    assert [i.application for i in case_officer_due(overdue_now)["overdue"]] == [asked]
    mailoutbox.clear()
    new_due = due + dt.timedelta(days=14)

    request = application_services.item_request_extend(
        application=asked, user=case_officer, due_date=new_due, now=overdue_now
    )

    assert request.due_date == new_due and _request(asked).due_date == new_due
    event = ApplicationEvent.objects.get(action=EventAction.ITEM_REQUEST_EXTENDED)
    assert not event.internal  # the municipality sees it on its timeline
    assert event.actor == case_officer and event.created_at == overdue_now
    assert event.data["due_date"] == new_due.isoformat()
    assert event.data["previous_due_date"] == due.isoformat()
    assert new_due.strftime("%d.%m.%Y") in event.message
    # the listener's delivery, run twice (a retried task): one e-mail each, no text of the request
    notification_services.deliver_event(event.pk)
    notification_services.deliver_event(event.pk)
    assert _received(mailoutbox) == sorted([applicant.email, CONTACT])
    assert all(new_due.strftime("%d.%m.%Y") in m.body for m in mailoutbox)
    assert all(SECRET not in m.body and SECRET not in m.subject for m in mailoutbox)
    assert Notification.objects.filter(user=applicant, kind="item_request_extended").count() == 1
    assert not Notification.objects.filter(user=case_officer).exists()  # the actor
    # no longer overdue; the staff see the new due date
    asked.refresh_from_db()
    assert asked.status == Status.MISSING_ITEMS
    assert case_officer_due(overdue_now)["overdue"] == []
    assert [i.due for i in staff_due(applicant, overdue_now)["item_requests"]] == [new_due]
    # the reminders start again for the new due date: nothing right away, then before it
    mailoutbox.clear()
    reminders.send_reminders(overdue_now + dt.timedelta(hours=1))
    assert mailoutbox == []
    before_new = _at(new_due - dt.timedelta(days=2))
    reminders.send_reminders(before_new)
    reminders.send_reminders(before_new)
    assert _received(mailoutbox) == sorted([applicant.email, CONTACT])


def test_the_event_reaches_the_notifications_after_the_commit(
    asked, case_officer, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_services.item_request_extend(
            application=asked,
            user=case_officer,
            due_date=timezone.localdate() + dt.timedelta(days=20),
        )
    event = ApplicationEvent.objects.get(action=EventAction.ITEM_REQUEST_EXTENDED)
    assert published.of("notifications.deliver_event") == [[event.pk]]


@pytest.mark.parametrize(
    ("days_after_due", "new_due_offset", "message"),
    [
        (2, 1, "nach dem heutigen Tag"),  # still in the past: due + 1 < today
        (2, 2, "nach dem heutigen Tag"),  # today
        (-2, 0, "nach der bisherigen Frist"),  # not later than the current due date
        (-2, -1, "nach der bisherigen Frist"),
    ],
)
def test_extend_refuses_a_due_date_that_is_not_later(
    asked, case_officer, days_after_due, new_due_offset, message
):
    due = _request(asked).due_date
    now = _at(due + dt.timedelta(days=days_after_due))
    with pytest.raises(ValidationError) as exc:
        application_services.item_request_extend(
            application=asked,
            user=case_officer,
            due_date=due + dt.timedelta(days=new_due_offset),
            now=now,
        )
    assert message in " ".join(exc.value.message_dict["due_date"])
    assert _request(asked).due_date == due
    assert not ApplicationEvent.objects.filter(action=EventAction.ITEM_REQUEST_EXTENDED).exists()


def test_extend_needs_a_date_a_case_officer_and_an_open_request(
    asked, case_officer, applicant, round_, lead
):
    in_review = ApplicationFactory(
        round=round_, lead_municipality=lead, complete=True, status=Status.IN_REVIEW
    )
    due = _request(asked).due_date
    later = due + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        application_services.item_request_extend(
            application=asked, user=case_officer, due_date=None
        )
    assert "Bitte geben Sie die neue Frist an." in exc.value.message_dict["due_date"]
    for person in (applicant, AdminFactory()):
        with pytest.raises(PermissionDenied):
            application_services.item_request_extend(application=asked, user=person, due_date=later)
    # another application, in scoring: no open Nachforderung
    with pytest.raises(ValidationError, match="keine offene Nachforderung"):
        application_services.item_request_extend(
            application=in_review, user=case_officer, due_date=later
        )
    assert _request(asked).due_date == due
    assert not ApplicationEvent.objects.filter(action=EventAction.ITEM_REQUEST_EXTENDED).exists()


# Rejecting instead --------------------------------------------------------------------------------
def test_reject_from_the_nachforderung_closes_it_and_owes_the_letter(
    asked, case_officer, applicant, published, django_capture_on_commit_callbacks
):
    with pytest.raises(TransitionNotAllowed):
        application_services.application_reject(
            application=asked, user=applicant, reason="Selbst abgelehnt."
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_reject(
            application=asked, user=case_officer, reason="Die Frist ist ungenutzt verstrichen."
        )
    asked.refresh_from_db()
    assert asked.status == Status.REJECTED and asked.decided_at is not None
    assert not ItemRequest.objects.filter(application=asked, resolved_at__isnull=True).exists()
    assert published.of("documents.render_decision_letter") == [[asked.pk]]
    event = ApplicationEvent.objects.get(action=Action.REJECT)
    assert (event.from_status, event.to_status) == (Status.MISSING_ITEMS, Status.REJECTED)
    # the municipality's start page no longer lists it; reminders stop
    assert staff_due(applicant)["item_requests"] == []
    assert reminders.open_item_requests().filter(application=asked).count() == 0


# The pages ----------------------------------------------------------------------------------------
def _make_overdue(application, days: int = 2) -> ItemRequest:
    request = _request(application)
    request.due_date = timezone.localdate() - dt.timedelta(days=days)
    request.save(update_fields=["due_date"])
    return request


def test_detail_page_offers_extend_and_reject_when_overdue(client, login, asked, case_officer):
    _make_overdue(asked)
    login(client, case_officer)
    html = client.get(reverse("reviews:detail", args=[asked.pk])).content.decode()
    assert "Überfällige Nachforderung" in html and "seit 2 Tagen abgelaufen" in html
    assert reverse("reviews:item_request_extend", args=[asked.pk]) in html
    assert reverse("reviews:decision", args=[asked.pk]) + "#h-reject" in html
    # the case officer's start page links to it
    home = client.get(reverse("home")).content.decode()
    assert reverse("reviews:detail", args=[asked.pk]) + "#nachforderung" in home
    # an admin reads the page but may not act
    client.logout()
    login(client, AdminFactory())
    html = client.get(reverse("reviews:detail", args=[asked.pk])).content.decode()
    assert "Überfällige Nachforderung" in html
    assert reverse("reviews:item_request_extend", args=[asked.pk]) not in html


def test_extend_page_validates_and_extends(client, login, asked, case_officer, mailoutbox):
    old = _make_overdue(asked).due_date
    login(client, case_officer)
    url = reverse("reviews:item_request_extend", args=[asked.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Frist der Nachforderung verlängern" in html
    assert old.strftime("%d.%m.%Y") in html and 'type="date"' in html
    for bad, message in (
        ("", "Bitte geben Sie die neue Frist an."),
        ("gestern", "Bitte geben Sie die neue Frist als Datum an"),
        (timezone.localdate().isoformat(), "Die neue Frist muss nach dem heutigen Tag liegen."),
    ):
        response = client.post(url, {"due_date": bad})
        html = response.content.decode()
        assert response.status_code == 200 and "data-error-summary" in html, bad
        assert message in html, bad
    assert _request(asked).due_date == old
    new_due = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(url, {"due_date": new_due.isoformat()})
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("reviews:detail", args=[asked.pk]) + "#nachforderung"
    )
    assert _request(asked).due_date == new_due
    html = client.get(response["Location"]).content.decode()
    assert "Offene Nachforderung" in html and new_due.strftime("%d.%m.%Y") in html


def test_extend_page_without_an_open_request_goes_back(client, login, in_review, case_officer):
    login(client, case_officer)
    url = reverse("reviews:item_request_extend", args=[in_review.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reviews:detail", args=[in_review.pk])
    assert "keine offene Nachforderung" in response.content.decode()


def test_reject_from_the_decision_page(client, login, asked, case_officer):
    _make_overdue(asked)
    login(client, case_officer)
    url = reverse("reviews:decision", args=[asked.pk])
    assert 'id="h-reject"' in client.get(url).content.decode()
    data = {"reject-reason": "Die Frist ist ungenutzt verstrichen.", "reject": "1"}
    assert "Ablehnung bestätigen" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == Status.REJECTED
