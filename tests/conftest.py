"""Fixtures shared by the whole suite: private media in a temporary folder, a real Celery
worker on the real Redis, and the helpers for browser tests."""

import contextlib
import copy
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["tests.queries"]  # the assert_constant_queries fixture


@pytest.fixture(autouse=True)
def _private_media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


class SharedData:
    """Data built once for many tests (see ``shared_data``): each test gets a deep copy of the
    objects (as Django's ``TestCase.setUpTestData`` hands them out) and a copy of the files."""

    def __init__(self, value, media_root: Path):
        self.value = value
        self.media_root = media_root

    def for_test(self, media_root) -> object:
        shutil.copytree(self.media_root, media_root, dirs_exist_ok=True)
        return copy.deepcopy(self.value)


@contextlib.contextmanager
def shared_data(django_db_blocker, media_root: Path, build: Callable) -> Iterator[SharedData]:
    """``build()`` once for the tests of a module instead of once per test, the way Django's
    ``TestCase.setUpTestData`` does it: the data is made in a transaction that stays open
    around the tests, each test runs in a savepoint inside it (pytest-django's ``db``), so what
    a test changes is rolled back and the next test finds the data as built. Only for tests
    with the plain ``django_db`` mark (a ``transaction=True`` test would empty the tables).
    The files the data saves go to ``media_root``; ``for_test`` copies them into the test's
    own MEDIA_ROOT."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media_root):
                value = build()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield SharedData(value, media_root)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. A request in English leaves English active
    in the thread (LocaleMiddleware does not switch back), and which test runs next differs
    between runs in parallel."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Every test starts with an empty cache in its own Redis database."""
    from django.core.cache import cache

    cache.clear()
    yield


class Published(list):
    """Tasks the outbox handed to the broker: (task name, args, task id)."""

    def of(self, task_name: str) -> list[list]:
        return [args for name, args, _id in self if name == task_name]

    def run(self) -> None:
        """Runs the recorded tasks here, as a worker would (eagerly), then forgets them."""
        from wir_portal.celery import app

        app.loader.import_default_modules()  # every app's tasks.py, as in a worker
        while self:
            name, args, task_id = self.pop(0)
            app.tasks[name].apply(args=args, task_id=task_id, throw=True)


@pytest.fixture
def published(monkeypatch) -> Published:
    """The outbox's hand-over to the broker, recorded instead of sent."""
    sent = Published()
    monkeypatch.setattr(
        "core.outbox.publish", lambda name, args, task_id: sent.append((name, args, task_id))
    )
    return sent


class CeleryWorker:
    """A real `celery worker` process against the test database and the test Redis."""

    def __init__(
        self,
        database_name: str,
        media_root: Path,
        *,
        include: str = "",
        extra_env: dict | None = None,
    ):
        self.database_name = database_name
        self.media_root = media_root
        self.include = include  # further task modules, e.g. tests.core.worker_tasks
        self.extra_env = extra_env or {}
        self.queue = f"wir_test_{uuid.uuid4().hex[:8]}"
        self.process: subprocess.Popen | None = None
        self.log = media_root.parent / f"{self.queue}.log"

    def env(self) -> dict:
        db = settings.DATABASES["default"]
        user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        url = f"postgres://{user}@{host}:{port}/{self.database_name}"
        # The worker gets this test process's effective values (in a parallel run they were
        # derived from PYTEST_XDIST_WORKER in wir_portal/settings/test.py), so it must not
        # derive them a second time.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_")}
        env.update(
            DJANGO_SETTINGS_MODULE="wir_portal.settings.test",
            DATABASE_URL=url,
            REDIS_URL=settings.REDIS_URL,
            CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
            CELERY_QUEUE=self.queue,
            WIR_MEDIA_ROOT=str(self.media_root),
        )
        for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
            if name in os.environ:  # set apart from REDIS_URL: pass the effective value
                env[name] = getattr(settings, name)
        env.update(self.extra_env)
        return env

    @property
    def hostname(self) -> str:

        return f"{self.queue}@{socket.gethostname()}"

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
        if self.include:
            cmd += ["--include", self.include]
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


def free_port() -> int:
    """A loopback port nobody listens on (now)."""

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(django_db_blocker):
    """The default connection points at a loopback port where no PostgreSQL listens, as
    during an outage. For tests without the django_db mark."""
    from django.db import connections

    connection = connections["default"]
    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


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


# An S3-compatible object store (moto in server mode, tests/s3.py) ---------------------------------
@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The endpoint of a local S3 server with the private bucket ``tests.s3.BUCKET``, started
    once per test session when a test asks for it."""
    from tests.s3 import start_s3_server

    endpoint, stop = start_s3_server()
    yield endpoint
    stop()


# A Redis of the test's own, to stop and start (queue outages) ---------------------------------
class PrivateRedis:
    """A `redis-server` of one test on a free loopback port, without persistence: stopping it
    is an outage that also loses what was queued. Never the machine's shared Redis."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # Another test process may take the free port first: then, at the first start only
        # (later starts must keep the URL), the server gets another port.
        for _attempt in range(1 if self.started else 3):
            if self._run():
                self.started = True
                return
            if not self.started:
                self.port = free_port()
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def _run(self) -> bool:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    # ours, not a server that another test process runs on this port
                    if client.info("server")["process_id"] == self.process.pid:
                        return True
                    break
                except redis.ConnectionError:
                    time.sleep(0.02)
        finally:
            client.close()
        self.stop()
        return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None


def use_broker(url: str, backend: str | None = None) -> None:
    """Points this process's Celery app at the broker ``url`` (and result backend)."""
    from kombu import pools

    from wir_portal.celery import app

    app.conf.broker_url = url
    app.conf.result_backend = backend or url
    if app._pool is not None:
        app._pool.force_close_all()
    app._after_fork()  # forgets the app's connection and producer pools
    # kombu keeps producer pools per broker address for the whole process: a pool closed
    # above would be found again for the restored address ("Acquire on closed pool").
    pools.reset()
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


class PrivateWorker(CeleryWorker):
    """A real worker whose broker and result backend is a ``PrivateRedis``."""

    def __init__(self, database_name: str, media_root: Path, redis_url: str):
        super().__init__(database_name, media_root)
        self.redis_url = redis_url

    def env(self) -> dict:
        env = super().env()
        env["REDIS_URL"] = self.redis_url
        return env


@pytest.fixture
def private_redis(tmp_path, settings):
    """A Redis of this test's own, running, as the broker of this process's Celery app (and of
    ``private_redis.worker()``); stop() and start() it to simulate an outage."""
    from django.db import connection

    from wir_portal.celery import app

    saved = app.conf.broker_url, app.conf.result_backend
    (tmp_path / "redis").mkdir()
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    use_broker(server.url)
    settings.MEDIA_ROOT = tmp_path / "media"
    workers: list[PrivateWorker] = []

    def worker() -> PrivateWorker:
        started = PrivateWorker(
            connection.settings_dict["NAME"], Path(settings.MEDIA_ROOT), server.url
        )
        started.start()
        workers.append(started)
        return started

    server.worker = worker
    yield server
    for started in workers:
        started.stop(signal.SIGKILL)
    server.stop()
    use_broker(*saved)
