"""E-mails of the review app, each sent at most once (a marker in the database is set in the
same transaction that holds the row lock), so the tasks that call them may run twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Role
from applications.models import Application, ApplicationEvent
from applications.notifications import receipt_recipients

from .models import Assignment, FormalCheck, ReviewEvent

logger = logging.getLogger(__name__)


def _render(template: str, context: dict) -> tuple[str, str]:
    context = {**context, "site_url": settings.WIR_SITE_URL}
    subject = render_to_string(f"reviews/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"reviews/email/{template}.txt", context)
    return " ".join(subject.split()), body


def applicant_recipients(application: Application) -> list[str]:
    """The contact person and the lead municipality's staff (as for the receipt)."""
    return receipt_recipients(application)


@transaction.atomic
def send_item_request_mail(formal_check_id: int) -> bool:
    """Tell the applicant about a Nachforderung: what, which sections, by when."""
    check = (
        FormalCheck.objects.select_for_update(of=("self",))
        .select_related("application__lead_municipality", "application__round", "item_request")
        .filter(pk=formal_check_id)
        .first()
    )
    if check is None or check.item_request is None or check.applicant_notified_at:
        return False
    application = check.application
    recipients = applicant_recipients(application)
    if recipients:
        from applications.models import Section

        subject, body = _render(
            "item_request",
            {
                "application": application,
                "item_request": check.item_request,
                "sections": [str(Section(s).label) for s in check.item_request.sections],
            },
        )
        EmailMessage(subject=subject, body=body, to=recipients).send()
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
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__round", "application__lead_municipality", "reviewer")
        .select_related("assigned_by")
        .filter(pk=assignment_id, conflict=True)
        .first()
    )
    if assignment is None or assignment.case_officer_notified_at:
        return False
    recipients = case_officer_recipients(assignment)
    if recipients:
        subject, body = _render(
            "conflict", {"assignment": assignment, "application": assignment.application}
        )
        EmailMessage(subject=subject, body=body, to=recipients).send()
    assignment.case_officer_notified_at = timezone.now()
    assignment.save(update_fields=["case_officer_notified_at"])
    _mail_event(assignment.application_id, "conflict", recipients)
    return bool(recipients)


@transaction.atomic
def send_decision_mail(application_id: int, *, content: bytes, filename: str) -> bool:
    """Tell the applicant about the decision, with the letter attached (once)."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "lead_municipality")
        .get(pk=application_id)
    )
    already = ApplicationEvent.objects.filter(
        application_id=application_id, action=ReviewEvent.MAIL_SENT, data__kind="decision"
    ).exists()
    if already:
        return False
    recipients = applicant_recipients(application)
    if recipients:
        subject, body = _render("decision", {"application": application})
        message = EmailMessage(subject=subject, body=body, to=recipients)
        message.attach(filename, content, "application/pdf")
        message.send()
    _mail_event(application_id, "decision", recipients)
    return bool(recipients)


def _mail_event(application_id: int, kind: str, recipients: list[str]) -> None:
    ApplicationEvent.objects.create(
        application_id=application_id,
        action=ReviewEvent.MAIL_SENT,
        message=", ".join(recipients) if recipients else "keine Empfänger",
        data={"kind": kind, "recipients": recipients},
        internal=True,
    )
