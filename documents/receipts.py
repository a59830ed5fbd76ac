"""The Eingangsbestätigung (receipt) of an application. Rendered by the task
``documents.render_receipt`` after the submitting transaction commits (owed through the
outbox); idempotent (same application state -> same file), mailed once per version (the
catalogue's type "receipt", ``notifications``)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from applications.progress import section_answers
from applications.workflow import Action
from core.mail import mail_once
from notifications.services import notify

from .models import DocumentKind, GeneratedDocument
from .rendering import render_pdf
from .services import document_store

logger = logging.getLogger(__name__)


def latest_resubmission(application: Application) -> tuple[int, ApplicationEvent | None]:
    """The receipt version the current content needs: 1 for the submission, 1 + n after the
    n-th Nachreichung (with that event)."""
    events = list(
        ApplicationEvent.objects.filter(application=application, action=Action.RESUBMIT).order_by(
            "-created_at", "-pk"
        )
    )
    return 1 + len(events), (events[0] if events else None)


def receipt_context(application: Application, resubmission: ApplicationEvent | None = None):
    return {
        "application": application,
        "answers": section_answers(application),
        "lines": list(application.cost_lines.select_related("category").order_by("position", "pk")),
        "partners": list(application.partners.select_related("municipality")),
        "attachments": list(application.attachments.order_by("uploaded_at", "pk")),
        "submitted_at": timezone.localtime(application.submitted_at),
        "resubmitted_at": timezone.localtime(resubmission.created_at) if resubmission else None,
    }


def receipt_pdf(application: Application, resubmission: ApplicationEvent | None = None) -> bytes:
    title = f"Eingangsbestätigung {application.reference}"
    if resubmission is not None:
        title += " (Nachreichung)"
    return render_pdf(
        "pdf/receipt.html",
        receipt_context(application, resubmission),
        title=title,
        created=resubmission.created_at if resubmission else application.submitted_at,
    )


def render_receipt(application_id: int) -> GeneratedDocument | None:
    application = Application.objects.with_related().with_totals().filter(pk=application_id).first()
    if application is None or not application.reference:
        logger.warning("No submitted application %s to render a receipt for", application_id)
        return None
    version, resubmission = latest_resubmission(application)
    content = receipt_pdf(application, resubmission)
    filename = f"Eingangsbestaetigung_{application.reference}.pdf"
    if version > 1:
        filename = f"Eingangsbestaetigung_{application.reference}_Nachreichung_{version - 1}.pdf"
    with transaction.atomic():
        document = document_store(
            application_id=application_id,
            kind=DocumentKind.RECEIPT,
            content=content,
            filename=filename,
            version=version,
        )
        # Once per receipt version, however often the task is delivered (the mark is written
        # in this transaction, under the lock of its row).
        with mail_once(receipt_mail_key(application_id, version)) as owed:
            if owed:
                send_receipt_mail(application, content, filename, resubmission, version)
    return document


def receipt_mail_key(application_id: int, version: int) -> str:
    return f"documents.receipt:{application_id}:{version}"


def send_receipt_mail(
    application: Application,
    content: bytes,
    filename: str,
    resubmission: ApplicationEvent | None = None,
    version: int = 1,
) -> None:
    """The catalogue's "receipt": to the applicant and the partner municipalities, always by
    e-mail (legally relevant), with the PDF attached."""
    notify(
        "receipt",
        application,
        key=f"{application.pk}:{version}",
        data={
            "resubmitted_at": timezone.localtime(resubmission.created_at) if resubmission else None
        },
        attachments=[(filename, content, "application/pdf")],
    )
