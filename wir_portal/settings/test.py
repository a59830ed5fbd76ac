"""Tests: the real PostgreSQL and Redis, a Redis database and Celery queue of their own."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="test-insecure-key-only-for-the-test-suite-0123456789"
)
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="wir-test")  # noqa: F405
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="wir_portal_test")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WIR_WORKER_HEARTBEAT_SECONDS = env.float("WIR_WORKER_HEARTBEAT_SECONDS", default=1.0)
