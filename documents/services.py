"""Writes of generated documents: storing a rendered PDF of an application."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from applications.services import lock_application

from .models import DocumentKind, GeneratedDocument


@transaction.atomic
def document_store(
    *, application_id: int, kind: str, content: bytes, filename: str, version: int = 1
) -> GeneratedDocument:
    """Store a generated PDF (receipt, decision letter) for an application, idempotently: the
    same content again changes nothing, new content replaces the old file of the same
    ``version`` (other versions stay). For tasks that may run twice."""
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
