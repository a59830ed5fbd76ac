"""Fixtures shared by the whole suite: private media in a temporary folder, a real Celery
worker on the real Redis, and the helpers for browser tests."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clean_cache():
    """Every test starts with an empty cache in its own Redis database."""
    from django.core.cache import cache

    cache.clear()
    yield


class CeleryWorker:
    """A real `celery worker` process against the test database and the test Redis."""

    def __init__(self, database_name: str, media_root: Path):
        self.database_name = database_name
        self.media_root = media_root
        self.queue = f"wir_test_{uuid.uuid4().hex[:8]}"
        self.process: subprocess.Popen | None = None
        self.log = media_root.parent / f"{self.queue}.log"

    def env(self) -> dict:
        db = settings.DATABASES["default"]
        user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        url = f"postgres://{user}@{host}:{port}/{self.database_name}"
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="wir_portal.settings.test",
            DATABASE_URL=url,
            REDIS_URL=settings.REDIS_URL,
            CELERY_QUEUE=self.queue,
            WIR_MEDIA_ROOT=str(self.media_root),
        )
        return env

    def start(self) -> None:
        from wir_portal.celery import app

        # Tasks sent from the tests go to this worker's queue until it stops.
        self._previous_queue = app.conf.task_default_queue
        app.conf.task_default_queue = self.queue
        settings.CELERY_TASK_DEFAULT_QUEUE = self.queue
        cmd = [
            sys.executable, "-m", "celery", "-A", "wir_portal", "worker",
            "--loglevel=INFO", "--concurrency=1", "--pool=prefork", "-Q", self.queue,
            "-n", f"{self.queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self._logfile = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env(), stdout=self._logfile, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        from wir_portal.celery import ping

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited: {self.log.read_text()[-3000:]}")
            try:
                if ping.apply_async(queue=self.queue, expires=5).get(timeout=2) == "pong":
                    return
            except Exception:  # noqa: BLE001, S110 - not up yet
                pass
        raise RuntimeError(f"Celery worker did not answer: {self.log.read_text()[-3000:]}")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if getattr(self, "_logfile", None):
            self._logfile.close()
        if getattr(self, "_previous_queue", None):
            from wir_portal.celery import app

            app.conf.task_default_queue = self._previous_queue
            settings.CELERY_TASK_DEFAULT_QUEUE = self._previous_queue
            self._previous_queue = None


@pytest.fixture(scope="session")
def _redis_test_db():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory, _redis_test_db):
    """One real worker for the session. Tests that use it must commit their data
    (`transactional_db`), because the worker is another process."""
    from django.db import connection

    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    worker = CeleryWorker(name, tmp_path_factory.mktemp("worker-media"))
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker_media(celery_worker, settings):
    """Make the test and the worker share one media folder."""
    settings.MEDIA_ROOT = celery_worker.media_root
    return celery_worker.media_root
