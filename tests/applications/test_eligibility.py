"""Who may apply: the population bounds, joint applications, one participation per round."""

from __future__ import annotations

import datetime as dt

import pytest

from applications.eligibility import Mode, check_eligibility
from core.formatting import de_amount, de_number
from tests.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_2019(db):
    return FundingRoundFactory(
        title="KIV 2019",
        population_lower=10_000,
        population_upper=50_000,
        joint_allowed=True,
        joint_max_partners=2,
        lead_between_bounds_may_be_joint=False,
    )


def town(population: int, **kw):
    return MunicipalityFactory(population=population, **kw)


# Alone -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("population", "eligible", "mode"),
    [
        (9_999, False, Mode.JOINT_REQUIRED),
        (10_000, True, Mode.ALONE),
        (50_000, True, Mode.ALONE),
        (50_001, False, Mode.NOT_ELIGIBLE),
    ],
)
def test_alone_at_the_bounds(round_2019, population, eligible, mode):
    result = check_eligibility(round=round_2019, municipality=town(population))
    assert result.eligible is eligible
    assert result.mode == mode
    assert result.can_start is (mode != Mode.NOT_ELIGIBLE)
    assert result.population == population
    assert (
        f"hat {de_number(population)} Einwohnerinnen und Einwohner (Stand 31.12.2020)."
        in (result.messages[0])
    )
    if not eligible:
        assert result.problems


def test_message_wording_below_lower_bound(round_2019):
    m = town(9_852, name="Lautertal (Odenwald)")
    result = check_eligibility(round=round_2019, municipality=m)
    assert result.messages[0] == (
        "Gemeinde Lautertal (Odenwald) hat 9.852 Einwohnerinnen und Einwohner (Stand 31.12.2020)."
    )
    assert result.messages[1].startswith(
        "Sie kann nur gemeinsam mit einer oder zwei Partnerkommunen einen Antrag stellen"
    )


def test_message_wording_above_upper_bound(round_2019):
    m = town(50_001, name="Großstadt", kind="stadt")
    result = check_eligibility(round=round_2019, municipality=m)
    text = " ".join(result.messages)
    assert "Stadt Großstadt hat 50.001 Einwohnerinnen und Einwohner" in text
    assert "höchstens 50.000 Einwohnerinnen und Einwohnern" in text


def test_round_without_joint_applications(round_2019):
    round_2019.joint_allowed = False
    result = check_eligibility(round=round_2019, municipality=town(9_999))
    assert result.mode == Mode.NOT_ELIGIBLE
    assert "10.000 bis 50.000" in result.problems[0]


# Jointly ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("partner_count", "eligible", "mode"),
    [
        (0, False, Mode.JOINT_REQUIRED),
        (1, True, Mode.JOINT_LEAD),
        (2, True, Mode.JOINT_LEAD),
        (3, False, Mode.JOINT_REQUIRED),
    ],
)
def test_small_lead_with_partners(round_2019, partner_count, eligible, mode):
    lead = town(9_999)
    partners = [town(3_000 + i) for i in range(partner_count)]
    result = check_eligibility(round=round_2019, municipality=lead, partners=partners)
    assert (result.eligible, result.mode) == (eligible, mode)
    if partner_count:
        combined = 9_999 + sum(p.population for p in partners)
        assert result.combined_population == combined
        assert any(
            m.startswith("Zusammen haben") and f"{de_number(combined)} Einwohnerinnen" in m
            for m in result.messages
        )
    if partner_count == 3:
        assert any("höchstens 2 Partnerkommunen" in m for m in result.problems)


@pytest.mark.parametrize(
    ("population", "may_lead", "partner_count", "eligible", "mode"),
    [
        (10_000, False, 0, True, Mode.ALONE),
        (10_000, False, 1, False, Mode.ALONE),
        (10_000, True, 1, True, Mode.JOINT_LEAD),
        (10_000, True, 2, True, Mode.JOINT_LEAD),
        (10_000, True, 3, False, Mode.ALONE),
        (50_000, True, 2, True, Mode.JOINT_LEAD),
        (50_001, True, 1, False, Mode.NOT_ELIGIBLE),
    ],
)
def test_lead_between_bounds(round_2019, population, may_lead, partner_count, eligible, mode):
    round_2019.lead_between_bounds_may_be_joint = may_lead
    partners = [town(4_000) for _ in range(partner_count)]
    result = check_eligibility(round=round_2019, municipality=town(population), partners=partners)
    assert (result.eligible, result.mode) == (eligible, mode)


