"""Payment requests (Mittelabruf): the two-month rule, the cap of the granted amount, RP's
approval (possibly lower) with the payment order, refusal, withdrawal, payment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services.base import now_or
from applications.services.costs import parse_amount
from core.formatting import de_amount, de_date
from core.outbox import outbox_enqueue
from core.validators import normalize_iban, validate_iban
from grants import deadlines
from grants.models import ZERO, Grant, PaymentItem, PaymentOrder, PaymentRequest
from grants.selectors import grant_binding_date, grant_requested_total, rules_for
from grants.workflow import ACTIVE_GRANT_STATES, PAYMENT, GrantAction

from .grants import grant_refresh
from .transitions import Step, grant_object_transition, hook

PURPOSE_MAX = 140  # the Verwendungszweck of a SEPA transfer


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = parse_amount(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    if amount <= 0:
        raise ValidationError({field: [_("Der Betrag muss größer als 0 € sein.")]})
    return amount


def _items(raw: Sequence[Mapping[str, Any]]) -> list[PaymentItem]:
    items = []
    for position, row in enumerate(raw):
        description = str(row.get("description") or "").strip()
        due_on = row.get("due_on")
        if isinstance(due_on, str) and due_on:
            due_on = dt.date.fromisoformat(due_on)
        if not description or not isinstance(due_on, dt.date):
            raise ValidationError(
                {
                    "items": [
                        _(
                            "Bitte geben Sie zu jeder Zahlung an, wofür sie geleistet wird und "
                            "wann sie fällig ist."
                        )
                    ]
                }
            )
        items.append(
            PaymentItem(
                description=description[:300],
                due_on=due_on,
                amount=_amount(row.get("amount"), "items"),
                position=position,
            )
        )
    if not items:
        raise ValidationError(
            {
                "items": [
                    _("Bitte nennen Sie mindestens eine Zahlung, für die das Geld benötigt wird.")
                ]
            }
        )
    return items


def cap_error(grant: Grant, amount: Decimal, *, exclude_pk: int | None = None) -> str | None:
    """The message if ``amount`` on top of the other requests exceeds the granted amount."""
    taken = grant_requested_total(grant, exclude_pk=exclude_pk)
    if taken + amount <= grant.granted_amount:
        return None
    return _(
        "Die Summe aller Mittelabrufe darf die bewilligte Zuwendung von %(granted)s nicht "
        "übersteigen. Bereits abgerufen: %(taken)s; höchstens noch abrufbar: %(left)s."
    ) % {
        "granted": de_amount(grant.granted_amount),
        "taken": de_amount(taken),
        "left": de_amount(max(grant.granted_amount - taken, ZERO)),
    }


@hook(GrantAction.PAYMENT_REQUEST)
def _request(step: Step) -> None:
    grant, data = step.grant, step.data
    if grant.state not in ACTIVE_GRANT_STATES:
        raise ValidationError(
            _(
                "Mittel können erst abgerufen werden, wenn der Bescheid bestandskräftig ist: "
                "nach Ihrem Rechtsbehelfsverzicht oder nach Ablauf der Rechtsbehelfsfrist "
                "(bestandskräftig ab %(date)s)."
            )
            % {"date": de_date(grant_binding_date(grant))},
            code="not_binding",
        )
    items = _items(data.get("items") or [])
    amount = _amount(data.get("amount"), "amount")
    errors: dict[str, list[str]] = {}
    needed = sum((i.amount for i in items), ZERO)
    if amount > needed:
        errors.setdefault("amount", []).append(
            _(
                "Sie können höchstens so viel abrufen, wie für die genannten Zahlungen benötigt "
                "wird (%(needed)s)."
            )
            % {"needed": de_amount(needed)}
        )
    if message := cap_error(grant, amount):
        errors.setdefault("amount", []).append(message)
    rules = rules_for(grant.application.round_id)
    today = timezone.localdate(step.now)
    late = deadlines.payments_outside_window(
        [i.due_on for i in items], today, rules.payment_window_months
    )
    if late:
        errors.setdefault("items", []).append(
            _(
                "Mittel dürfen nur für Zahlungen abgerufen werden, die binnen %(months)s Monaten "
                "nach der Auszahlung fällig sind, also bis zum %(limit)s. Später fällig: "
                "%(dates)s. Bitte rufen Sie diese Mittel später ab."
            )
            % {
                "months": rules.payment_window_months,
                "limit": de_date(deadlines.payment_needed_by(today, rules.payment_window_months)),
                "dates": ", ".join(de_date(d) for d in sorted(set(late))),
            }
        )
    iban = normalize_iban(str(data.get("iban") or ""))
    holder = str(data.get("account_holder") or "").strip()
    try:
        validate_iban(iban)
        if not iban:
            raise ValidationError(_("Bitte geben Sie die IBAN des Kontos an."))
    except ValidationError as exc:
        errors["iban"] = exc.messages
    if not holder:
        errors["account_holder"] = [_("Bitte geben Sie den Kontoinhaber an.")]
    if errors:
        raise ValidationError(errors)
    number = (grant.payment_requests.aggregate(n=Max("number"))["n"] or 0) + 1
    request = PaymentRequest.objects.create(
        grant=grant,
        number=number,
        amount=amount,
        iban=iban,
        account_holder=holder[:200],
        requested_at=step.now,
        requested_by=step.actor,
    )
    for item in items:
        item.request = request
    PaymentItem.objects.bulk_create(items)
    step.obj = request
    step.event_data.update({"number": number, "amount": amount, "payments": len(items)})
    outbox_enqueue("documents.render_payment_request", request.pk)


@hook(GrantAction.PAYMENT_APPROVE)
def _approve(step: Step) -> None:
    request: PaymentRequest = step.obj
    raw = step.data.get("approved_amount")
    approved = request.amount if raw in (None, "") else _amount(raw, "approved_amount")
    if approved > request.amount:
        raise ValidationError(
            {
                "approved_amount": [
                    _("Sie können höchstens den abgerufenen Betrag (%(amount)s) freigeben.")
                    % {"amount": de_amount(request.amount)}
                ]
            }
        )
    if message := cap_error(step.grant, approved, exclude_pk=request.pk):
        raise ValidationError({"approved_amount": [message]})
    request.approved_amount = approved
    request.decided_at = step.now
    request.decided_by = step.actor
    request.decision_reason = step.message
    step.fields += ["approved_amount", "decided_at", "decided_by", "decision_reason"]
    application = step.grant.application
    label = application.reference or str(application.pk)
    order = PaymentOrder.objects.create(
        request=request,
        number=f"{label}-A{request.number}",
        ordered_on=timezone.localdate(step.now),
        amount=approved,
        iban=request.iban,
        account_holder=request.account_holder,
        purpose=(
            _("%(reference)s Zuwendung WIR Mittelabruf %(number)s")
            % {"reference": label, "number": request.number}
        )[:PURPOSE_MAX],
        ordered_by=step.actor,
        created_at=step.now,
    )
    step.event_data.update(
        {"number": request.number, "amount": request.amount, "approved_amount": approved}
    )
    outbox_enqueue("documents.render_payment_order", order.pk)


@hook(GrantAction.PAYMENT_REFUSE)
def _refuse(step: Step) -> None:
    request: PaymentRequest = step.obj
    request.decided_at = step.now
    request.decided_by = step.actor
    request.decision_reason = step.message
    step.fields += ["decided_at", "decided_by", "decision_reason"]
    step.event_data["number"] = request.number


@hook(GrantAction.PAYMENT_WITHDRAW)
def _withdraw(step: Step) -> None:
    step.event_data["number"] = step.obj.number


@hook(GrantAction.PAYMENT_PAY)
def _pay(step: Step) -> None:
    request: PaymentRequest = step.obj
    paid_on = step.data.get("paid_on") or timezone.localdate(step.now)
    if isinstance(paid_on, str):
        paid_on = dt.date.fromisoformat(paid_on)
    if paid_on > timezone.localdate(step.now):
        raise ValidationError(
            {"paid_on": [_("Das Auszahlungsdatum darf nicht in der Zukunft liegen.")]}
        )
    if paid_on < timezone.localdate(request.decided_at or step.now):
        raise ValidationError(
            {"paid_on": [_("Die Auszahlung kann nicht vor der Freigabe erfolgt sein.")]}
        )
    request.paid_on = paid_on
    step.fields.append("paid_on")
    step.event_data.update(
        {"number": request.number, "paid_on": paid_on, "amount": request.approved_amount}
    )


# The named services ----------------------------------------------------------------------------
@transaction.atomic
def payment_request_create(
    *,
    grant: Grant,
    user,
    amount: Any,
    items: Sequence[Mapping[str, Any]],
    iban: str,
    account_holder: str,
    now: dt.datetime | None = None,
) -> PaymentRequest:
    """The municipality calls off ``amount`` for ``items`` (description, due_on, amount), to
    be paid to ``iban``. Refused unless the decision is binding, the payments fall due within
    the round's payment window and the sum of all requests stays within the grant."""
    now = now_or(now)
    grant = grant_refresh(grant, now=now)
    _grant, request = grant_object_transition(
        grant=grant,
        kind=PAYMENT,
        action=GrantAction.PAYMENT_REQUEST,
        actor=user,
        data={
            "amount": amount,
            "items": list(items),
            "iban": iban,
            "account_holder": account_holder,
        },
        now=now,
    )
    return request


