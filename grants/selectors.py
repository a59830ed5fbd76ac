"""Reads of grants: the round's rules, the money paid and requested, due dates, the RP queues."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Min, QuerySet, Sum

from applications.models import FundingRound

from . import deadlines
from .models import ZERO, ChangeRequest, Grant, GrantRules, Notice, PaymentOrder, PaymentRequest
from .workflow import COUNTED_PAYMENT_STATES, PAID_PAYMENT_STATES, GrantState


def rules_for(round_: FundingRound | int) -> GrantRules:
    """The round's grant rules; a round without a row gets the defaults (unsaved)."""
    round_id = round_ if isinstance(round_, int) else round_.pk
    rules = GrantRules.objects.filter(round_id=round_id).first()
    return rules if rules is not None else GrantRules(round_id=round_id)


def rules_by_round(round_ids) -> dict[int, GrantRules]:
    """The rules of several rounds in one query (defaults for rounds without a row)."""
    found = {r.round_id: r for r in GrantRules.objects.filter(round_id__in=list(round_ids))}
    return {pk: found.get(pk) or GrantRules(round_id=pk) for pk in round_ids}


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


# One object with what its page and its PDF show ---------------------------------------------------
def payment_request_detail(pk: int) -> PaymentRequest | None:
    """A payment request with its grant, application, items and order (or None)."""
    return (
        PaymentRequest.objects.select_related(
            "grant__application__round",
            "grant__application__lead_municipality",
            "requested_by",
            "decided_by",
        )
        .prefetch_related("items")
        .filter(pk=pk)
        .first()
    )


def payment_order_detail(pk: int) -> PaymentOrder | None:
    return (
        PaymentOrder.objects.select_related(
            "request__grant__application__round",
            "request__grant__application__lead_municipality",
            "ordered_by",
        )
        .prefetch_related("request__items")
        .filter(pk=pk)
        .first()
    )


def payment_orders_of_day(day: dt.date) -> list[PaymentOrder]:
    """The payment orders of one day, for the cash office's CSV (in order of their numbers)."""
    return list(
        PaymentOrder.objects.filter(ordered_on=day)
        .select_related("request__grant__application__lead_municipality", "ordered_by")
        .order_by("number")
    )


def change_request_detail(pk: int) -> ChangeRequest | None:
    return (
        ChangeRequest.objects.select_related(
            "grant__application__round",
            "grant__application__lead_municipality",
            "requested_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )


def change_request_number(change: ChangeRequest) -> int:
    """The running number of a change request within its grant (1, 2, ...)."""
    return ChangeRequest.objects.filter(grant_id=change.grant_id, pk__lte=change.pk).count()


def grant_ordered_total(grant: Grant, *, before: PaymentOrder | None = None) -> Decimal:
    """The sum of the payment orders of ``grant`` (those before ``before`` only)."""
    qs = PaymentOrder.objects.filter(request__grant=grant)
    if before is not None:
        qs = qs.filter(request__number__lt=before.request.number)
    total = qs.aggregate(s=Sum("amount"))["s"]
    return total if total is not None else ZERO


def _numbered(obj, number: int):
    obj.number = number  # the running number of change_request_number, without a query
    return obj


# Pages ---------------------------------------------------------------------------------------
def grant_page_data(grant: Grant) -> dict:
    """What the "Nach der Bewilligung" page shows of a grant: its requests (items, order),
    notices, change requests and the money, computed from the rows."""
    requests = list(
        grant.payment_requests.select_related("order").prefetch_related("items").order_by("number")
    )
    counted = [r for r in requests if r.state in COUNTED_PAYMENT_STATES]
    requested_total = sum((r.counted_amount for r in counted), ZERO)
    paid_total = sum(
        (r.approved_amount or ZERO for r in requests if r.state in PAID_PAYMENT_STATES), ZERO
    )
    return {
        "payment_requests": requests,
        "notices": list(grant.notices.order_by("filed_at", "pk")),
        "change_requests": [
            _numbered(c, n)
            for n, c in enumerate(grant.change_requests.select_related(None).order_by("pk"), 1)
        ],
        "requested_total": requested_total,
        "paid_total": paid_total,
        "available": max(grant.granted_amount - requested_total, ZERO),
    }


def queue_payment_requests(states) -> QuerySet[PaymentRequest]:
    """Payment requests in ``states`` of every grant, oldest first, with what the rows show."""
    return (
        PaymentRequest.objects.filter(state__in=states)
        .select_related("grant__application__lead_municipality")
        .annotate(item_count=Count("items"), first_due=Min("items__due_on"))
        .order_by("requested_at", "pk")
    )


def queue_notices(states) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(state__in=states)
        .select_related("grant__application__lead_municipality")
        .order_by("filed_at", "pk")
    )


def queue_change_requests(states) -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(state__in=states)
        .select_related("grant__application__lead_municipality")
        .order_by("requested_at", "pk")
    )


def grants_open() -> list[Grant]:
    """Every grant not closed, with its application (for the due items of the RP queue)."""
    return list(Grant.objects.exclude(state=GrantState.CLOSED).with_related())
