"""Every e-mail of the portal: one way to render and send it, one way to send it only once.

``mail_send(template=..., context=..., to=...)`` renders ``<template>_subject.txt`` (on one
line) and ``<template>.txt`` and sends the mail from ``DEFAULT_FROM_EMAIL``: one message to
all recipients, or one message each (``separately=True``, so that the staff of different
municipalities do not see each other's addresses), with attachments, and in a fixed language
if asked (a mail to an office is German whatever the language of the request that caused it).

``mail_once(key)`` makes sending safe to run twice (a redelivered task, a retry, two workers
at once). It locks the ``SentMail`` row of ``key`` (a name for what the mail is about, e.g.
``"reviews.decision:42"``), creating it if need be, and yields whether the mail is still
owed; when the block ends without an error, the row is marked sent in the same transaction::

    with mail_once(f"reviews.decision:{application.pk}") as owed:
        if owed:
            mail_send(template="reviews/email/decision", context=..., to=recipients)

A second run waits for the lock and then finds the mail sent; a run that fails (the mail
server refused, the database went away) rolls the mark back, so a retry sends it. The mail
leaves before the transaction commits: if the commit itself fails, a retry sends it again
(at least once, never twice for runs that commit).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import SentMail
from .outbox import message_id_of

# An attachment: file name, content, MIME type.
Attachment = tuple[str, bytes, str]


def mail_render(template: str, context: Mapping) -> tuple[str, str]:
    """Subject (whitespace folded to single spaces: a header has one line) and body."""
    subject = render_to_string(f"{template}_subject.txt", dict(context))
    body = render_to_string(f"{template}.txt", dict(context))
    return " ".join(subject.split()), body


def mail_send(
    *,
    template: str,
    context: Mapping,
    to: Iterable[str],
    separately: bool = False,
    attachments: Iterable[Attachment] = (),
    language: str | None = None,
) -> int:
    """Renders ``template`` (see ``mail_render``) and sends it to ``to``; returns how many
    messages were sent (0 without recipients)."""
    recipients = list(to)
    if not recipients:
        return 0
    with translation.override(language) if language else nullcontext():
        subject, body = mail_render(template, context)
    groups = [[address] for address in recipients] if separately else [recipients]
    messages = [EmailMessage(subject=subject, body=body, to=group) for group in groups]
    for message in messages:
        for filename, content, mimetype in attachments:
            message.attach(filename, content, mimetype)
    return get_connection().send_messages(messages) or 0


@contextmanager
def mail_once(key: str | None) -> Iterator[bool]:
    """Yields whether the mail named ``key`` is still owed, holding the row lock of its
    ``SentMail`` mark, and marks it sent when the block ends without an error (see the
    module's docstring). ``key=None``: no mark, always owed."""
    if key is None:
        yield True
        return
    with transaction.atomic():
        # INSERT ... ON CONFLICT DO NOTHING: a twin's uncommitted row makes this wait until
        # the twin commits (then there is nothing to insert) or rolls back.
        SentMail.objects.bulk_create([SentMail(key=key)], ignore_conflicts=True)
        mark = SentMail.objects.select_for_update().get(key=key)
        if mark.sent_at is not None:
            yield False
            return
        yield True
        mark.sent_at = timezone.now()
        mark.save(update_fields=["sent_at"])


def outbox_mail_key(name: str, task_id: str | None) -> str | None:
    """The key of a mail owed once per outbox message (not per object: e.g. every
    registration attempt gets its mail), from the id of the task that sends it; ``None`` for
    a task not sent through the outbox."""
    message_id = message_id_of(task_id)
    return None if message_id is None else f"{name}:outbox-{message_id}"
