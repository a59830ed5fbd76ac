"""The grant itself: created once for an approved application, accepted, binding on the waiver
or when the appeal period passed, each change an event row; who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.models import ApplicationEvent
from applications.workflow import Status
from grants import services
from grants.models import Grant, GrantRules
from grants.selectors import grant_binding_date, grant_final_report_due_date, rules_for
from grants.workflow import GrantAction, GrantState, TransitionNotAllowed
from tests.factories import ApplicationFactory

from .conftest import DECIDED, at, make_approved

pytestmark = pytest.mark.django_db


def test_grant_is_created_once_with_the_decision_figures(application):
    grant = services.grant_ensure(application, now=DECIDED)
    again = services.grant_ensure(application.pk, now=DECIDED)
    assert grant.pk == again.pk
    assert Grant.objects.count() == 1
    assert grant.state == GrantState.NOTIFIED
    assert grant.granted_amount == Decimal("18000.00")
    assert grant.decided_on == dt.date(2026, 3, 3)
    assert grant.notified_on == dt.date(2026, 3, 6)
    assert ApplicationEvent.objects.filter(action=GrantAction.CREATED).count() == 1


def test_no_grant_for_an_application_not_approved(db):
    app = ApplicationFactory(status=Status.IN_REVIEW, complete=True)
    with pytest.raises(ValidationError):
        services.grant_ensure(app)


def test_missing_grants_are_created_for_earlier_approvals(db):
    make_approved()
    make_approved()
    ApplicationFactory(status=Status.REJECTED, complete=True)
    assert services.grants_create_missing(now=DECIDED) == 2
    assert services.grants_create_missing(now=DECIDED) == 0


def test_the_rounds_rules_count(application):
    GrantRules.objects.create(
        round=application.round, notification_days=0, appeal_period_months=2, final_report_months=3
    )
    grant = services.grant_ensure(application, now=DECIDED)
    assert grant.notified_on == dt.date(2026, 3, 3)
    # 3 May 2026 is a Sunday: the period ends Monday 4 May.
    assert grant_binding_date(grant) == dt.date(2026, 5, 5)
    assert grant_final_report_due_date(grant) == dt.date(2027, 6, 30)


def test_rules_default_without_a_row(application):
    rules = rules_for(application.round)
    assert rules.pk is None
    assert (rules.appeal_period_months, rules.payment_window_months) == (1, 2)
    assert (rules.interim_report_months, rules.final_report_months) == (4, 6)
    assert rules.reminder_days_before == [14, 1] and rules.reminder_days_after == 1
    assert rules.receipts_required is False


def test_accept_with_waiver_makes_it_binding_that_day(grant, applicant):
    grant = services.grant_accept(
        grant=grant, user=applicant, waive_appeal=True, now=at(dt.date(2026, 3, 9))
    )
    assert grant.state == GrantState.BINDING
    assert grant.binding_on == dt.date(2026, 3, 9)
    assert grant.accepted_by == applicant and grant.waived_by == applicant
    event = ApplicationEvent.objects.get(action=GrantAction.WAIVE)
    assert event.actor == applicant and event.data["to"] == GrantState.BINDING


def test_accept_then_binding_after_the_appeal_period(grant, applicant):
    grant = services.grant_accept(grant=grant, user=applicant, now=at(dt.date(2026, 3, 9)))
    assert grant.state == GrantState.ACCEPTED
    # Notified 6 March; the period ends Monday 6 April; binding on 7 April.
    grant = services.grant_refresh(grant, now=at(dt.date(2026, 4, 6)))
    assert grant.state == GrantState.ACCEPTED
    grant = services.grant_refresh(grant, now=at(dt.date(2026, 4, 7)))
    assert grant.state == GrantState.BINDING
    assert grant.binding_on == dt.date(2026, 4, 7)
    event = ApplicationEvent.objects.get(action=GrantAction.BIND)
    assert event.actor is None


def test_binding_without_acceptance_when_the_period_passed(application):
    grant = services.grant_ensure(application, now=at(dt.date(2026, 5, 1)))
    assert grant.state == GrantState.BINDING
    assert grant.accepted_at is None


@pytest.mark.parametrize("who", ["officer", "admin_user", "reviewer", "other_staff"])
def test_only_the_lead_municipality_accepts(grant, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.grant_accept(grant=grant, user=user, waive_appeal=True)
    assert exc.value.code == "role"
    grant.refresh_from_db()
    assert grant.state == GrantState.NOTIFIED


def test_nobody_makes_it_binding_but_the_system(grant, applicant, officer):
    for user in (applicant, officer):
        with pytest.raises(TransitionNotAllowed):
            services.grant_object_transition(
                grant=grant, kind="grant", action=GrantAction.BIND, actor=user
            )


def test_accepting_twice_is_refused(binding_grant, applicant):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.grant_accept(grant=binding_grant, user=applicant)
    assert exc.value.code == "state"


def test_close_by_the_case_officer_only_when_binding(grant, binding_grant, officer, applicant):
    with pytest.raises(TransitionNotAllowed):
        services.grant_close(grant=binding_grant, user=applicant)
    grant = services.grant_close(grant=binding_grant, user=officer)
    assert grant.state == GrantState.CLOSED and grant.closed_at is not None


def test_the_approval_creates_the_grant_after_its_commit(
    db, officer, django_capture_on_commit_callbacks
):
    from applications.services import application_approve
    from applications.workflow import Status

    app = ApplicationFactory(status=Status.READY_FOR_DECISION, complete=True)
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=app, user=officer, granted_amount=Decimal("18000.00"))
    grant = Grant.objects.get(application=app)
    assert grant.granted_amount == Decimal("18000.00") and grant.state == GrantState.NOTIFIED


def test_grant_events_are_in_the_notification_catalogue():
    from notifications.catalogue import catalogue

    kinds = {t.kind: t for t in catalogue}
    assert GrantAction.PAYMENT_APPROVE in kinds["grant_decided"].events
    assert GrantAction.PAYMENT_REQUEST in kinds["grant_filed"].events
