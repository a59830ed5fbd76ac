import pytest

from .factories import MunicipalityFactory


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Heppenheim (Bergstraße)", ags="06431011")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(name="Birkenau", ags="06431004", population=9_852)
