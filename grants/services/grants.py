"""The grant itself: created for an approved application, accepted, the appeal waived or the
appeal period passed (binding), closed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import workflow as application_workflow
from applications.models import Application
from applications.services.base import lock_application, now_or, record_event
from grants import deadlines
from grants.models import Grant
from grants.selectors import grant_binding_date, rules_for
from grants.workflow import GRANT, OPEN_GRANT_STATES, GrantAction, GrantState

from .transitions import Step, grant_object_transition, hook


@transaction.atomic
def grant_ensure(application: Application | int, *, now: dt.datetime | None = None) -> Grant:
    """The grant of an approved application, created on first need (idempotent: the
    application row is locked, so two callers create one grant). Then made binding if its
    appeal period has passed (``grant_refresh``).

    Grants are created lazily rather than by a hook in the decision: ``grants`` sits above
    ``reviews`` and ``applications`` and must not be imported by them. Every path that needs a
    grant goes through here: the application's "Nach der Bewilligung" page, the RP queues'
    periodic task (``grants.tasks.grants_daily``, which also creates the grants of approvals
    made since its last run, so reminders never miss one), and the demo seed."""
    now = now_or(now)
    pk = application if isinstance(application, int) else application.pk
    grant = Grant.objects.filter(application_id=pk).first()
    if grant is None:
        app = lock_application(pk)
        grant = Grant.objects.filter(application_id=pk).first()
        if grant is None:
            if not application_workflow.in_state(app.status, "granted"):
                raise ValidationError(
                    _("Für diesen Antrag gibt es keine Bewilligung."), code="not_granted"
                )
            rules = rules_for(app.round_id)
            assert app.granted_amount is not None  # an approval has one (a constraint)
            decided_on = timezone.localdate(app.decided_at or now)
            grant = Grant.objects.create(
                application=app,
                state=GrantState.NOTIFIED,
                granted_amount=app.granted_amount,
                decided_on=decided_on,
                notified_on=deadlines.notification_date(decided_on, rules.notification_days),
                created_at=now,
                updated_at=now,
            )
            record_event(
                app,
                None,
                GrantAction.CREATED,
                data={"grant": grant.pk, "kind": GRANT, "to": GrantState.NOTIFIED},
                now=now,
            )
    return grant_refresh(grant, now=now)


def grant_refresh(grant: Grant, *, now: dt.datetime | None = None) -> Grant:
    """Make the decision binding when its appeal period has passed (the system acts)."""
    now = now_or(now)
    if grant.state in OPEN_GRANT_STATES and timezone.localdate(now) >= grant_binding_date(grant):
        grant, _obj = grant_object_transition(
            grant=grant, kind=GRANT, action=GrantAction.BIND, actor=None, now=now
        )
    return grant


def grants_create_missing(*, now: dt.datetime | None = None) -> int:
    """Give every approved application without a grant its grant (the periodic task, the demo
    seed, and a deployment that had approvals before this app). Returns how many."""
    ids = list(
        Application.objects.filter(
            status__in=application_workflow.GRANTED_STATUSES, grant__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        grant_ensure(pk, now=now)
    return len(ids)


def grants_bind_due(*, now: dt.datetime | None = None) -> int:
    """Make every decision binding whose appeal period has passed; returns how many."""
    now = now_or(now)
    count = 0
    for grant in Grant.objects.filter(state__in=OPEN_GRANT_STATES).with_related():
        if grant_refresh(grant, now=now).state not in OPEN_GRANT_STATES:
            count += 1
    return count


@hook(GrantAction.ACCEPT)
def _accept(step: Step) -> None:
    step.obj.accepted_at = step.now
    step.obj.accepted_by = step.actor
    step.fields += ["accepted_at", "accepted_by"]


@hook(GrantAction.WAIVE)
def _waive(step: Step) -> None:
    grant = step.obj
    if grant.accepted_at is None:  # acceptance and waiver in one declaration
        grant.accepted_at = step.now
        grant.accepted_by = step.actor
    grant.waived_at = step.now
    grant.waived_by = step.actor
    rules = rules_for(grant.application.round_id)
    grant.binding_on = deadlines.binding_date(
        grant.notified_on, rules.appeal_period_months, timezone.localdate(step.now)
    )
    step.fields += ["accepted_at", "accepted_by", "waived_at", "waived_by", "binding_on"]
    step.event_data["binding_on"] = grant.binding_on


@hook(GrantAction.BIND)
def _bind(step: Step) -> None:
    step.obj.binding_on = grant_binding_date(step.obj)
    step.fields.append("binding_on")
    step.event_data["binding_on"] = step.obj.binding_on


@hook(GrantAction.CLOSE)
def _close(step: Step) -> None:
    step.obj.closed_at = step.now
    step.fields.append("closed_at")


def grant_accept(*, grant: Grant, user, waive_appeal: bool = False, now=None) -> Grant:
    """The municipality accepts the grant; with ``waive_appeal`` it also waives its right of
    appeal (Rechtsbehelfsverzicht), which makes the decision binding at once."""
    action = GrantAction.WAIVE if waive_appeal else GrantAction.ACCEPT
    grant, _obj = grant_object_transition(
        grant=grant, kind=GRANT, action=action, actor=user, now=now
    )
    return grant


def grant_waive(*, grant: Grant, user, now=None) -> Grant:
    """Waive the appeal after accepting (binding at once)."""
    grant, _obj = grant_object_transition(
        grant=grant, kind=GRANT, action=GrantAction.WAIVE, actor=user, now=now
    )
    return grant


def grant_close(*, grant: Grant, user, message: str = "", now=None) -> Grant:
    """Close the grant (after the settlement of the final report; ``reports`` calls this)."""
    grant, _obj = grant_object_transition(
        grant=grant, kind=GRANT, action=GrantAction.CLOSE, actor=user, message=message, now=now
    )
    return grant
