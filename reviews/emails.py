"""E-mails of the review app, each sent at most once (``core.mail.mail_once``: its mark is
set under a row lock in the transaction that sends it), so the tasks that call them may run
twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, Section
from applications.notifications import receipt_recipients
from applications.services.base import record_event
from core.mail import Attachment, mail_once, mail_send

from .models import Assignment, FormalCheck, ReviewEvent

logger = logging.getLogger(__name__)


def _send(
    template: str, context: dict, to: list[str], attachments: tuple[Attachment, ...] = ()
) -> None:
    mail_send(
        template=f"reviews/email/{template}",
        context={**context, "site_url": settings.WIR_SITE_URL},
        to=to,
        attachments=attachments,
    )


def applicant_recipients(application: Application) -> list[str]:
    """The contact person and the lead municipality's staff (as for the receipt)."""
    return receipt_recipients(application)


@transaction.atomic
def send_item_request_mail(formal_check_id: int) -> bool:
    """Tell the applicant about a Nachforderung: what, which sections, by when."""
    check = (
        FormalCheck.objects.select_related(
            "application__lead_municipality", "application__round", "item_request"
        )
        .filter(pk=formal_check_id)
        .first()
    )
    if check is None or check.item_request is None:
        return False
    with mail_once(f"reviews.item_request:{check.pk}") as owed:
        if not owed:
            return False
        application = check.application
        recipients = applicant_recipients(application)
        if recipients:
            context = {
                "application": application,
                "item_request": check.item_request,
                "sections": [str(Section(s).label) for s in check.item_request.sections],
            }
            _send("item_request", context, recipients)
        check.applicant_notified_at = timezone.now()
        check.save(update_fields=["applicant_notified_at"])
        _mail_event(application.pk, "item_request", recipients)
    return bool(recipients)


def case_officer_recipients(assignment: Assignment) -> list[str]:
    """Who assigned the reviewer, if still an active case officer; else every case officer."""
    assigner = assignment.assigned_by
    if assigner is not None and assigner.is_active and assigner.is_case_officer:
        return [assigner.email]
    return list(
        get_user_model()
        .objects.filter(role=Role.CASE_OFFICER, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


@transaction.atomic
def send_conflict_mail(assignment_id: int) -> bool:
    """Tell the case officer that a reviewer declared a conflict of interest."""
    assignment = (
        Assignment.objects.select_related(
            "application__round", "application__lead_municipality", "reviewer"
        )
        .select_related("assigned_by")
        .filter(pk=assignment_id, conflict=True)
        .first()
    )
    if assignment is None:
        return False
    with mail_once(f"reviews.conflict:{assignment.pk}") as owed:
        if not owed:
            return False
        recipients = case_officer_recipients(assignment)
        if recipients:
            context = {"assignment": assignment, "application": assignment.application}
            _send("conflict", context, recipients)
        assignment.case_officer_notified_at = timezone.now()
        assignment.save(update_fields=["case_officer_notified_at"])
        _mail_event(assignment.application_id, "conflict", recipients)
    return bool(recipients)


@transaction.atomic
def send_decision_mail(application_id: int, *, content: bytes, filename: str) -> bool:
    """Tell the applicant about the decision, with the letter attached (once)."""
    application = Application.objects.select_related("round", "lead_municipality").get(
        pk=application_id
    )
    with mail_once(f"reviews.decision:{application_id}") as owed:
        if not owed:
            return False
        recipients = applicant_recipients(application)
        if recipients:
            attachment = (filename, content, "application/pdf")
            _send("decision", {"application": application}, recipients, (attachment,))
        _mail_event(application_id, "decision", recipients)
    return bool(recipients)


def _mail_event(application_id: int, kind: str, recipients: list[str]) -> None:
    record_event(
        application_id,
        None,
        ReviewEvent.MAIL_SENT,
        message=", ".join(recipients) if recipients else "keine Empfänger",
        data={"kind": kind, "recipients": recipients},
        internal=True,
    )
