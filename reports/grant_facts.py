"""What this app reads from ``grants``, in one place: the round's rules for reports, the due
dates (``grants.selectors`` on ``grants.deadlines``) and the money paid out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet, Sum

from applications import workflow as application_workflow
from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.models import ZERO, Grant, GrantRules, PaymentRequest
from grants.workflow import PAID_PAYMENT_STATES


def rules_of(grant: Grant) -> GrantRules:
    """The round's grant rules (prefetched by ``grants_for_due_dates`` where it matters)."""
    cached = getattr(grant, "_report_rules", None)
    return cached if cached is not None else grant_selectors.rules_for(grant.application.round_id)


def receipts_required(grant: Grant) -> bool:
    """Does the round require a Belegliste with the final report?"""
    return bool(rules_of(grant).receipts_required)


def interim_due_dates(grant: Grant) -> list[tuple[int, dt.date]]:
    """(budget year, due date) of each interim report the grant owes."""
    return list(grant_selectors.grant_interim_report_due_dates(grant, rules_of(grant)))


def final_due_date(grant: Grant) -> dt.date | None:
    return grant_selectors.grant_final_report_due_date(grant, rules_of(grant))


def paid_total(grant: Grant, *, budget_year: int | None = None) -> Decimal:
    """The grant paid out: in total (``grants.selectors.grant_paid_total``), or for an interim
    report the money paid out within ``budget_year``."""
    if budget_year is None:
        return grant_selectors.grant_paid_total(grant)
    total = PaymentRequest.objects.filter(
        grant=grant, state__in=PAID_PAYMENT_STATES, paid_on__year=budget_year
    ).aggregate(s=Sum("approved_amount"))["s"]
    return total if total is not None else ZERO


def grants_for_due_dates() -> QuerySet[Grant]:
    """Every grant, with what computing its due dates reads (rules attached by the caller
    with ``attach_rules``)."""
    return Grant.objects.with_related().order_by("pk")


def attach_rules(grants: list[Grant]) -> list[Grant]:
    """Read every round's rules once and attach them to ``grants`` (one query for all)."""
    rules = {r.round_id: r for r in GrantRules.objects.all()}
    for grant in grants:
        round_id = grant.application.round_id
        grant._report_rules = rules.get(round_id) or GrantRules(round_id=round_id)
    return grants


def grant_of(application) -> Grant | None:
    """The grant of an approved application (created on first need by
    ``grants.services.grant_ensure``); None for an application without approval."""
    grant = Grant.objects.filter(application=application).first()
    if grant is not None:
        return grant
    if not application_workflow.in_state(application.status, "granted"):
        return None
    return grant_services.grant_ensure(application)
