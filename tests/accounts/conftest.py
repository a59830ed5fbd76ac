import pytest

from tests.conftest import PrivateRedis
from tests.factories import MunicipalityFactory


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Heppenheim (Bergstraße)", ags="06431011")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(name="Birkenau", ags="06431004", population=9_852)


@pytest.fixture
def private_cache(tmp_path, settings):
    """The cache on a Redis of the test's own (``tests.conftest.PrivateRedis``), to stop and
    start; stopped again after the test."""
    server = PrivateRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "wir-test",
        }
    }
    yield server
    server.stop()
