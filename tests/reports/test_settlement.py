"""The repayment under Fehlbedarfsfinanzierung on worked examples (pure computation).

The approved plan of every example: eligible cost 30.000 €, own funds 6.000 €, third-party
funds 4.000 €, grant 20.000 € (paid out in full unless the example says otherwise)."""

from decimal import Decimal as D

import pytest

from reports.settlement import comparison, settle

PLAN = {"granted_amount": D("20000"), "grant_received": D("20000")}


def test_as_planned_nothing_is_repaid():
    s = settle(**PLAN, actual_cost=D("30000"), own_funds=D("6000"), third_party_funds=D("4000"))
    assert s.grant_justified == D("20000.00")
    assert s.repayment == D("0.00")


def test_spent_less_than_planned_repays_the_difference():
    # 25.000 € spent: the gap is 25.000 − 6.000 − 4.000 = 15.000 €, 5.000 € come back.
    s = settle(**PLAN, actual_cost=D("25000"), own_funds=D("6000"), third_party_funds=D("4000"))
    assert s.gap == D("15000.00")
    assert s.grant_justified == D("15000.00")
    assert s.repayment == D("5000.00")


def test_more_third_party_funds_than_planned_lower_the_grant_in_full():
    # 3.000 € more third-party funds than planned: the grant falls by the full 3.000 €.
    s = settle(**PLAN, actual_cost=D("30000"), own_funds=D("6000"), third_party_funds=D("7000"))
    assert s.grant_justified == D("17000.00")
    assert s.repayment == D("3000.00")


def test_costs_above_plan_never_raise_the_grant():
    # 36.000 € spent: the gap of 26.000 € is more than the grant; the grant stays 20.000 €.
    s = settle(**PLAN, actual_cost=D("36000"), own_funds=D("6000"), third_party_funds=D("4000"))
    assert s.gap == D("26000.00")
    assert s.grant_justified == D("20000.00")
    assert s.capped
    assert s.repayment == D("0.00")


def test_costs_above_plan_absorb_more_third_party_funds_only_up_to_the_grant():
    s = settle(**PLAN, actual_cost=D("33000"), own_funds=D("6000"), third_party_funds=D("8000"))
    assert s.grant_justified == D("19000.00")
    assert s.repayment == D("1000.00")


def test_the_justified_grant_is_capped_at_the_granted_amount_even_if_more_was_paid():
    # A payment beyond the grant (an error of the cash office) comes back in full.
    s = settle(
        granted_amount=D("20000"),
        grant_received=D("21000"),
        actual_cost=D("50000"),
        own_funds=D("0"),
        third_party_funds=D("0"),
    )
    assert s.grant_justified == D("20000.00")
    assert s.repayment == D("1000.00")


def test_only_money_received_is_repaid():
    # 12.000 € called off, 15.000 € justified: nothing to repay (and nothing owed either).
    s = settle(
        granted_amount=D("20000"),
        grant_received=D("12000"),
        actual_cost=D("25000"),
        own_funds=D("6000"),
        third_party_funds=D("4000"),
    )
    assert s.grant_justified == D("15000.00")
    assert s.repayment == D("0.00")


def test_own_and_third_party_funds_above_the_cost_repay_everything_received():
    s = settle(**PLAN, actual_cost=D("9000"), own_funds=D("6000"), third_party_funds=D("4000"))
    assert s.gap == D("0.00")
    assert s.grant_justified == D("0.00")
    assert s.repayment == D("20000.00")


def test_expenses_rp_does_not_recognise_lower_the_eligible_cost():
    s = settle(
        **PLAN,
        actual_cost=D("30000"),
        not_recognised=D("1234.56"),
        own_funds=D("6000"),
        third_party_funds=D("4000"),
    )
    assert s.eligible_cost == D("28765.44")
    assert s.repayment == D("1234.56")


def test_cents_are_kept_exactly():
    s = settle(
        **PLAN, actual_cost=D("29999.99"), own_funds=D("6000.005"), third_party_funds=D("4000")
    )
    assert s.own_funds == D("6000.01")
    assert s.repayment == D("0.02")


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        settle(**PLAN, actual_cost=D("-1"), own_funds=D("0"), third_party_funds=D("0"))


def test_comparison_per_category_with_totals():
    table = comparison(
        [(1, "Prozessmoderation", D("20000")), (2, "Veranstaltungen", D("10000"))],
        {1: D("21500.50"), 2: D("7000"), 3: D("100")},
    )
    assert [(r.name, r.planned, r.actual, r.difference) for r in table.rows] == [
        ("Prozessmoderation", D("20000.00"), D("21500.50"), D("1500.50")),
        ("Veranstaltungen", D("10000.00"), D("7000.00"), D("-3000.00")),
        ("", D("0.00"), D("100.00"), D("100.00")),
    ]
    assert table.planned_total == D("30000.00")
    assert table.actual_total == D("28600.50")
    assert table.difference == D("-1399.50")
