"""What this app reads from ``grants``, in one place: the round's rules for reports, the due
dates (``grants.deadlines``) and the money paid out (``grants.selectors``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from grants import deadlines
from grants import selectors as grant_selectors
from grants.models import Grant


def receipts_required(grant: Grant) -> bool:
    """Does the round require a Belegliste with the final report?"""
    return bool(deadlines.rules_for(grant).receipts_required)


def interim_due_dates(grant: Grant) -> list[tuple[int, dt.date]]:
    """(budget year, due date) of each interim report the grant owes."""
    return list(deadlines.interim_report_due_dates(grant))


def final_due_date(grant: Grant) -> dt.date | None:
    return deadlines.final_report_due_date(grant)


def paid_total(grant: Grant, *, budget_year: int | None = None) -> Decimal:
    """The grant paid out: in total, or (interim report) within ``budget_year``."""
    return grant_selectors.grant_paid_total(grant)


def grants_for_due_dates() -> QuerySet[Grant]:
    """Every grant, with what computing its due dates reads."""
    return Grant.objects.select_related(
        "application__round", "application__lead_municipality"
    ).order_by("pk")


def grant_of(application) -> Grant | None:
    """The grant of an approved application (None before the approval)."""
    return Grant.objects.filter(application=application).first()
