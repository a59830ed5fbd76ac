"""Site-wide pages: start page, legal pages and the health check."""

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

LEGAL_PAGES = {"impressum", "datenschutz", "barrierefreiheit", "anbest_gk"}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in LEGAL_PAGES:
        raise Http404
    return render(request, f"pages/{page}.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a failed CSRF check explained in the portal's layout (403).
    The reason is for the log (django.security.csrf), not for the page."""
    return render(request, "403_csrf.html", status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the portal's 500 page rendered without the request, so no context
    processor runs: it shows while the database or Redis is unreachable."""
    response = HttpResponseServerError(loader.get_template("500.html").render())
    response["Cache-Control"] = "private, no-store"
    return response


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _check_redis() -> dict:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def _check_worker() -> dict:
    from wir_portal.celery import ping

    timeout = settings.WIR_HEALTHZ_WORKER_TIMEOUT
    started = time.monotonic()
    # The message expires so that a check made while no worker runs leaves nothing behind.
    result = ping.apply_async(expires=timeout * 2)
    try:
        answer = result.get(timeout=timeout, propagate=True)
    finally:
        result.forget()
    if answer != "pong":
        raise RuntimeError(f"unexpected answer {answer!r}")
    return {"ok": True, "round_trip_ms": round((time.monotonic() - started) * 1000)}


CHECKS = {"database": _check_database, "redis": _check_redis, "worker": _check_worker}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """State of the database, Redis and a Celery worker round trip; 503 if one is down."""
    report: dict[str, dict] = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - every failure is a "down" here
            logger.warning("healthz: %s is down: %s", name, exc.__class__.__name__)
            report[name] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(part["ok"] for part in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": report},
        status=200 if healthy else 503,
    )
