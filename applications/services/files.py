"""Attachments and stored generated documents."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Application,
    Attachment,
    AttachmentKind,
    DocumentKind,
    EventAction,
    GeneratedDocument,
    Section,
)
from ..validators import validate_upload
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
    PNG), at most ``settings.WIR_UPLOAD_MAX_BYTES``."""
    app = lock_application(application)
    require_lead_staff(user, app)
    require_editable(app, Section.ATTACHMENTS)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("Bitte wählen Sie die Art der Anlage.")]})
    try:
        checked = validate_upload(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    now = timezone.now()
    attachment = Attachment(
        application=app,
        kind=kind,
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
    transaction.on_commit(lambda: storage.delete(name), robust=True)


# Generated documents ----------------------------------------------------------------------------
@transaction.atomic
def document_store(
    *, application_id: int, kind: str, content: bytes, filename: str, version: int = 1
) -> GeneratedDocument:
    """Store a generated PDF (receipt, decision letter) for an application, idempotently: the
    same content again changes nothing, new content replaces the old file of the same
    ``version`` (other versions stay). For tasks that may run twice."""
    import hashlib

    from django.core.files.base import ContentFile

    if kind not in DocumentKind.values:
        raise ValueError(f"Unknown document kind {kind!r}")
    lock_application(application_id)  # one writer per application at a time
    digest = hashlib.sha256(content).hexdigest()
    document = GeneratedDocument.objects.filter(
        application_id=application_id, kind=kind, version=version
    ).first()
    if document and document.sha256 == digest and document.filename == filename:
        return document
    old_name = document.file.name if document else None
    document = document or GeneratedDocument(
        application_id=application_id, kind=kind, version=version
    )
    document.file.save(filename, ContentFile(content), save=False)
    document.filename = filename
    document.size = len(content)
    document.sha256 = digest
    document.created_at = timezone.now()
    document.save()
    if old_name and old_name != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_name), robust=True)
    return document
