"""Production: differs from base only by what the deployment's environment sets.
Secrets and addresses have no default here: a missing DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
or WIR_SITE_URL stops the start."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Every link in an e-mail starts with this address; the localhost default of base.py would
# send people to their own computer.
WIR_SITE_URL = env("WIR_SITE_URL").rstrip("/")
if urlsplit(WIR_SITE_URL).scheme not in ("http", "https") or not urlsplit(WIR_SITE_URL).netloc:
    raise ImproperlyConfigured(
        f"WIR_SITE_URL must be the portal's absolute address, e.g. https://wir.example.de "
        f"(got {WIR_SITE_URL!r})"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
