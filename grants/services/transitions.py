"""The one transition service of grants: lock, look up the table, check the role, run the
action's own rules (a hook), save the new state, write the event row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import permissions
from applications.models import Application
from applications.services.base import now_or, record_event
from grants import workflow
from grants.models import ChangeRequest, Grant, Notice, PaymentRequest
from grants.workflow import (
    CHANGE,
    GRANT,
    NOTICE,
    PAYMENT,
    SYSTEM,
    GrantAction,
    TransitionNotAllowed,
)
from municipalities.selectors import member_municipality_ids

MODELS: dict[str, type[models.Model]] = {
    GRANT: Grant,
    PAYMENT: PaymentRequest,
    NOTICE: Notice,
    CHANGE: ChangeRequest,
}


@dataclass
class Step:
    """What a hook sees and fills: the locked grant, the object (``None`` before a creating
    action; the hook creates it), the actor, the reason, the input, the moment."""

    grant: Grant
    obj: Any
    actor: Any
    message: str
    data: Mapping[str, Any]
    now: dt.datetime
    event_data: dict[str, Any] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)  # of ``obj`` changed by the hook
    grant_fields: list[str] = field(default_factory=list)  # of the grant, for other kinds


Hook = Callable[[Step], None]
HOOKS: dict[str, Hook] = {}


def hook(action: str) -> Callable[[Hook], Hook]:
    """Register the rules of ``action`` (services modules, at import)."""

    def register(fn: Hook) -> Hook:
        HOOKS[action] = fn
        return fn

    return register


_MESSAGE_REQUIRED_TEXT = {
    GrantAction.PAYMENT_REFUSE: gettext_lazy("Bitte begründen Sie die Ablehnung des Mittelabrufs."),
    GrantAction.CHANGE_REFUSE: gettext_lazy(
        "Bitte begründen Sie die Ablehnung des Änderungsantrags."
    ),
    GrantAction.NOTICE_LOWER: gettext_lazy("Bitte begründen Sie die Herabsetzung der Zuwendung."),
}


def roles_of(actor, application: Application) -> frozenset[str]:
    """The roles of ``actor`` for the grant of ``application``; ``None`` is the system."""
    if actor is None:
        return frozenset({SYSTEM})
    return permissions.workflow_roles(actor, application, member_ids=member_municipality_ids(actor))


def lock_grant(grant: Grant | int) -> Grant:
    """The grant row, locked until the end of the transaction, with its application."""
    pk = grant if isinstance(grant, int) else grant.pk
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__round", "application__lead_municipality")
        .get(pk=pk)
    )


@transaction.atomic
def grant_object_transition(
    *,
    grant: Grant | int,
    kind: str,
    action: str,
    actor,
    obj: Any = None,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> tuple[Grant, Any]:
    """Change the state of the grant (``kind=GRANT``) or of one of its objects (``obj``; the
    pk or instance of a PaymentRequest, Notice or ChangeRequest of this grant; ``None`` for an
    action that creates one). Locks the grant row (so requests of one grant queue up: the cap)
    and the object's row. Returns the grant and the object, both fresh.

    Raises ``TransitionNotAllowed`` (state or role) or ``ValidationError`` (the rules)."""
    now = now_or(now)
    locked = lock_grant(grant)
    if kind == GRANT:
        target_obj: Any = locked
    elif obj is None:
        target_obj = None
    else:
        pk = obj if isinstance(obj, int) else obj.pk
        target_obj = (
            MODELS[kind]._default_manager.select_for_update().filter(grant=locked).get(pk=pk)
        )
    try:
        action = GrantAction(action)
    except ValueError:
        raise TransitionNotAllowed(
            _("Die Aktion „%(action)s“ gibt es nicht.") % {"action": action}, code="state"
        ) from None
    state = target_obj.state if target_obj is not None else None
    transition = workflow.get_transition(kind, state, action)
    if transition is None:
        raise TransitionNotAllowed(
            _("„%(action)s“ ist im aktuellen Stand nicht möglich.") % {"action": action.label},
            code="state",
        )
    if not transition.roles & roles_of(actor, locked.application):
        raise TransitionNotAllowed(
            _("Sie sind nicht berechtigt, diesen Schritt auszuführen („%(action)s“).")
            % {"action": action.label},
            code="role",
        )
    message = (message or "").strip()
    if action in workflow.MESSAGE_REQUIRED and not message:
        raise ValidationError({"message": [_MESSAGE_REQUIRED_TEXT[action]]})
    step = Step(locked, target_obj, actor, message, dict(data or {}), now)
    if hook_fn := HOOKS.get(action):
        hook_fn(step)
    if step.obj is None:
        raise RuntimeError(f"The hook of {action} did not create the object.")
    step.obj.state = transition.target
    locked.updated_at = now
    if state is None:
        step.obj.save()
    else:
        extra = ["updated_at"] if kind == GRANT else []
        step.obj.save(update_fields=list(dict.fromkeys(["state", *step.fields, *extra])))
    if kind != GRANT:
        locked.save(update_fields=["updated_at", *step.grant_fields])
    record_event(
        locked.application_id,
        actor,
        action,
        message=message,
        data={
            "grant": locked.pk,
            "kind": kind,
            "object": step.obj.pk,
            "from": state or "",
            "to": transition.target,
            **step.event_data,
        },
        now=now,
    )
    return locked, step.obj
