import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_reports_database_redis_and_worker_up(client, celery_worker):
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name for name, part in body["checks"].items() if part["ok"]} == {
        "database",
        "redis",
        "worker",
    }


def test_healthz_is_503_when_no_worker_answers(client, tmp_path, settings):
    from django.db import connection

    from tests.conftest import CeleryWorker

    # A worker of our own, so stopping it does not disturb the session's worker.
    worker = CeleryWorker(connection.settings_dict["NAME"], tmp_path)
    worker.start()
    try:
        assert client.get("/healthz/").status_code == 200
    finally:
        worker.stop()
    settings.WIR_HEALTHZ_WORKER_TIMEOUT = 1.0
    # Ask on the stopped worker's queue: no worker consumes it any more.
    from wir_portal.celery import app

    previous, app.conf.task_default_queue = app.conf.task_default_queue, worker.queue
    try:
        response = client.get("/healthz/")
    finally:
        app.conf.task_default_queue = previous
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}
