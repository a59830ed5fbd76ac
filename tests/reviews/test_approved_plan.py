"""Issue 9.4: a partial approval under Fehlbedarfsfinanzierung gives a balanced approved
financing plan. The case officer says whether the eligible cost falls or the own funds rise;
the plan is stored with the decision and printed in the Zuwendungsbescheid."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.financing import FinancingAdjustment, approved_plan
from applications.models import Application
from applications.workflow import Action, Status
from documents import letters
from reviews import services
from tests.factories import ApplicationFactory

from .conftest import assign_and_declare, score_all, to_in_review
from .test_letters import pdf_text

D = Decimal


@pytest.fixture
def ready(round_, lead, case_officer, reviewer, criteria):
    """The issue's example: total cost 21,000 €, own funds 1,000 €, 20,000 € requested."""
    app = ApplicationFactory(
        round=round_, lead_municipality=lead, complete=True, status=Status.SUBMITTED,
        own_funds=D("1000.00"), third_party_funds=D("0.00"), requested_grant=D("20000.00"),
    )  # fmt: skip
    assert app.total_cost == D("21000.00")
    to_in_review(app, case_officer)
    score_all(assign_and_declare(app, reviewer, case_officer), reviewer, criteria, 8)
    services.application_mark_ready(application=app, user=case_officer)
    return app


def letter_row(text: str, label: str) -> str:
    match = re.search(rf"^{label}\s+([\d.]+,\d\d)\s*€", text, re.MULTILINE)
    assert match, f"{label} not in the letter:\n{text}"
    return match.group(1)


@pytest.mark.parametrize(
    "adjustment, total, own",
    [
        (FinancingAdjustment.REDUCE_COST, D("19000.00"), D("1000.00")),
        (FinancingAdjustment.RAISE_OWN_FUNDS, D("21000.00"), D("3000.00")),
    ],
)
def test_partial_approval_gives_a_balanced_plan(ready, case_officer, adjustment, total, own):
    services.decision_approve(
        application=ready, user=case_officer, granted_amount=D("18000.00"),
        financing_adjustment=adjustment,
    )  # fmt: skip
    app = Application.objects.with_totals().get(pk=ready.pk)
    assert app.status == Status.APPROVED
    assert (app.approved_total_cost, app.approved_own_funds, app.approved_third_party_funds) == (
        total, own, D("0.00"),
    )  # fmt: skip
    assert app.granted_amount == D("18000.00")
    assert app.financing_adjustment == adjustment
    assert app.approved_own_funds + app.approved_third_party_funds + app.granted_amount == total
    assert app.approved_plan.balanced
    event = app.events.get(action=Action.APPROVE)
    assert event.data["approved_plan"]["total_cost"] == str(total)

    text = pdf_text(letters.decision_pdf(app))
    de = {D("19000.00"): "19.000,00", D("21000.00"): "21.000,00",
          D("1000.00"): "1.000,00", D("3000.00"): "3.000,00"}  # fmt: skip
    assert letter_row(text, "Zuwendungsfähige Gesamtkosten") == de[total]
    assert letter_row(text, "Eigenmittel") == de[own]
    assert letter_row(text, "Drittmittel") == "0,00"
    assert letter_row(text, "Zuwendung") == "18.000,00"
    assert letter_row(text, "Finanzierung insgesamt") == de[total]
    assert "2.000,00" in text  # the difference to the application, explained
    assert "Beantragte Zuwendung" not in text.split("Finanzierungsplan")[1].split("Begründung")[0]


def test_full_approval_keeps_the_applied_plan(ready, case_officer):
    services.decision_approve(application=ready, user=case_officer, granted_amount=D("20000"))
    ready.refresh_from_db()
    assert (ready.approved_total_cost, ready.approved_own_funds, ready.granted_amount) == (
        D("21000.00"), D("1000.00"), D("20000.00"),
    )  # fmt: skip
    assert ready.financing_adjustment == FinancingAdjustment.NONE


def _nothing_saved(app):
    app.refresh_from_db()
    assert app.status == Status.READY_FOR_DECISION
    assert app.granted_amount is None and app.approved_total_cost is None
    assert app.approved_own_funds is None and app.financing_adjustment == ""
    assert not app.events.filter(action=Action.APPROVE).exists()


def test_partial_approval_needs_the_officers_choice(ready, case_officer):
    with pytest.raises(ValidationError) as exc:
        services.decision_approve(
            application=ready, user=case_officer, granted_amount=D("18000.00")
        )
    (message,) = exc.value.message_dict["financing_adjustment"]
    assert "2.000,00 € unter dem Fehlbedarf" in message
    assert "Gesamtkosten verringert oder die Eigenmittel erhöht" in message
    _nothing_saved(ready)


@pytest.mark.parametrize("adjustment", list(FinancingAdjustment))
def test_a_grant_above_the_gap_is_refused(ready, case_officer, adjustment):
    """The applicant's own funds were raised after the check: 20,000 € would over-finance the
    plan (gap 18,000 €), whichever way the officer wants to balance it."""
    Application.objects.filter(pk=ready.pk).update(own_funds=D("3000.00"))
    with pytest.raises(ValidationError) as exc:
        services.decision_approve(
            application=ready, user=case_officer, granted_amount=D("20000.00"),
            financing_adjustment=adjustment,
        )  # fmt: skip
    (message,) = exc.value.message_dict["granted_amount"]
    assert "Fehlbedarf von 18.000,00 €" in message and "nicht übersteigen" in message
    _nothing_saved(ready)


def test_the_database_refuses_an_unbalanced_plan(ready):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=ready.pk).update(
            status=Status.APPROVED, granted_amount=D("18000.00"),
            approved_total_cost=D("21000.00"), approved_own_funds=D("1000.00"),
            approved_third_party_funds=D("0.00"),
        )  # fmt: skip


@pytest.mark.parametrize(
    "grant, adjustment, expected",
    [
        ("15000", "reduce_cost", ("17000.00", "2000.00", "0.00")),
        ("15000", "raise_own_funds", ("20000.00", "5000.00", "0.00")),
        ("18000", "", ("20000.00", "2000.00", "0.00")),
    ],
)
def test_approved_plan_function(grant, adjustment, expected):
    plan = approved_plan(
        total_cost=D("20000"), own_funds=D("2000"), third_party_funds=D("0"),
        grant=D(grant), adjustment=adjustment,
    )  # fmt: skip
    assert (plan.total_cost, plan.own_funds, plan.third_party_funds) == tuple(map(D, expected))
    assert plan.balanced and plan.grant <= plan.gap


def test_the_applicant_sees_the_approved_plan(client, login, ready, case_officer, applicant):
    from django.urls import reverse

    services.decision_approve(
        application=ready, user=case_officer, granted_amount=D("18000.00"),
        financing_adjustment=FinancingAdjustment.RAISE_OWN_FUNDS,
    )  # fmt: skip
    login(client, applicant)
    html = client.get(reverse("applications:detail", args=[ready.pk])).content.decode()
    assert "Bewilligter Finanzierungsplan" in html
    assert "Eigenmittel 3.000,00" in html and "Eigenmittel erhöhen" in html
