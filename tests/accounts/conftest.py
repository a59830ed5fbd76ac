import shutil
import socket
import subprocess
import time

import pytest
import redis

from .factories import MunicipalityFactory


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Heppenheim (Bergstraße)", ags="06431011")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(name="Birkenau", ags="06431004", population=9_852)


class PrivateRedis:
    """A `redis-server` of the test's own on a free loopback port, so that a test can stop
    and restart it; the machine's shared Redis is never touched."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path, settings):
    """The cache on a private Redis (see ``PrivateRedis``); stopped again after the test."""
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
