"""Reads of grants: the round's rules, the money paid and requested, due dates, the RP queues."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from applications.models import FundingRound

from . import deadlines
from .models import ZERO, Grant, GrantRules, PaymentRequest
from .workflow import COUNTED_PAYMENT_STATES, PAID_PAYMENT_STATES


def rules_for(round_: FundingRound | int) -> GrantRules:
    """The round's grant rules; a round without a row gets the defaults (unsaved)."""
    round_id = round_ if isinstance(round_, int) else round_.pk
    rules = GrantRules.objects.filter(round_id=round_id).first()
    return rules if rules is not None else GrantRules(round_id=round_id)


def grant_paid_total(grant: Grant) -> Decimal:
    """The money paid out on ``grant`` (sum of the approved amounts of paid requests)."""
    total = PaymentRequest.objects.filter(grant=grant, state__in=PAID_PAYMENT_STATES).aggregate(
        s=Sum("approved_amount")
    )["s"]
    return total if total is not None else ZERO


def grant_requested_total(grant: Grant, *, exclude_pk: int | None = None) -> Decimal:
    """What the open, approved and paid requests take from the granted amount (the cap): the
    approved amount where RP decided, the requested amount before."""
    qs = PaymentRequest.objects.filter(grant=grant, state__in=COUNTED_PAYMENT_STATES)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return sum((r.counted_amount for r in qs.only("amount", "approved_amount")), ZERO)


def grant_available(grant: Grant) -> Decimal:
    """What may still be requested."""
    return max(grant.granted_amount - grant_requested_total(grant), ZERO)


def grant_term_end(grant: Grant) -> dt.date | None:
    """The end of the term including the granted extensions."""
    return deadlines.term_end(grant.application.end_date, [grant.extended_until])


def grant_binding_date(grant: Grant, rules: GrantRules | None = None) -> dt.date:
    """When the decision is (or will be) binding: the stored day, else by the appeal period."""
    if grant.binding_on is not None:
        return grant.binding_on
    rules = rules or rules_for(grant.application.round_id)
    return deadlines.binding_date(grant.notified_on, rules.appeal_period_months)


def grant_interim_report_due_dates(
    grant: Grant, rules: GrantRules | None = None
) -> list[tuple[int, dt.date]]:
    rules = rules or rules_for(grant.application.round_id)
    return deadlines.interim_report_due_dates(
        grant.term_start, grant_term_end(grant), rules.interim_report_months
    )


def grant_final_report_due_date(grant: Grant, rules: GrantRules | None = None) -> dt.date | None:
    rules = rules or rules_for(grant.application.round_id)
    return deadlines.final_report_due_date(grant_term_end(grant), rules.final_report_months)