def test_joint_max_one_partner(round_2019):
    round_2019.joint_max_partners = 1
    lead = town(8_000)
    assert (
        "einer Partnerkommune" in check_eligibility(round=round_2019, municipality=lead).messages[1]
    )
    result = check_eligibility(round=round_2019, municipality=lead, partners=[town(1), town(2)])
    assert not result.eligible


@pytest.mark.parametrize(
    ("partner_kw", "ok"),
    [
        ({"population": 2_000}, True),
        ({"population": 10_000}, True),  # the call leaves it open: allowed
        ({"population": 50_000}, True),
        ({"population": 50_001}, False),
        ({"population": 3_000, "is_active": False}, False),
        ({"population": 3_000, "ags": "07111000"}, False),  # not Hessian
        ({"population": 0, "kind": "gemeindefrei"}, False),
    ],
)
def test_partner_rules(round_2019, partner_kw, ok):
    partner = town(**partner_kw)
    result = check_eligibility(round=round_2019, municipality=town(7_000), partners=[partner])
    assert result.eligible is ok
    assert (partner.pk in result.partner_errors) is (not ok)


def test_lead_cannot_be_its_own_partner_nor_twice(round_2019):
    lead, p = town(7_000), town(3_000)
    assert not check_eligibility(round=round_2019, municipality=lead, partners=[lead]).eligible
    result = check_eligibility(round=round_2019, municipality=lead, partners=[p, p])
    assert not result.eligible
    assert any("doppelt" in m for m in result.problems)


# Already taking part / inactive -----------------------------------------------------------------
def test_municipality_already_leading_an_application(round_2019):
    m = town(20_000, name="Bensheim", kind="stadt")
    ApplicationFactory(round=round_2019, lead_municipality=m)
    result = check_eligibility(round=round_2019, municipality=m)
    assert (result.eligible, result.mode) == (False, Mode.NOT_ELIGIBLE)
    assert (
        "Stadt Bensheim nimmt an der Förderrunde „KIV 2019“ bereits mit einem"
        in (result.problems[0])
    )
    # In another round it may apply; its own application does not count against itself.
    assert check_eligibility(round=FundingRoundFactory(), municipality=m).eligible
    app = m.led_applications.get()
    assert check_eligibility(round=round_2019, municipality=m, application=app).eligible


def test_municipality_already_partner_elsewhere(round_2019):
    small = town(5_000)
    other_app = ApplicationFactory(round=round_2019, lead_municipality=town(6_000))
    ApplicationPartnerFactory(application=other_app, municipality=small)
    # Neither as lead ...
    result = check_eligibility(round=round_2019, municipality=small, partners=[town(2_000)])
    assert result.mode == Mode.NOT_ELIGIBLE
    assert "bereits als Partnerkommune" in result.problems[0]
    # ... nor as partner of a second application.
    result = check_eligibility(round=round_2019, municipality=town(7_000), partners=[small])
    assert not result.eligible and small.pk in result.partner_errors


def test_declined_partner_is_free_again(round_2019):
    small = town(5_000)
    ApplicationPartnerFactory(
        application=ApplicationFactory(round=round_2019, lead_municipality=town(6_000)),
        municipality=small,
        status="declined",
    )
    assert check_eligibility(round=round_2019, municipality=small, partners=[town(1)]).eligible


def test_inactive_municipality(round_2019):
    result = check_eligibility(round=round_2019, municipality=town(20_000, is_active=False))
    assert result.mode == Mode.NOT_ELIGIBLE
    assert "nicht mehr als eigenständige Kommune" in result.problems[0]


def test_reference_date_note(round_2019):
    round_2019.population_reference_date = dt.date(2018, 12, 31)
    result = check_eligibility(round=round_2019, municipality=town(20_000))
    assert result.eligible
    assert "Stichtag 31.12.2018" in result.messages[-1]


def test_german_formatting_helpers():
    assert de_number(1234567) == "1.234.567"
    assert de_amount(20000) == "20.000,00 €"
    assert de_amount("1234.5") == "1.234,50 €"
