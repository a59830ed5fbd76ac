"""Site-wide pages: start page and the health check (legal pages: ``pages.views``)."""

import hmac
import logging

from django.conf import settings
from django.db import connection
from django.http import (
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

from . import heartbeat
from .auth import is_verified

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


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


# Health endpoints --------------------------------------------------------------------------
# /healthz/live/   liveness: the process answers. No database, no Redis; what compose checks.
# /healthz/ready/  readiness: database and Redis reachable (short timeouts), else 503.
# /healthz/        the detailed report, with the workers' heartbeats and the queue, for
#                  internal callers only: staff with the second factor, or monitoring that
#                  sends ``Authorization: Bearer <WIR_HEALTHZ_TOKEN>``.
# None of them sends a task or waits for a worker (see core/heartbeat.py).


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _check_redis() -> dict:
    client = heartbeat.client()
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def _check_workers() -> dict:
    client = heartbeat.client()
    try:
        workers = heartbeat.read(client)
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        waiting = client.llen(queue) if settings.CELERY_BROKER_URL == settings.REDIS_URL else None
    finally:
        client.close()
    return {"ok": bool(workers), "workers": workers, "queue": {"name": queue, "waiting": waiting}}


READY_CHECKS = {"database": _check_database, "redis": _check_redis}
CHECKS = {**READY_CHECKS, "workers": _check_workers}


def _run(checks: dict) -> tuple[bool, dict[str, dict]]:
    report: dict[str, dict] = {}
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - every failure is a "down" here
            logger.warning("healthz: %s is down: %s", name, exc.__class__.__name__)
            report[name] = {"ok": False, "error": exc.__class__.__name__}
    return all(part["ok"] for part in report.values()), report


def _is_internal(request: HttpRequest) -> bool:
    token = settings.WIR_HEALTHZ_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:], token):
        return True
    user = request.user
    return bool(user.is_authenticated and user.is_staff and is_verified(user))


@never_cache
@require_GET
def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness: answers as long as the process serves requests; checks nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and Redis answer; 503 (within seconds) when one does not."""
    healthy, report = _run(READY_CHECKS)
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "checks": {name: {"ok": part["ok"]} for name, part in report.items()},
        },
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The detailed report for internal callers: database, Redis, the workers that wrote a
    heartbeat recently and the tasks waiting in the queue; 503 if one part is down."""
    if not _is_internal(request):
        return JsonResponse({"status": "forbidden"}, status=403)
    healthy, report = _run(CHECKS)
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": report},
        status=200 if healthy else 503,
    )
