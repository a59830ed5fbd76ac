"""Outbox rows owed at the deploy under the names of the four mail tasks that the catalogue
replaced are drained by aliases: each delivers the event that caused it, once, through the
catalogue; a row whose object is gone succeeds without a mail (it would otherwise fail for
ever)."""

from __future__ import annotations

import pytest

from applications.models import EventAction, ItemRequest
from applications.services.base import record_event
from applications.workflow import Action, Status
from notifications import tasks
from notifications.legacy import LEGACY_TASKS
from reviews.models import Assignment, CheckOutcome, FormalCheck, ReviewEvent
from tests.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)
from wir_portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def _received(mailoutbox) -> list[str]:
    return sorted(address for m in mailoutbox for address in m.to)


def test_the_four_old_names_are_registered():
    import notifications.tasks  # noqa: F401 - autodiscovered by the worker

    assert all(name in celery_app.tasks for name in LEGACY_TASKS)


def test_old_partner_and_conflict_tasks_deliver_their_event_once(mailoutbox):
    lead, town = MunicipalityFactory(), MunicipalityFactory()
    app = ApplicationFactory(lead_municipality=lead)
    partner = ApplicationPartnerFactory(application=app, municipality=town)
    lead_staff, town_staff = staff_for(lead), staff_for(town)
    record_event(app, lead_staff, EventAction.PARTNER_ADDED, data={"municipality": town.pk})
    tasks.legacy_notify_partner_added.run(partner.pk)
    tasks.legacy_notify_partner_added.run(partner.pk)
    assert _received(mailoutbox) == [town_staff.email]

    mailoutbox.clear()
    officer, reviewer = CaseOfficerFactory(), ReviewerFactory()
    assignment = Assignment.objects.create(application=app, reviewer=reviewer, assigned_by=officer)
    record_event(
        app, reviewer, ReviewEvent.CONFLICT, internal=True,
        data={"reviewer_id": reviewer.pk, "assignment_id": assignment.pk},
    )  # fmt: skip
    tasks.legacy_send_conflict_mail.run(assignment.pk)
    tasks.legacy_send_conflict_mail.run(assignment.pk)
    assert _received(mailoutbox) == [officer.email]
    # gone objects: nothing to do, no error
    mailoutbox.clear()
    tasks.legacy_notify_partner_added.run(999_999)
    tasks.legacy_send_conflict_mail.run(999_999)
    tasks.legacy_send_item_request_mail.run(999_999)
    tasks.legacy_notify_resubmission.run(999_999)
    assert mailoutbox == []


def test_old_item_request_and_resubmission_tasks_deliver_their_event_once(mailoutbox):
    lead = MunicipalityFactory()
    app = ApplicationFactory(lead_municipality=lead, status=Status.MISSING_ITEMS)
    lead_staff, officer = staff_for(lead), CaseOfficerFactory()
    request = ItemRequest.objects.create(
        application=app, sections=["cost_plan"], message="x", created_by=officer
    )
    check = FormalCheck.objects.create(
        application=app,
        outcome=CheckOutcome.ITEMS_REQUESTED,
        item_request=request,
        checked_by=officer,
    )
    record_event(
        app, officer, Action.REQUEST_ITEMS, message="x",
        data={"sections": ["cost_plan"], "due_date": "2027-03-01"},
    )  # fmt: skip
    tasks.legacy_send_item_request_mail.run(check.pk)
    tasks.legacy_send_item_request_mail.run(check.pk)
    assert lead_staff.email in _received(mailoutbox)
    assert _received(mailoutbox).count(lead_staff.email) == 1
    mailoutbox.clear()
    answer = record_event(app, lead_staff, Action.RESUBMIT, data={"item_request_ids": [request.pk]})
    tasks.legacy_notify_resubmission.run(answer.pk)
    tasks.legacy_notify_resubmission.run(answer.pk)
    assert _received(mailoutbox) == [officer.email]
