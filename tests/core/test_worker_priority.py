"""The worker's task processes run with a lower CPU priority than web (issue 12): a rush of
submissions renders a PDF receipt for each request, and on shared cores those renders must not
slow down the requests people are waiting for."""

from __future__ import annotations

import multiprocessing
import os

from celery.signals import worker_process_init

CONTEXT = multiprocessing.get_context("fork")


def _niceness_after_pool_start(queue) -> None:
    """In a forked child (the test process keeps its priority): what a new pool process does
    when it starts, then report its niceness."""
    before = os.nice(0)
    worker_process_init.send(sender=None)
    queue.put(os.nice(0) - before)


def _run_in_child() -> int:
    queue = CONTEXT.Queue()
    child = CONTEXT.Process(target=_niceness_after_pool_start, args=(queue,))
    child.start()
    result = queue.get(timeout=30)
    child.join(timeout=30)
    return result


def test_pool_processes_are_nicer_than_web(settings):
    settings.WIR_WORKER_NICE = 10
    assert _run_in_child() == 10


def test_zero_keeps_the_priority(settings):
    settings.WIR_WORKER_NICE = 0
    assert _run_in_child() == 0
