"""Fixtures for the municipality register: the real Destatis file, the built-in sample, and the
(shared) factory for hand-made rows."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from municipalities.models import Municipality
from tests.factories import MunicipalityFactory

# The tests check numbers of this edition, so they look for exactly this file: beside the
# checkout (../shared/data/), else where WIR_GV100AD points if it is this edition.
GV100AD_NAME = "GV100AD_301121.ASC"


def _find_gv100ad() -> Path:
    beside = settings.BASE_DIR.parent / "shared" / "data" / GV100AD_NAME
    configured = Path(settings.WIR_GV100AD) if settings.WIR_GV100AD else None
    if not beside.is_file() and configured and configured.name == GV100AD_NAME:
        return configured
    return beside


GV100AD_PATH = _find_gv100ad()
SAMPLE_PATH = settings.BASE_DIR / "municipalities" / "data" / "sample_gv100ad.asc"


@pytest.fixture
def municipality_factory(db):
    return MunicipalityFactory


@pytest.fixture(scope="session")
def gv100ad_path() -> Path:
    if not GV100AD_PATH.is_file():
        pytest.skip(
            f"the Destatis file {GV100AD_NAME} is not at {GV100AD_PATH} "
            "(set WIR_GV100AD to its path to run the tests on the real register)"
        )
    return GV100AD_PATH


@pytest.fixture(scope="session")
def gv100ad_lines(gv100ad_path) -> tuple[str, ...]:
    """The real file as lines without their CRLF (the last, empty element dropped)."""
    return tuple(gv100ad_path.read_bytes().decode("utf-8").split("\r\n")[:-1])


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE_PATH


@pytest.fixture
def imported(db, gv100ad_path):
    """The real Hessian register, imported."""
    call_command("import_municipalities", str(gv100ad_path), "--land", "06", verbosity=0)
    return Municipality.objects.all()
