"""The approved financing plan (bewilligter Finanzierungsplan) of a decision.

The financing plan binds in total (ANBest-GK). When RP Darmstadt grants less than the gap the
application asked for (Fehlbedarf = total cost − own funds − third-party funds), the plan no
longer balances by itself: either the eligible cost goes down by the difference or the own
funds go up by it. The case officer says which; the plan that results is stored with the
decision (``Application.approved_*``), printed in the Zuwendungsbescheid and is what the grant's
later life (Mittelabruf, Verwendungsnachweis, settlement) works with.

Pure functions, no database access: the approval form shows the plan before anything is
saved, and the approval service checks it again inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.formatting import de_amount

CENT = Decimal("0.01")


class FinancingAdjustment(models.TextChoices):
    """How a grant below the requested gap is balanced in the approved plan."""

    NONE = "none", _("Keine Anpassung: Zuwendung in Höhe des Fehlbedarfs")
    REDUCE_COST = "reduce_cost", _("Zuwendungsfähige Gesamtkosten verringern")
    RAISE_OWN_FUNDS = "raise_own_funds", _("Eigenmittel erhöhen")


@dataclass(frozen=True)
class ApprovedPlan:
    total_cost: Decimal
    own_funds: Decimal
    third_party_funds: Decimal
    grant: Decimal
    adjustment: str

    @property
    def gap(self) -> Decimal:
        """Fehlbedarf of the approved plan: what own and third-party funds leave open."""
        return self.total_cost - self.own_funds - self.third_party_funds

    @property
    def balanced(self) -> bool:
        return self.own_funds + self.third_party_funds + self.grant == self.total_cost

    @property
    def adjustment_label(self) -> str:
        return str(FinancingAdjustment(self.adjustment).label) if self.adjustment else ""


def approved_plan(
    *,
    total_cost: Decimal,
    own_funds: Decimal,
    third_party_funds: Decimal,
    grant: Decimal,
    adjustment: str | None,
) -> ApprovedPlan:
    """The approved plan for ``grant`` from the applied plan (total cost, own and third-party
    funds) and the case officer's ``adjustment``. Raises a German ``ValidationError`` keyed
    ``granted_amount`` or ``financing_adjustment`` when no balanced plan results."""
    total_cost, own_funds, third_party_funds, grant = (
        Decimal(v).quantize(CENT) for v in (total_cost, own_funds, third_party_funds, grant)
    )
    gap = total_cost - own_funds - third_party_funds
    if grant <= 0 or grant > gap:
        raise ValidationError(
            {
                "granted_amount": [
                    _(
                        "Eine Zuwendung von %(grant)s passt nicht zum Finanzierungsplan: "
                        "Gesamtkosten %(total)s abzüglich Eigenmittel "
                        "%(own)s und Drittmittel %(third)s "
                        "ergeben einen Fehlbedarf von %(gap)s. Die "
                        "Zuwendung muss größer als 0 € sein und darf den Fehlbedarf nicht "
                        "übersteigen."
                    )
                    % {
                        "grant": de_amount(grant),
                        "total": de_amount(total_cost),
                        "own": de_amount(own_funds),
                        "third": de_amount(third_party_funds),
                        "gap": de_amount(max(gap, Decimal(0))),
                    }
                ]
            }
        )
    if grant == gap:
        plan = ApprovedPlan(
            total_cost, own_funds, third_party_funds, grant, FinancingAdjustment.NONE
        )
    elif adjustment == FinancingAdjustment.REDUCE_COST:
        plan = ApprovedPlan(
            own_funds + third_party_funds + grant,
            own_funds,
            third_party_funds,
            grant,
            FinancingAdjustment.REDUCE_COST,
        )
    elif adjustment == FinancingAdjustment.RAISE_OWN_FUNDS:
        plan = ApprovedPlan(
            total_cost,
            total_cost - third_party_funds - grant,
            third_party_funds,
            grant,
            FinancingAdjustment.RAISE_OWN_FUNDS,
        )
    else:
        raise ValidationError(
            {
                "financing_adjustment": [
                    _(
                        "Die bewilligte Zuwendung liegt %(difference)s unter dem "
                        "Fehlbedarf. Bitte wählen Sie, ob die zuwendungsfähigen Gesamtkosten "
                        "verringert oder die Eigenmittel erhöht werden, damit der "
                        "Finanzierungsplan ausgeglichen ist."
                    )
                    % {"difference": de_amount(gap - grant)}
                ]
            }
        )
    # The invariants of every approved plan (the cases above keep them; this is the guard).
    if not (
        plan.balanced
        and plan.grant <= plan.gap
        and plan.own_funds >= own_funds >= 0
        and plan.third_party_funds >= 0
        and 0 < plan.total_cost <= total_cost
    ):
        raise ValidationError(
            {
                "granted_amount": [
                    _("Mit diesen Angaben ist der Finanzierungsplan nicht ausgeglichen.")
                ]
            }
        )
    return plan
