"""The outbox: work the portal owes to the task queue is never lost with the queue.

A service that owes a document or an e-mail calls ``outbox_enqueue(task_name, *ids)`` inside
its transaction. That writes an ``OutboxMessage`` row with the change that owes it, and after
the commit hands the task to the broker (``outbox_send``). If the broker (Redis) is down, the
error is logged and the row stays owed; the user's request succeeds all the same. The periodic
task ``core.outbox_flush`` (Celery beat, every minute) sends again what is still owed:

* never handed to the broker: after ``WIR_OUTBOX_GRACE_SECONDS`` (default 60);
* handed over but not finished (a message lost with Redis, a task that failed for good):
  after ``WIR_OUTBOX_REDELIVER_MINUTES`` (default 15), at most ``WIR_OUTBOX_MAX_ATTEMPTS``
  times (default 10); then it stays in the admin for an operator.

A message's task id is ``outbox-<row id>-<attempt>``; when a task with such an id succeeds, the
row is marked done (signal ``task_success``). The tasks stay safe to run twice: they store
idempotently and send each e-mail once (``core.mail.mail_once``).
Done rows are deleted after ``WIR_OUTBOX_KEEP_DAYS`` (default 30). A row holds only the task's
name and ids, never personal data.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from celery import current_app, signals
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

TASK_ID = re.compile(r"^outbox-(\d+)-\d+$")
# A broker that refuses connections is given up quickly: the user waits for the response.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}


def outbox_enqueue(task_name: str, *args) -> OutboxMessage:
    """Owes ``task_name(*args)`` (JSON-serialisable ids) in the current transaction and sends it
    to the broker once the transaction has committed. Never raises for a broker outage."""
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    transaction.on_commit(lambda: outbox_send(message.pk))
    return message


def task_id_for(message_id: int, attempt: int) -> str:
    return f"outbox-{message_id}-{attempt}"


def message_id_of(task_id: str | None) -> int | None:
    """The outbox row of a task id, or None for a task not sent through the outbox."""
    match = TASK_ID.match(task_id or "")
    return int(match.group(1)) if match else None


def publish(task_name: str, args: list, task_id: str) -> None:
    """Hands one task to the broker (tests replace this)."""
    # No result is awaited (the worker marks the row done), so nothing subscribes to the result
    # backend: with Redis down that subscription would retry for 20 s inside the request.
    current_app.send_task(
        task_name,
        args=args,
        task_id=task_id,
        retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
        ignore_result=True,
    )


def outbox_send(message_id: int) -> bool:
    """Tries to hand an owed message to the broker. Logs and returns False on any error (the
    row stays owed for ``outbox_flush``); never raises."""
    try:
        message = OutboxMessage.objects.owed().filter(pk=message_id).first()
        if message is None:
            return False
        attempt = message.attempts + 1
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=attempt, last_attempt_at=timezone.now()
        )
        try:
            publish(message.task_name, list(message.args), task_id_for(message_id, attempt))
        except Exception as exc:  # noqa: BLE001 - the broker is down: stays owed
            logger.warning(
                "Outbox message %s (%s) not sent, will be sent again: %s",
                message_id,
                message.task_name,
                exc,
            )
            OutboxMessage.objects.filter(pk=message_id).update(
                last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
            )
            return False
        OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now())
        return True
    except Exception:  # noqa: BLE001 - e.g. the database went away; flush tries again
        logger.exception("Outbox message %s could not be sent", message_id)
        return False


def outbox_flush(now: datetime | None = None) -> int:
    """Sends again every message still owed (see the module's docstring); removes done rows
    after the keeping period. Returns how many messages were handed to the broker."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=settings.WIR_OUTBOX_GRACE_SECONDS)
    redeliver = now - timedelta(minutes=settings.WIR_OUTBOX_REDELIVER_MINUTES)
    OutboxMessage.objects.filter(
        done_at__lt=now - timedelta(days=settings.WIR_OUTBOX_KEEP_DAYS)
    ).delete()
    owed = OutboxMessage.objects.owed().filter(attempts__lt=settings.WIR_OUTBOX_MAX_ATTEMPTS)
    never_sent = Q(sent_at__isnull=True, created_at__lt=grace) & (
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=grace)
    )
    ids = list(
        owed.filter(never_sent | Q(sent_at__lt=redeliver))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    sent = sum(outbox_send(pk) for pk in ids)
    if ids:
        logger.info("Outbox: %s of %s owed messages sent again", sent, len(ids))
    given_up = OutboxMessage.objects.owed().filter(
        attempts__gte=settings.WIR_OUTBOX_MAX_ATTEMPTS, last_attempt_at__lt=redeliver
    )
    for message in given_up[:20]:
        logger.error("Outbox message %s given up after %s attempts", message, message.attempts)
    return sent


def outbox_mark_done(task_id: str | None) -> bool:
    message_id = message_id_of(task_id)
    if message_id is None:
        return False
    return bool(
        OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(
            done_at=timezone.now(), last_error=""
        )
    )


def _task_succeeded(sender=None, **kwargs) -> None:
    try:
        outbox_mark_done(getattr(getattr(sender, "request", None), "id", None))
    except Exception:  # noqa: BLE001 - flush sends it again; the task is idempotent
        logger.exception("Outbox: marking a task as done failed")


def _task_failed(sender=None, task_id=None, exception=None, **kwargs) -> None:
    message_id = message_id_of(task_id)
    if message_id is None:
        return
    try:
        OutboxMessage.objects.filter(pk=message_id).update(
            last_error=f"{exception.__class__.__name__}: {exception}"[:2000]
        )
    except Exception:  # noqa: BLE001
        logger.exception("Outbox: recording a task's failure failed")


def connect_signals() -> None:
    signals.task_success.connect(_task_succeeded, weak=False, dispatch_uid="core.outbox.success")
    signals.task_failure.connect(_task_failed, weak=False, dispatch_uid="core.outbox.failure")
