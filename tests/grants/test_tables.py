"""Every table, every state, every action, every role: the table's verdict is what the one
transition service does (allowed -> it runs or refuses only by the action's own rules; not in
the table -> "state"; a role the row does not name -> "role")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from applications.workflow import ADMIN, APPLICANT, CASE_OFFICER
from grants import workflow
from grants.models import ChangeRequest, Notice, PaymentRequest
from grants.services import grant_object_transition
from grants.workflow import (
    CHANGE,
    GRANT,
    NOTICE,
    PAYMENT,
    SYSTEM,
    ChangeState,
    GrantState,
    NoticeState,
    PaymentState,
    TransitionNotAllowed,
)

from .conftest import at

pytestmark = pytest.mark.django_db

STATES = {GRANT: GrantState, PAYMENT: PaymentState, NOTICE: NoticeState, CHANGE: ChangeState}
ROLES = (APPLICANT, CASE_OFFICER, ADMIN, SYSTEM)


def _actions(kind):
    return sorted({t.action for t in workflow.TRANSITIONS.values() if t.kind == kind})


def _make(kind, grant, state):
    if kind == PAYMENT:
        return PaymentRequest.objects.create(
            grant=grant, number=PaymentRequest.objects.count() + 1, state=state,
            amount=Decimal("1000.00"),
            approved_amount=Decimal("1000.00") if state in ("approved", "paid") else None,
            paid_on=dt.date(2026, 3, 20) if state == "paid" else None,
            iban="DE89370400440532013000", account_holder="Stadtkasse",
        )  # fmt: skip
    if kind == NOTICE:
        return Notice.objects.create(grant=grant, kind="cost_fell", state=state, text="x")
    return ChangeRequest.objects.create(grant=grant, kind="content", state=state, text="x")


def _outcome(call) -> str:
    sid = transaction.savepoint()
    try:
        call()
        outcome = "allowed"
    except TransitionNotAllowed as exc:
        outcome = exc.code
    except ValidationError:
        outcome = "allowed"  # past the table: refused by the action's own rules
    transaction.savepoint_rollback(sid)
    return outcome


@pytest.mark.parametrize(
    ("kind", "state"),
    [(k, s) for k in (GRANT, PAYMENT, NOTICE, CHANGE) for s in [None, *STATES[k].values]
     if not (k == GRANT and s is None)],
)  # fmt: skip
def test_table(kind, state, grant, applicant, officer, admin_user):
    actors = {APPLICANT: applicant, CASE_OFFICER: officer, ADMIN: admin_user, SYSTEM: None}
    if kind == GRANT:
        grant.state = state
        grant.binding_on = dt.date(2026, 3, 9) if state in ("binding", "closed") else None
        grant.save()
        obj = None
    else:
        grant.state = GrantState.BINDING
        grant.binding_on = dt.date(2026, 3, 9)
        grant.save()
        obj = None if state is None else _make(kind, grant, state).pk
    for action in _actions(kind):
        row = workflow.get_transition(kind, state, action)
        for role in ROLES:
            outcome = _outcome(
                lambda action=action, role=role: grant_object_transition(
                    grant=grant.pk,
                    kind=kind,
                    action=action,
                    actor=actors[role],
                    obj=obj,
                    message="Begründung",
                    now=at(dt.date(2026, 3, 20)),
                )  # fmt: skip
            )
            expected = "state" if row is None else ("allowed" if role in row.roles else "role")
            assert outcome == expected, (kind, state, action, role)


def test_every_state_is_reached_and_every_action_is_an_event():
    from applications.events import event_types

    for kind, states in STATES.items():
        targets = {t.target for t in workflow.TRANSITIONS.values() if t.kind == kind}
        assert targets == set(states.values), kind
    for action in workflow.GrantAction.values:
        assert action in event_types
