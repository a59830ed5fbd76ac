"""Change requests (Änderungsantrag): a longer term or a change of content; RP grants or refuses
it with a decision letter (PDF). A granted extension moves the due dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.formatting import de_date
from core.outbox import outbox_enqueue
from grants.models import ChangeKind, ChangeRequest, Grant
from grants.selectors import grant_term_end
from grants.workflow import CHANGE, GrantAction, GrantState

from .notices import TEXT_MAX
from .transitions import Step, grant_object_transition, hook


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


@hook(GrantAction.CHANGE_REQUEST)
def _request(step: Step) -> None:
    grant = step.grant
    if grant.state == GrantState.CLOSED:
        raise ValidationError(_("Die Zuwendung ist abgeschlossen."), code="closed")
    kind = step.data.get("kind")
    errors: dict[str, list[str]] = {}
    if kind not in ChangeKind.values:
        errors["kind"] = [_("Bitte wählen Sie die Art der Änderung.")]
    text = str(step.data.get("text") or "").strip()
    if not text:
        errors["text"] = [_("Bitte begründen Sie die beantragte Änderung.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("Die Begründung darf höchstens 5.000 Zeichen lang sein.")]
    current_end = grant_term_end(grant)
    new_end = _date(step.data.get("new_end_date"))
    if kind == ChangeKind.TERM:
        if new_end is None:
            errors["new_end_date"] = [_("Bitte geben Sie das neue Ende des Vorhabens an.")]
        elif current_end is not None and new_end <= current_end:
            errors["new_end_date"] = [
                _("Das neue Ende muss nach dem bisherigen Ende (%(date)s) liegen.")
                % {"date": de_date(current_end)}
            ]
    if errors:
        raise ValidationError(errors)
    step.obj = ChangeRequest.objects.create(
        grant=grant,
        kind=str(kind),
        text=text,
        new_end_date=new_end if kind == ChangeKind.TERM else None,
        previous_end_date=current_end,
        requested_at=step.now,
        requested_by=step.actor,
    )
    step.event_data.update({"change_kind": kind, "new_end_date": step.obj.new_end_date})


def _decide(step: Step) -> None:
    step.obj.decided_at = step.now
    step.obj.decided_by = step.actor
    step.obj.decision_reason = step.message
    step.fields += ["decided_at", "decided_by", "decision_reason"]
    step.event_data["change_kind"] = step.obj.kind
    outbox_enqueue("documents.render_change_decision", step.obj.pk)


@hook(GrantAction.CHANGE_GRANT)
def _grant(step: Step) -> None:
    _decide(step)
    change: ChangeRequest = step.obj
    if change.kind == ChangeKind.TERM:
        current_end = grant_term_end(step.grant)
        new_end = change.new_end_date
        if current_end is not None and new_end is not None and new_end <= current_end:
            raise ValidationError(
                _(
                    "Der Bewilligungszeitraum reicht inzwischen bis %(date)s; diese Verlängerung "
                    "würde ihn nicht verlängern. Bitte lehnen Sie den Antrag ab."
                )
                % {"date": de_date(current_end)}
            )
        step.grant.extended_until = change.new_end_date
        step.grant_fields.append("extended_until")
        step.event_data.update(
            {"previous_end_date": current_end, "new_end_date": change.new_end_date}
        )


@hook(GrantAction.CHANGE_REFUSE)
def _refuse(step: Step) -> None:
    _decide(step)


def change_request_create(
    *, grant: Grant, user, kind: str, text: str, new_end_date: Any = None, now=None
) -> ChangeRequest:
    _grant, change = grant_object_transition(
        grant=grant, kind=CHANGE, action=GrantAction.CHANGE_REQUEST, actor=user,
        data={"kind": kind, "text": text, "new_end_date": new_end_date}, now=now,
    )  # fmt: skip
    return change


def change_grant(*, change: ChangeRequest, user, message: str = "", now=None) -> ChangeRequest:
    _grant, change = grant_object_transition(
        grant=change.grant_id, kind=CHANGE, obj=change, action=GrantAction.CHANGE_GRANT,
        actor=user, message=message, now=now,
    )  # fmt: skip
    return change


def change_refuse(*, change: ChangeRequest, user, reason: str, now=None) -> ChangeRequest:
    _grant, change = grant_object_transition(
        grant=change.grant_id, kind=CHANGE, obj=change, action=GrantAction.CHANGE_REFUSE,
        actor=user, message=reason, now=now,
    )  # fmt: skip
    return change


def change_withdraw(*, change: ChangeRequest, user, reason: str = "", now=None) -> ChangeRequest:
    _grant, change = grant_object_transition(
        grant=change.grant_id, kind=CHANGE, obj=change, action=GrantAction.CHANGE_WITHDRAW,
        actor=user, message=reason, now=now,
    )  # fmt: skip
    return change
