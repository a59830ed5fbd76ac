"""Rows of the authorisation matrix for the Postfach (messaging/urls.py), in the format of
matrix.py, which merges them into MATRIX. The thread is the world's submitted application
(lead: the world's municipality, confirmed partner: the partner municipality); its message,
made on first use, is meant for every participating municipality and carries a PDF. Staff of
another municipality and the jury read nothing (messaging/permissions.py); a lead-only
message is refused to the partner in tests/messaging/test_views.py."""

from __future__ import annotations

from .matrix import (
    ADMIN,
    CASE_OFFICER,
    OK,
    PARTNER,
    REDIRECT,
    STAFF,
    STAFF_OTHER,
    Entry,
    logged_in,
    only,
)

READERS = (STAFF, PARTNER, CASE_OFFICER, ADMIN)


def world_message(world):
    """A message of the case officer to every municipality, with an attachment, made once
    per world."""
    cached = getattr(world, "_message", None)
    if cached is not None:
        return cached
    from django.core.files.uploadedfile import SimpleUploadedFile

    from messaging.services import message_send
    from tests.factories import MINIMAL_PDF

    world._message = message_send(
        application=world.submitted,
        user=world.users[CASE_OFFICER],
        subject="Rückfrage",
        text="Bitte senden Sie den Zeitplan.",
        files=[SimpleUploadedFile("Zeitplan.pdf", MINIMAL_PDF, content_type="application/pdf")],
    )
    return world._message


def _attachment(world) -> dict:
    message = world_message(world)
    return {"pk": world.submitted.pk, "attachment_pk": message.attachments.get().pk}


def _thread(world) -> dict:
    world_message(world)
    return {"pk": world.submitted.pk}


MESSAGE_ROWS: dict[str, Entry] = {
    # Municipal staff (any municipality: an empty Postfach) and RP; not the jury.
    "messaging:mailbox": Entry(get=only([*READERS, STAFF_OTHER], OK), post=logged_in(405)),
    "messaging:thread": Entry(
        get=only(READERS, OK),
        post=only(READERS, REDIRECT),  # sent, back to the thread (PRG)
        kwargs=_thread,
        post_data={"text": "Eine Antwort", "audience": "all"},
    ),
    "messaging:attachment": Entry(get=only(READERS, OK), post=logged_in(405), kwargs=_attachment),
}
