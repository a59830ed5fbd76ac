"""Fixtures of the review tests: a round with the KIV criteria, the people around one
application, and helpers that put an application into a given state the way the services do.

Logging in uses ``tests.accounts.factories.login_verified`` (force_login plus a verified
django-otp device in the session), since RP roles and the jury need the second factor."""

from __future__ import annotations

from decimal import Decimal

import pytest

from applications.models import PartnerStatus
from applications.workflow import Status
from demo.reviews import seed_criteria
from reviews import services
from reviews.models import CHECKLIST, CheckOutcome
from tests.accounts.factories import login_verified
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MembershipFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

ALL_CHECKED = dict.fromkeys(CHECKLIST, True)


def make_round():
    round_ = FundingRoundFactory(title="KIV – Förderrunde 2019", budget=Decimal("40000.00"))
    seed_criteria([round_])
    return round_


@pytest.fixture
def round_(db):
    return make_round()


@pytest.fixture
def criteria(round_):
    return list(round_.criteria.order_by("position"))


@pytest.fixture
def lead(db):
    return MunicipalityFactory(name="Heppenheim (Bergstraße)", kreis="Kreis Bergstraße")


@pytest.fixture
def partner_municipality(db):
    return MunicipalityFactory(name="Mörlenbach", population=9_000, kreis="Kreis Bergstraße")


@pytest.fixture
def applicant(lead):
    return staff_for(lead, full_name="Anna Antrag", email="antrag@heppenheim.example")


@pytest.fixture
def partner_staff(partner_municipality):
    return staff_for(partner_municipality, full_name="Paula Partner")


@pytest.fixture
def case_officer(db):
    return CaseOfficerFactory(full_name="Sven Sachbearbeitung")


@pytest.fixture
def admin_user(db):
    return AdminFactory(full_name="Ada Administration", is_staff=True, is_superuser=True)


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(full_name="Julia Jury")


@pytest.fixture
def reviewer2(db):
    return ReviewerFactory(full_name="Jonas Jury")


@pytest.fixture
def submitted(round_, lead):
    """A complete application of ``lead``, just submitted."""
    return ApplicationFactory(
        round=round_,
        lead_municipality=lead,
        complete=True,
        status=Status.SUBMITTED,
        title="Heppenheim lebt Vielfalt",
    )


@pytest.fixture
def joint(submitted, partner_municipality):
    ApplicationPartnerFactory(
        application=submitted,
        municipality=partner_municipality,
        status=PartnerStatus.CONFIRMED,
        with_letter=True,
    )
    return submitted


def to_in_review(application, case_officer):
    """Submitted -> In Prüfung -> In Bewertung, through the services."""
    if application.status == Status.SUBMITTED:
        services.formal_check_start(application=application, user=case_officer)
    services.formal_check_record(
        application=application,
        user=case_officer,
        checklist=ALL_CHECKED,
        outcome=CheckOutcome.PASSED,
    )
    application.refresh_from_db()
    return application


def assign_and_declare(application, reviewer, case_officer, *, conflict=False):
    assignment = services.assignment_create(
        application=application, reviewer=reviewer, user=case_officer
    )
    return services.assignment_declare(assignment=assignment, user=reviewer, conflict=conflict)


def score_all(assignment, reviewer, criteria, points, *, finalize=True, recommendation="fund"):
    """Give every criterion ``points`` (an int, or a list per criterion)."""
    if isinstance(points, int):
        points = [points] * len(criteria)
    return services.review_save(
        assignment=assignment,
        user=reviewer,
        points={c.pk: p for c, p in zip(criteria, points, strict=True)},
        overall_comment="Überzeugendes Konzept.",
        recommendation=recommendation,
        finalize=finalize,
    )


@pytest.fixture
def in_review(submitted, case_officer):
    return to_in_review(submitted, case_officer)


@pytest.fixture
def login():
    def _login(client, user):
        login_verified(client, user)
        return client

    return _login


__all__ = [
    "ALL_CHECKED",
    "MembershipFactory",
    "assign_and_declare",
    "score_all",
    "to_in_review",
]
