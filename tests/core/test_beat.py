"""Celery beat run twice by mistake: two real `celery beat` processes with the portal's
periodic tasks (every two seconds, tests/core/beat_settings.py) and one real worker. Only the
beat that holds the lock in Redis sends; each periodic task runs once per interval, not twice;
when that beat dies, the other takes over within the lock's time."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT, CeleryWorker
from tests.core import beat_settings

# The worker runs the real tasks against the test database.
pytestmark = pytest.mark.django_db(transaction=True)

INTERVAL = beat_settings.BEAT_TEST_INTERVAL_SECONDS
TASKS = [entry["task"] for entry in beat_settings.CELERY_BEAT_SCHEDULE.values()]


class BeatProcess:
    """A real `celery beat` sending to ``worker``'s queue, with its schedule and lock under
    ``key_prefix`` in the test Redis."""

    def __init__(self, worker: CeleryWorker, key_prefix: str, log: Path):
        self.worker, self.key_prefix, self.log = worker, key_prefix, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = self.worker.env()
        env.update(
            DJANGO_SETTINGS_MODULE="tests.core.beat_settings", WIR_BEAT_KEY_PREFIX=self.key_prefix
        )
        self._logfile = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wir_portal", "beat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=self._logfile, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def holds_lock(self) -> bool:
        return "beat: Acquired lock" in self.text()

    def sent(self) -> int:
        return self.text().count("Scheduler: Sending due task")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.process = None
        if getattr(self, "_logfile", None):
            self._logfile.close()


def wait_until(condition, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


def runs(worker: CeleryWorker, offset: int) -> dict[str, int]:
    """How often each periodic task succeeded in the worker since byte ``offset`` of its log."""
    text = worker.log.read_bytes()[offset:].decode(errors="replace")
    return {
        task: len(re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", text))
        for task in TASKS
    }


@pytest.fixture
def beats(celery_worker, tmp_path):
    """Starts beat processes that share one schedule and lock; stops them all at the end."""
    prefix = f"test-beat-{uuid.uuid4().hex[:8]}"
    started: list[BeatProcess] = []

    def start() -> BeatProcess:
        beat = BeatProcess(celery_worker, prefix, tmp_path / f"beat-{len(started)}.log")
        beat.start()
        started.append(beat)
        return beat

    yield start
    for beat in started:
        beat.stop(signal.SIGKILL)


@pytest.mark.slow
def test_two_beats_run_each_periodic_task_once_per_interval(celery_worker, beats):
    first = beats()
    wait_until(lambda: first.sent() > 0, what=f"the first beat sends: {first.text()}")
    second = beats()
    wait_until(lambda: "beat: Starting" in second.text(), what="the second beat starts")

    # Both beats run; the worker's runs of each periodic task are counted over a window.
    offset = celery_worker.log.stat().st_size
    began = time.monotonic()
    time.sleep(6 * INTERVAL)
    counted = runs(celery_worker, offset)
    elapsed = time.monotonic() - began
    assert first.process.poll() is None and second.process.poll() is None
    # Once per interval (one more for a run that straddles the window's start), not twice.
    most = int(elapsed / INTERVAL) + 1
    for task, count in counted.items():
        assert 2 <= count <= most, (task, count, most, counted)
    assert first.holds_lock() and not second.holds_lock() and second.sent() == 0, second.text()

    # The first beat dies without releasing its lock: the second takes over once the lock
    # runs out (WIR_BEAT_LOCK_SECONDS) and the periodic tasks go on, still once per interval.
    first.stop(signal.SIGKILL)
    wait_until(second.holds_lock, timeout=30, what=f"the second beat takes over: {second.text()}")
    offset = celery_worker.log.stat().st_size
    began = time.monotonic()
    time.sleep(4 * INTERVAL)
    counted = runs(celery_worker, offset)
    most = int((time.monotonic() - began) / INTERVAL) + 1
    for task, count in counted.items():
        assert 1 <= count <= most, (task, count, most, counted)
