"""Heartbeats of the Celery workers, for the health report (/healthz/).

Each worker writes, from a thread of its main process, a small JSON record into Redis every
``WIR_WORKER_HEARTBEAT_SECONDS`` with a lifetime of three intervals, and deletes it when it
stops. The main process is not the one that runs tasks (prefork pool), so a worker busy with
a long receipt backlog or a PDF bundle still beats; a worker that hangs or was killed stops
beating and its record expires. The web side only reads these records: it never sends a
task and never waits for a worker.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time

import redis
from celery import bootsteps
from celery.worker import state
from django.conf import settings

logger = logging.getLogger(__name__)


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'wir'}:worker-heartbeat"


def _index_key() -> str:
    return f"{_prefix()}:index"


def _key(hostname: str) -> str:
    return f"{_prefix()}:{hostname}"


def interval() -> float:
    return float(settings.WIR_WORKER_HEARTBEAT_SECONDS)


def lifetime() -> int:
    """Seconds a heartbeat stays valid: three intervals, so one late beat is no outage."""
    return max(2, round(interval() * 3))


def client(timeout: float | None = None) -> redis.Redis:
    timeout = timeout if timeout is not None else settings.WIR_HEALTHZ_TIMEOUT
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )


def write(conn: redis.Redis, hostname: str, info: dict) -> None:
    record = {"hostname": hostname, "at": time.time(), **info}
    pipe = conn.pipeline()
    pipe.set(_key(hostname), json.dumps(record), ex=lifetime())
    pipe.sadd(_index_key(), hostname)
    pipe.execute()


def remove(conn: redis.Redis, hostname: str) -> None:
    pipe = conn.pipeline()
    pipe.delete(_key(hostname))
    pipe.srem(_index_key(), hostname)
    pipe.execute()


def read(conn: redis.Redis) -> list[dict]:
    """The workers whose heartbeat is still valid, each with ``age_seconds``. Workers whose
    record has expired are dropped from the index."""
    names = sorted(name.decode() for name in conn.smembers(_index_key()))
    if not names:
        return []
    now = time.time()
    workers, gone = [], []
    for name, raw in zip(names, conn.mget([_key(n) for n in names]), strict=True):
        if raw is None:
            gone.append(name)
            continue
        record = json.loads(raw)
        record["age_seconds"] = round(max(0.0, now - record.pop("at", now)), 1)
        workers.append(record)
    if gone:
        conn.srem(_index_key(), *gone)
    return workers


def _worker_info(worker) -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "queues": sorted(worker.app.amqp.queues.consume_from or {}),
        "active_tasks": len(state.active_requests),
        "reserved_tasks": len(state.reserved_requests),
    }


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Worker bootstep (wir_portal/celery.py adds it): a daemon thread in the worker's main
    process writes the heartbeat; stopping the worker deletes it."""

    requires = {"celery.worker.components:Pool"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._hostname = ""

    def start(self, worker):
        self._hostname = worker.hostname
        self._stopped.clear()
        self._thread = threading.Thread(
            target=self._run, args=(worker,), name="wir-heartbeat", daemon=True
        )
        self._thread.start()

    def _run(self, worker) -> None:
        conn = client()
        while not self._stopped.is_set():
            try:
                write(conn, self._hostname, _worker_info(worker))
            except Exception as exc:  # noqa: BLE001 - Redis away: try again next time
                logger.warning("worker heartbeat not written: %s", exc.__class__.__name__)
            self._stopped.wait(interval())
        conn.close()

    def stop(self, worker):
        if self._thread is None:
            return
        self._stopped.set()
        self._thread.join(timeout=5)
        self._thread = None
        try:
            conn = client()
            remove(conn, self._hostname)
            conn.close()
        except Exception as exc:  # noqa: BLE001 - the record expires on its own
            logger.warning("worker heartbeat not removed: %s", exc.__class__.__name__)

    def terminate(self, worker):
        self.stop(worker)

    def shutdown(self, worker):
        self.stop(worker)
