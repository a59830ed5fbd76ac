"""Fixtures of the grant tests: an approved application of a lead municipality with its staff,
a case officer, and its grant as ``grant_ensure`` creates it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.workflow import Status
from grants import services
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    CaseOfficerFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

# The decision of the fixtures: Tuesday 3 March 2026, 10:00 local time.
DECIDED = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """A moment on ``day`` (local time): the frozen clock of a test."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def make_approved(**kwargs):
    defaults = {
        "status": Status.APPROVED,
        "complete": True,
        "decided_at": DECIDED,
        "granted_amount": Decimal("18000.00"),
        "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2027, 3, 31),
    }
    defaults.update(kwargs)
    return ApplicationFactory(**defaults)


@pytest.fixture
def lead(db):
    return MunicipalityFactory(name="Heppenheim (Bergstraße)")


@pytest.fixture
def application(lead):
    return make_approved(lead_municipality=lead)


@pytest.fixture
def applicant(lead):
    return staff_for(lead, full_name="Erika Kommunal")


@pytest.fixture
def other_staff(db):
    return staff_for(MunicipalityFactory(name="Bensheim"))


@pytest.fixture
def officer(db):
    return CaseOfficerFactory(full_name="Rita Prüfer")


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


@pytest.fixture
def grant(application):
    return services.grant_ensure(application, now=DECIDED)


@pytest.fixture
def binding_grant(grant, applicant):
    return services.grant_accept(
        grant=grant, user=applicant, waive_appeal=True, now=at(dt.date(2026, 3, 9))
    )
