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
    def __init__(self, published):
        self.published = published

    @property
    def calls(self) -> list[int]:
        return [args[0] for args in self.published.of("documents.render_receipt")]


@pytest.fixture(autouse=True)
def receipts(published):
    """Tasks the outbox sends are recorded instead of sent to the broker; ``calls`` are the
    ids of the applications whose receipt was enqueued."""
    return ReceiptRecorder(published)


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