def payment_approve(
    *, request: PaymentRequest, user, approved_amount: Any = None, message: str = "", now=None
):
    """RP approves (``approved_amount`` at most the requested amount; empty: all of it); the
    payment order (Auszahlungsanordnung) is created and its PDF rendered after the commit."""
    _grant, request = grant_object_transition(
        grant=request.grant_id,
        kind=PAYMENT,
        obj=request,
        action=GrantAction.PAYMENT_APPROVE,
        actor=user,
        message=message,
        data={"approved_amount": approved_amount},
        now=now,
    )
    return request


def payment_refuse(*, request: PaymentRequest, user, reason: str, now=None) -> PaymentRequest:
    _grant, request = grant_object_transition(
        grant=request.grant_id, kind=PAYMENT, obj=request, action=GrantAction.PAYMENT_REFUSE,
        actor=user, message=reason, now=now,
    )  # fmt: skip
    return request


def payment_withdraw(
    *, request: PaymentRequest, user, reason: str = "", now=None
) -> PaymentRequest:
    _grant, request = grant_object_transition(
        grant=request.grant_id, kind=PAYMENT, obj=request, action=GrantAction.PAYMENT_WITHDRAW,
        actor=user, message=reason, now=now,
    )  # fmt: skip
    return request


def payment_mark_paid(*, request: PaymentRequest, user, paid_on: dt.date | None = None, now=None):
    """RP records that the state's cash office paid the approved amount on ``paid_on``."""
    _grant, request = grant_object_transition(
        grant=request.grant_id, kind=PAYMENT, obj=request, action=GrantAction.PAYMENT_PAY,
        actor=user, data={"paid_on": paid_on}, now=now,
    )  # fmt: skip
    return request
