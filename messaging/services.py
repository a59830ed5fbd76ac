"""Writes of the Postfach: sending a message (with its event row) and marking messages read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.selectors import partner_municipality_ids
from applications.services.base import record_event
from core.formatting import format_number
from core.validators import CheckedUpload, validate_upload
from municipalities.selectors import member_municipality_ids

from . import permissions
from .models import (
    SUBJECT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Audience,
    Message,
    MessageAttachment,
    MessageEvent,
    MessageRead,
    Side,
)

MAX_ATTACHMENTS = 5


def _sender_municipality_id(user, application: Application, member_ids, partner_ids):
    if permissions.is_rp(user):
        return None
    if application.lead_municipality_id in member_ids:
        return application.lead_municipality_id
    return min(set(member_ids) & set(partner_ids))


def _check_files(files: Sequence) -> list[CheckedUpload]:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "file": [
                    _("Sie können einer Nachricht höchstens %(n)s Dateien anhängen.")
                    % {"n": MAX_ATTACHMENTS}
                ]
            }
        )
    checked = []
    for uploaded in files:
        try:
            checked.append(validate_upload(uploaded))
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
    return checked


@transaction.atomic
def message_send(
    *,
    application: Application,
    user,
    text: str,
    subject: str = "",
    audience: str = Audience.ALL,
    files: Sequence = (),
    now: dt.datetime | None = None,
) -> Message:
    """Send a message on ``application`` with optional attachments (checked like the
    application's own uploads, stored privately), and record the public event
    ``message_sent``. Everything or nothing: a refused file stores no message, no file."""
    application = Application.objects.select_related("lead_municipality").get(pk=application.pk)
    member_ids = member_municipality_ids(user)
    partner_ids = partner_municipality_ids(application)
    allowed = permissions.audience_choices(
        user, application, member_ids=member_ids, partner_ids=partner_ids
    )
    if not allowed:
        raise PermissionDenied(_("Sie können zu diesem Antrag keine Nachrichten schreiben."))
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    subject = (subject or "").strip()
    if not text:
        errors["text"] = [_("Bitte geben Sie den Text Ihrer Nachricht ein.")]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [
            _("Die Nachricht ist zu lang: höchstens %(n)s Zeichen.")
            % {"n": format_number(TEXT_MAX_LENGTH)}
        ]
    if len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = [
            _("Der Betreff ist zu lang: höchstens %(n)s Zeichen.") % {"n": SUBJECT_MAX_LENGTH}
        ]
    if audience not in allowed:
        errors["audience"] = [_("Bitte wählen Sie, wer die Nachricht lesen soll.")]
    if errors:
        raise ValidationError(errors)
    checked = _check_files(list(files))

    now = now or timezone.now()
    message = Message(
        application=application,
        sender=user,
        side=Side.RP if permissions.is_rp(user) else Side.MUNICIPALITY,
        sender_municipality_id=_sender_municipality_id(user, application, member_ids, partner_ids),
        audience=audience,
        subject=subject,
        text=text,
        sent_at=now,
    )
    stored: list[MessageAttachment] = []
    try:
        message.save(force_insert=True)
        for uploaded, check in zip(files, checked, strict=True):
            attachment = MessageAttachment(
                message=message,
                original_name=check.original_name,
                content_type=check.content_type,
                size=check.size,
                sha256=check.sha256,
            )
            uploaded.seek(0)
            attachment.file.save(check.original_name, uploaded, save=False)
            stored.append(attachment)
            attachment.save(force_insert=True)
        record_event(
            application,
            user,
            MessageEvent.SENT,
            data={"message_id": message.pk, "audience": audience},
            now=now,
        )
    except Exception:
        for attachment in stored:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return message


def messages_mark_read(*, user, messages: Iterable[Message]) -> int:
    """Marks the given messages (that ``user`` may read) as read by ``user``, except own
    messages and those read before. Returns how many were new."""
    if user is None or not user.is_authenticated:
        return 0
    unread = [m.pk for m in messages if m.sender_id != user.pk and not getattr(m, "is_read", False)]
    if not unread:
        return 0
    now = timezone.now()
    created = MessageRead.objects.bulk_create(
        [MessageRead(message_id=pk, user=user, read_at=now) for pk in unread],
        ignore_conflicts=True,
    )
    return len(created)
