"""Tests: the real PostgreSQL and Redis, a Redis database and Celery queue of their own.

In a parallel run (pytest-xdist, ``scripts/test``) every worker process ``gwN`` gets its own
Redis database, Celery queue and cache key prefix here; pytest-django gives it its own
PostgreSQL test database (``test_<name>_gwN``). The Celery workers a test starts get the same
values from ``tests.conftest.CeleryWorker``."""

from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

# "gw0", "gw1", ... in a pytest-xdist worker process; empty otherwise.
TEST_WORKER = env("PYTEST_XDIST_WORKER", default="")
_WORKER_INDEX = int(TEST_WORKER[2:]) if TEST_WORKER.startswith("gw") else None


def _worker_redis(url: str) -> str:
    """``url`` with the Redis database of xdist worker n: the n-th number of
    WIR_TEST_REDIS_DBS (e.g. "3,12,13" on a Redis shared with colleagues), else the URL's own
    database plus n (of 16 databases)."""
    n = _WORKER_INDEX
    if n is None or not url.startswith(("redis://", "rediss://")):
        return url
    parts = urlsplit(url)
    chosen = env.list("WIR_TEST_REDIS_DBS", cast=int, default=[])
    if len(chosen) <= n and n >= 16:
        raise ImproperlyConfigured("At most 16 parallel test workers: Redis has 16 databases.")
    number = chosen[n] if len(chosen) > n else (int(parts.path.strip("/") or 0) + n) % 16
    return urlunsplit(parts._replace(path=f"/{number}"))


def _per_worker(name: str) -> str:
    return f"{name}-{TEST_WORKER}" if TEST_WORKER else name


DEBUG = False
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="test-insecure-key-only-for-the-test-suite-0123456789"
)
_REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/8")
REDIS_URL = _worker_redis(_REDIS_URL)
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = _per_worker(env("CACHE_KEY_PREFIX", default="wir-test"))  # noqa: F405
CELERY_BROKER_URL = _worker_redis(env("CELERY_BROKER_URL", default=_REDIS_URL))
CELERY_RESULT_BACKEND = _worker_redis(env("CELERY_RESULT_BACKEND", default=_REDIS_URL))
CELERY_TASK_DEFAULT_QUEUE = _per_worker(env("CELERY_QUEUE", default="wir_portal_test"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
# The session stores the time of the last request when it moved by more than this: so long
# that no test's query count depends on whether it crossed a minute since the login. The
# tests of the idle timeout set their own value (tests/accounts/test_sessions.py).
WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS = env.int(
    "WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS", default=3600
)
WIR_WORKER_HEARTBEAT_SECONDS = env.float("WIR_WORKER_HEARTBEAT_SECONDS", default=1.0)
