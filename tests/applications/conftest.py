"""Fixtures of the applications tests: private media in a temporary folder, the receipt task
recorded instead of sent to the broker, and a round with people around one application."""

from __future__ import annotations

import pytest

from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class ReceiptRecorder:
    def __init__(self):
        self.calls: list[int] = []

    def delay(self, application_id: int) -> None:
        self.calls.append(application_id)


@pytest.fixture(autouse=True)
def receipts(monkeypatch):
    """``applications.tasks.render_receipt`` replaced by a recorder of enqueued ids."""
    recorder = ReceiptRecorder()
    monkeypatch.setattr("applications.tasks.render_receipt", recorder)
    return recorder


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory()


@pytest.fixture
def lead(db):
    return MunicipalityFactory(name="Bensheim", population=20_000)


@pytest.fixture
def applicant(lead):
    return staff_for(lead, full_name="Erika Mustermann")


@pytest.fixture
def case_officer(db):
    return CaseOfficerFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


@pytest.fixture
def complete_app(funding_round, lead):
    """A complete draft of ``lead`` that passes the submission checks."""
    return ApplicationFactory(round=funding_round, lead_municipality=lead, complete=True)
