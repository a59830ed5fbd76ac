"""Payment requests: only once binding, the two-month rule, the cap of the granted amount
(over all requests, and after RP lowered the grant), RP's approval with a lower amount and the
payment order, refusal with a reason, payment; grant_paid_total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.models import ApplicationEvent
from core.models import OutboxMessage
from grants import services
from grants.models import PaymentOrder
from grants.selectors import grant_available, grant_paid_total
from grants.workflow import GrantAction, PaymentState, TransitionNotAllowed

from .conftest import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 4)  # the request's day
IBAN = "DE89 3704 0044 0532 0130 00"


def request(grant, user, amount="5.000,00", items=None, day=DAY, **kwargs):
    items = items or [{"description": "Moderation Werkstatt 1", "due_on": day, "amount": amount}]
    return services.payment_request_create(
        grant=grant, user=user, amount=amount, items=items, iban=kwargs.get("iban", IBAN),
        account_holder=kwargs.get("account_holder", "Stadtkasse Heppenheim"), now=at(day),
    )  # fmt: skip


def messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_request_needs_a_binding_decision(grant, applicant):
    with pytest.raises(ValidationError) as exc:
        request(grant, applicant, day=dt.date(2026, 3, 20))
    assert "bestandskräftig ab 07.04.2026" in " ".join(exc.value.messages)


def test_request_after_the_appeal_period_makes_it_binding_first(grant, applicant):
    req = request(grant, applicant, day=dt.date(2026, 4, 7))
    assert req.state == PaymentState.REQUESTED
    grant.refresh_from_db()
    assert grant.state == "binding"


def test_request_records_items_account_and_number(binding_grant, applicant):
    items = [
        {"description": "Moderation", "due_on": DAY, "amount": "3.000,00"},
        {"description": "Saalmiete", "due_on": dt.date(2026, 7, 4), "amount": "2.500,00"},
    ]
    req = request(binding_grant, applicant, amount="5.500,00", items=items)
    assert req.number == 1 and req.amount == Decimal("5500.00")
    assert req.iban == "DE89370400440532013000"
    assert [i.description for i in req.items.all()] == ["Moderation", "Saalmiete"]
    event = ApplicationEvent.objects.get(action=GrantAction.PAYMENT_REQUEST)
    assert event.actor == applicant and event.data["number"] == 1
    assert OutboxMessage.objects.filter(task_name="documents.render_payment_request").exists()
    assert request(binding_grant, applicant, amount="1.000,00").number == 2


def test_two_month_rule(binding_grant, applicant):
    late = [{"description": "Druck", "due_on": dt.date(2026, 7, 5), "amount": "1.000,00"}]
    with pytest.raises(ValidationError) as exc:
        request(binding_grant, applicant, amount="1.000,00", items=late)
    assert "bis zum 04.07.2026" in messages(exc) and "05.07.2026" in messages(exc)
    assert not binding_grant.payment_requests.exists()


def test_amount_at_most_what_the_payments_need(binding_grant, applicant):
    items = [{"description": "Druck", "due_on": DAY, "amount": "1.000,00"}]
    with pytest.raises(ValidationError) as exc:
        request(binding_grant, applicant, amount="1.000,01", items=items)
    assert "1.000,00 €" in messages(exc)


def test_cap_over_all_requests(binding_grant, applicant, officer):
    first = request(binding_grant, applicant, amount="10.000,00")
    services.payment_approve(request=first, user=officer, approved_amount="8.000,00")
    request(binding_grant, applicant, amount="9.000,00")
    assert grant_available(binding_grant) == Decimal("1000.00")
    with pytest.raises(ValidationError) as exc:
        request(binding_grant, applicant, amount="1.000,01")
    assert "höchstens noch abrufbar: 1.000,00 €" in messages(exc)
    request(binding_grant, applicant, amount="1.000,00")
    assert grant_available(binding_grant) == Decimal("0.00")


def test_refused_and_withdrawn_requests_free_their_amount(binding_grant, applicant, officer):
    a = request(binding_grant, applicant, amount="18.000,00")
    services.payment_refuse(request=a, user=officer, reason="Belege fehlen")
    b = request(binding_grant, applicant, amount="18.000,00")
    services.payment_withdraw(request=b, user=applicant)
    assert request(binding_grant, applicant, amount="18.000,00").number == 3


def test_approve_lower_amount_creates_the_payment_order(binding_grant, applicant, officer):
    req = request(binding_grant, applicant, amount="5.000,00")
    req = services.payment_approve(
        request=req, user=officer, approved_amount="4.000,00", now=at(dt.date(2026, 5, 6))
    )
    assert req.state == PaymentState.APPROVED and req.approved_amount == Decimal("4000.00")
    order = PaymentOrder.objects.get()
    assert order.amount == Decimal("4000.00") and order.ordered_on == dt.date(2026, 5, 6)
    assert order.number == f"{binding_grant.application.reference}-A1"
    assert order.iban == "DE89370400440532013000"
    assert OutboxMessage.objects.filter(task_name="documents.render_payment_order").exists()
    # The lower amount frees the rest.
    assert grant_available(binding_grant) == Decimal("14000.00")


def test_approve_never_above_the_request(binding_grant, applicant, officer):
    req = request(binding_grant, applicant, amount="5.000,00")
    with pytest.raises(ValidationError) as exc:
        services.payment_approve(request=req, user=officer, approved_amount="5.000,01")
    assert "höchstens den abgerufenen Betrag (5.000,00 €)" in messages(exc)


def test_refuse_needs_a_reason(binding_grant, applicant, officer):
    req = request(binding_grant, applicant)
    with pytest.raises(ValidationError) as exc:
        services.payment_refuse(request=req, user=officer, reason=" ")
    assert "begründen" in messages(exc)


def test_paid_total_counts_only_paid(binding_grant, applicant, officer):
    a = request(binding_grant, applicant, amount="5.000,00")
    b = request(binding_grant, applicant, amount="3.000,00")
    services.payment_approve(request=a, user=officer, approved_amount="4.500,00", now=at(DAY))
    services.payment_approve(request=b, user=officer, now=at(DAY))
    assert grant_paid_total(binding_grant) == Decimal("0.00")
    services.payment_mark_paid(request=a, user=officer, paid_on=DAY, now=at(DAY))
    assert grant_paid_total(binding_grant) == Decimal("4500.00")
    with pytest.raises(ValidationError):
        services.payment_mark_paid(
            request=b, user=officer, paid_on=DAY + dt.timedelta(days=1), now=at(DAY)
        )


def test_municipality_cannot_approve_its_own_request(binding_grant, applicant, other_staff):
    req = request(binding_grant, applicant)
    with pytest.raises(TransitionNotAllowed):
        services.payment_approve(request=req, user=applicant)
    with pytest.raises(TransitionNotAllowed):
        request(binding_grant, other_staff)


def test_bad_iban_and_missing_holder(binding_grant, applicant):
    with pytest.raises(ValidationError) as exc:
        request(binding_grant, applicant, iban="DE89 3704 0044 0532 0130 01", account_holder="")
    assert set(exc.value.message_dict) == {"iban", "account_holder"}
