"""Notices under the Mitteilungspflicht (ANBest-GK): recorded; RP notes them or lowers the grant
(Fehlbedarfsfinanzierung: less cost or more third-party funds lower the gap)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from applications.services.costs import parse_amount
from core.formatting import de_amount
from grants.models import Grant, Notice, NoticeKind
from grants.workflow import NOTICE, GrantAction, GrantState

from .payments import _amount
from .transitions import Step, grant_object_transition, hook

# Kinds whose notice names an amount (new total cost, further funds, money not usable).
AMOUNT_KINDS = frozenset(
    {NoticeKind.COST_FELL, NoticeKind.THIRD_PARTY_FUNDS, NoticeKind.NOT_USABLE}
)
TEXT_MAX = 5000


@hook(GrantAction.NOTICE_FILE)
def _file(step: Step) -> None:
    if step.grant.state == GrantState.CLOSED:
        raise ValidationError(_("Die Zuwendung ist abgeschlossen."), code="closed")
    kind = step.data.get("kind")
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": [_("Bitte wählen Sie den Anlass der Mitteilung.")]})
    text = str(step.data.get("text") or "").strip()
    errors = {}
    if not text:
        errors["text"] = [_("Bitte erläutern Sie, was sich geändert hat.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("Die Erläuterung darf höchstens 5.000 Zeichen lang sein.")]
    amount = None
    if kind in AMOUNT_KINDS:
        try:
            amount = _amount(step.data.get("amount"), "amount")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    step.obj = Notice.objects.create(
        grant=step.grant,
        kind=kind,
        text=text,
        amount=amount,
        filed_at=step.now,
        filed_by=step.actor,
    )
    step.event_data.update({"notice_kind": kind, "amount": amount})


def _decide(step: Step) -> None:
    step.obj.decided_at = step.now
    step.obj.decided_by = step.actor
    step.obj.decision_text = step.message
    step.fields += ["decided_at", "decided_by", "decision_text"]


@hook(GrantAction.NOTICE_NOTE)
def _note(step: Step) -> None:
    _decide(step)


@hook(GrantAction.NOTICE_LOWER)
def _lower(step: Step) -> None:
    grant = step.grant
    new = step.data.get("new_amount")
    try:
        amount = parse_amount(new)
    except ValidationError as exc:
        raise ValidationError({"new_amount": exc.messages}) from None
    if amount >= grant.granted_amount:
        raise ValidationError(
            {
                "new_amount": [
                    _("Die neue Zuwendung muss niedriger sein als die bisherige (%(amount)s).")
                    % {"amount": de_amount(grant.granted_amount)}
                ]
            }
        )
    _decide(step)
    step.obj.lowered_from = grant.granted_amount
    step.obj.lowered_to = amount
    step.fields += ["lowered_from", "lowered_to"]
    grant.granted_amount = amount
    step.grant_fields.append("granted_amount")
    step.event_data.update({"lowered_from": step.obj.lowered_from, "lowered_to": amount})


def notice_file(
    *, grant: Grant, user, kind: str, text: str, amount: Any = None, now=None
) -> Notice:
    _grant, notice = grant_object_transition(
        grant=grant, kind=NOTICE, action=GrantAction.NOTICE_FILE, actor=user,
        data={"kind": kind, "text": text, "amount": amount}, now=now,
    )  # fmt: skip
    return notice


def notice_note(*, notice: Notice, user, message: str = "", now=None) -> Notice:
    _grant, notice = grant_object_transition(
        grant=notice.grant_id, kind=NOTICE, obj=notice, action=GrantAction.NOTICE_NOTE,
        actor=user, message=message, now=now,
    )  # fmt: skip
    return notice


def notice_lower_grant(*, notice: Notice, user, new_amount: Any, reason: str, now=None) -> Notice:
    """RP lowers the grant to ``new_amount`` because of ``notice``. What was paid beyond it is
    claimed back in the settlement (``reports``)."""
    _grant, notice = grant_object_transition(
        grant=notice.grant_id, kind=NOTICE, obj=notice, action=GrantAction.NOTICE_LOWER,
        actor=user, message=reason, data={"new_amount": new_amount}, now=now,
    )  # fmt: skip
    return notice
