"""Attachments of an application."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.calls import round_attachment_kinds
from applications.models import Application, Attachment, EventAction, Section
from core.validators import validate_upload

from .base import (
    lock_application,
    record_event,
    require_editable,
    require_lead_staff,
    sync_instance,
    touch,
)


# Attachments ----------------------------------------------------------------------------------
@transaction.atomic
def attachment_add(*, application: Application, user, kind: str, uploaded_file) -> Attachment:
    """Store an uploaded file, recognised by its content (PDF, DOCX, XLSX, ODT, ODS, JPEG,
    PNG), at most ``settings.WIR_UPLOAD_MAX_BYTES``. ``kind``: the key of one of the round's
    attachment kinds (``RoundAttachmentKind``)."""
    app = lock_application(application)
    require_lead_staff(user, app)
    require_editable(app, Section.ATTACHMENTS)
    kinds = {k.key: k for k in round_attachment_kinds(app.round)}
    if kind not in kinds:
        raise ValidationError({"kind": [_("Bitte wählen Sie die Art der Anlage.")]})
    try:
        checked = validate_upload(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    now = timezone.now()
    attachment = Attachment(
        application=app,
        kind=kind,
        kind_label=kinds[kind].label,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
        uploaded_at=now,
    )
    uploaded_file.seek(0)
    attachment.file.save(checked.original_name, uploaded_file, save=False)
    try:
        attachment.save()
        touch(app, [], now, bump=False)
        record_event(
            app,
            user,
            EventAction.ATTACHMENT_ADDED,
            data={
                "attachment": attachment.pk,
                "kind": kind,
                "name": attachment.original_name,
                "sha256": attachment.sha256,
                "size": attachment.size,
            },
            now=now,
        )
    except Exception:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    sync_instance(application, app)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user) -> None:
    """Remove an attachment (draft, or a Nachforderung reopening the attachments). The file
    is deleted from storage after the commit."""
    app = lock_application(attachment.application_id)
    require_lead_staff(user, app)
    require_editable(app, Section.ATTACHMENTS)
    attachment = Attachment.objects.get(pk=attachment.pk)
    storage, name = attachment.file.storage, attachment.file.name
    data = {
        "attachment": attachment.pk,
        "kind": attachment.kind,
        "name": attachment.original_name,
        "sha256": attachment.sha256,
    }
    attachment.delete()
    touch(app, [], bump=False)
    record_event(app, user, EventAction.ATTACHMENT_REMOVED, data=data)
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)
