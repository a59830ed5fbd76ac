"""The settlement of a report under Fehlbedarfsfinanzierung: pure functions, no database.

The grant covers the gap that actual own and third-party funds leave open in the actual
eligible cost, never more than the granted amount (ANBest-GK: the financing plan binds in
total, not per cost line; costs above the plan never raise the grant)::

    grant justified = min(granted amount, max(0, eligible cost − own funds − third-party funds))
    repayment       = max(0, grant received − grant justified)

``eligible cost`` is the actual cost the municipality reports, less what RP Darmstadt does not
recognise in its check (``not_recognised``, for example a receipt outside the term). The check
page, the settlement form, the service and the PDFs all compute with ``settle`` so that every
figure is the same everywhere and never typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def cents(value: Decimal | int | str | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ComparisonRow:
    """One cost category: planned (the application's cost plan) against actual."""

    category_id: int | None
    name: str
    planned: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        return self.actual - self.planned


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]

    @property
    def planned_total(self) -> Decimal:
        return sum((r.planned for r in self.rows), ZERO)

    @property
    def actual_total(self) -> Decimal:
        return sum((r.actual for r in self.rows), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.actual_total - self.planned_total


def comparison(
    planned: Iterable[tuple[int | None, str, Decimal]],
    actual: dict[int | None, Decimal],
) -> Comparison:
    """Rows in the order of ``planned`` (category id, name, planned amount); a category with
    actual cost but no plan line comes last with a planned amount of 0."""
    rows = []
    seen = set()
    for category_id, name, amount in planned:
        seen.add(category_id)
        rows.append(ComparisonRow(category_id, name, cents(amount), cents(actual.get(category_id))))
    for category_id, amount in actual.items():
        if category_id not in seen and amount:
            rows.append(ComparisonRow(category_id, "", ZERO, cents(amount)))
    return Comparison(tuple(rows))


@dataclass(frozen=True)
class Settlement:
    granted_amount: Decimal
    actual_cost: Decimal
    not_recognised: Decimal
    own_funds: Decimal
    third_party_funds: Decimal
    grant_received: Decimal

    @property
    def eligible_cost(self) -> Decimal:
        return max(ZERO, self.actual_cost - self.not_recognised)

    @property
    def gap(self) -> Decimal:
        """Fehlbedarf: what actual own and third-party funds leave open (never below 0)."""
        return max(ZERO, self.eligible_cost - self.own_funds - self.third_party_funds)

    @property
    def grant_justified(self) -> Decimal:
        """The grant the actual figures justify, capped at the granted amount."""
        return min(self.granted_amount, self.gap)

    @property
    def repayment(self) -> Decimal:
        return max(ZERO, self.grant_received - self.grant_justified)

    @property
    def capped(self) -> bool:
        """The gap is larger than the grant: costs above the plan, which raise nothing."""
        return self.gap > self.granted_amount


def settle(
    *,
    granted_amount,
    actual_cost,
    own_funds,
    third_party_funds,
    grant_received,
    not_recognised=ZERO,
) -> Settlement:
    values = [
        cents(v)
        for v in (
            granted_amount,
            actual_cost,
            not_recognised,
            own_funds,
            third_party_funds,
            grant_received,
        )
    ]
    if any(v < 0 for v in values):
        raise ValueError("Amounts of a settlement are never negative")
    return Settlement(*values)
