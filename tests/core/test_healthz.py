"""Health endpoints (issue 10.9): liveness answers without database or Redis, readiness
checks both quickly, and the detailed report shows the workers by the heartbeat they write
themselves, so a busy, hung or stopped worker never makes a web request wait.

Outages use the suite's own Redis (``private_redis``) and a database connection pointed at
a closed port (``database_down``); the machine's shared Redis is never stopped."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.accounts.factories import login_verified
from tests.conftest import CeleryWorker
from tests.factories import AdminFactory, MunicipalStaffFactory

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "ein-langes-geheimes-token-nur-fuer-den-test"
LIVE, READY, REPORT = "/healthz/live/", "/healthz/ready/", "/healthz/"


def timed_get(client, url, **headers):
    started = time.monotonic()
    response = client.get(url, headers=headers)
    return response, time.monotonic() - started


def report(client):
    return client.get(REPORT, headers={"Authorization": f"Bearer {TOKEN}"})


def worker_names(response) -> set[str]:
    return {w["hostname"] for w in response.json()["checks"]["workers"]["workers"]}


def wait_for(predicate, timeout: float = 20.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not reached in time")


@pytest.fixture(autouse=True)
def _token(settings):
    settings.WIR_HEALTHZ_TOKEN = TOKEN


# Liveness ----------------------------------------------------------------------------------


def test_liveness_answers_while_database_and_redis_are_down(
    client, settings, private_redis, database_down
):
    settings.REDIS_URL = private_redis.url
    private_redis.stop()
    response, took = timed_get(client, LIVE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert took < 0.5
    assert "no-store" in response["Cache-Control"]


# Readiness ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readiness_is_503_quickly_when_redis_stops(client, settings, private_redis):
    settings.REDIS_URL = private_redis.url
    response = client.get(READY)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "redis": {"ok": True}},
    }
    private_redis.stop()
    response, took = timed_get(client, READY)
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": {"ok": True}, "redis": {"ok": False}}
    assert took < 2 * settings.WIR_HEALTHZ_TIMEOUT + 0.5
    # The process itself is fine: liveness stays up, so compose does not restart web.
    assert client.get(LIVE).status_code == 200


def test_readiness_is_503_when_the_database_is_down(client, database_down):
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False}
    assert client.get(LIVE).status_code == 200


# The detailed report -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_report_shows_the_running_worker_by_its_heartbeat(client, celery_worker):
    response = wait_for(lambda: (r := report(client)).status_code == 200 and r)
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True}
    worker = next(
        w for w in body["checks"]["workers"]["workers"] if w["hostname"] == celery_worker.hostname
    )
    assert worker["age_seconds"] < 3
    assert celery_worker.queue in worker["queues"]


@pytest.mark.django_db(transaction=True)
def test_a_busy_worker_slows_no_health_endpoint_and_still_counts(client, tmp_path, settings):
    from wir_portal.celery import app

    worker = CeleryWorker(
        connection.settings_dict["NAME"], tmp_path, include="tests.core.worker_tasks"
    )
    worker.start()
    try:
        # The worker's only process is busy for a while, like a PDF bundle.
        app.send_task("tests.sleep", args=[15], queue=worker.queue)

        def busy():
            response = report(client)
            mine = [
                w
                for w in response.json()["checks"]["workers"]["workers"]
                if w["hostname"] == worker.hostname
            ]
            return mine and mine[0]["active_tasks"] == 1 and response

        wait_for(busy)
        token = {"Authorization": f"Bearer {TOKEN}"}
        for url, headers in ((LIVE, {}), (READY, {}), (REPORT, token)):
            for _ in range(8):
                response, took = timed_get(client, url, **headers)
                assert response.status_code == 200, (url, response.content)
                assert took < 1.0, (url, took)
        assert worker.hostname in worker_names(report(client))
    finally:
        worker.stop()
    # A worker that stops takes its heartbeat with it.
    assert worker.hostname not in worker_names(report(client))


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_drops_out_and_the_report_says_so(
    client, tmp_path, settings, private_redis
):
    """Heartbeats go to the suite's own Redis, so no other worker is in the report there."""
    import signal

    settings.REDIS_URL = private_redis.url
    worker = CeleryWorker(
        connection.settings_dict["NAME"],
        tmp_path,
        extra_env={
            "REDIS_URL": private_redis.url,
            # private_redis is this process's broker too (the start-up ping goes there)
            "CELERY_BROKER_URL": private_redis.url,
            "CELERY_RESULT_BACKEND": private_redis.url,
        },
    )
    worker.start()
    try:
        response = wait_for(lambda: (r := report(client)).status_code == 200 and r)
        assert worker_names(response) == {worker.hostname}
        worker.stop(sig=signal.SIGKILL)  # no chance to remove its heartbeat
        response = wait_for(lambda: (r := report(client)).status_code == 503 and r, timeout=10)
    finally:
        worker.stop()
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["workers"]["ok"] is False
    assert body["checks"]["workers"]["workers"] == []
    # Database and Redis are fine: readiness and liveness stay up.
    assert client.get(READY).status_code == 200
    assert client.get(LIVE).status_code == 200


@pytest.mark.django_db
def test_report_is_503_when_redis_is_down(client, settings, private_redis):
    settings.REDIS_URL = private_redis.url
    private_redis.stop()
    response, took = timed_get(client, REPORT, Authorization=f"Bearer {TOKEN}")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == {"ok": False, "error": "ConnectionError"}
    assert checks["workers"]["ok"] is False
    assert checks["database"] == {"ok": True}
    assert took < 3


@pytest.mark.django_db
def test_report_is_only_for_internal_callers(client, settings):
    assert client.get(REPORT).status_code == 403
    assert client.get(REPORT, headers={"Authorization": "Bearer falsch"}).status_code == 403
    settings.WIR_HEALTHZ_TOKEN = ""  # no token configured: no token opens it
    assert client.get(REPORT, headers={"Authorization": "Bearer "}).status_code == 403
    settings.WIR_HEALTHZ_TOKEN = TOKEN
    assert report(client).status_code in (200, 503)
    assert "checks" in report(client).json()

    login_verified(client, MunicipalStaffFactory())
    assert client.get(REPORT).status_code == 403
    client.logout()
    login_verified(client, AdminFactory(is_staff=True))
    assert client.get(REPORT).status_code in (200, 503)
    # Staff who logged in with the password only, without the second factor: refused.
    client.logout()
    admin = AdminFactory(is_staff=True)
    client.force_login(admin)
    assert client.get(REPORT).status_code == 403


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_compose_checks_web_by_liveness_only():
    result = subprocess.run(
        ["docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    web = result.stdout.split("\n  web:\n")[1].split("\n  worker:\n")[0]
    health = web.split("healthcheck:")[1].split("image:")[0]
    assert "/healthz/live/" in health
    assert "/healthz/ready/" not in health and "/healthz/ " not in health
