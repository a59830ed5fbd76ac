"""The decision letter (Zuwendungsbescheid or Ablehnungsbescheid) of a decided application.

Rendered by the task ``documents.render_decision_letter`` after the deciding transaction
commits (owed through the outbox by ``reviews.services``), stored with
``documents.services.document_store`` (kind "decision"), so rendering again replaces the file
instead of adding one, and mailed to the applicant once (the catalogue's type "decision",
``notifications``)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applications.financing import ApprovedPlan, FinancingAdjustment
from applications.models import Application, ApplicationEvent, PartnerStatus
from applications.workflow import DECIDED_STATUSES, Action, Status
from core.mail import mail_once
from notifications.services import notify

from .models import DocumentKind, GeneratedDocument
from .rendering import render_pdf
from .services import document_store

logger = logging.getLogger(__name__)


def letter_title(application: Application) -> str:
    if application.status == Status.APPROVED:
        return "Zuwendungsbescheid"
    return "Ablehnungsbescheid"


def letter_filename(application: Application) -> str:
    return f"{letter_title(application)}_{application.reference}.pdf"


def decision_event(application: Application) -> ApplicationEvent | None:
    """The workflow event of the decision (who decided, when)."""
    return (
        application.events.filter(action__in=[Action.APPROVE, Action.REJECT])
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def _adjustment_amount(application: Application, plan: ApprovedPlan | None) -> Decimal | None:
    """By how much the approved plan differs from the applied one (cost down, or own funds
    up)."""
    if plan is None:
        return None
    if plan.adjustment == FinancingAdjustment.REDUCE_COST:
        return application.total_cost - plan.total_cost
    if plan.adjustment == FinancingAdjustment.RAISE_OWN_FUNDS:
        return plan.own_funds - application.own_funds
    return None


def decision_context(application: Application) -> dict:
    event = decision_event(application)
    decided_at = timezone.localtime(application.decided_at or timezone.now())
    plan = application.approved_plan if application.status == Status.APPROVED else None
    return {
        "plan": plan,
        "adjustment_amount": _adjustment_amount(application, plan),
        "application": application,
        "round": application.round,
        "approved": application.status == Status.APPROVED,
        "title": letter_title(application),
        "decided_at": decided_at,
        "submitted_at": timezone.localtime(application.submitted_at),
        "decided_by": event.actor.get_full_name() if event and event.actor else "",
        "partners": list(
            application.partners.filter(status=PartnerStatus.CONFIRMED).select_related(
                "municipality"
            )
        ),
    }


def decision_pdf(application: Application) -> bytes:
    return render_pdf(
        "pdf/decision.html",
        decision_context(application),
        title=f"{letter_title(application)} {application.reference}",
        created=application.decided_at,
    )


def render_decision_letter(application_id: int) -> GeneratedDocument | None:
    """Render, store and (the first time) mail the decision letter. Safe to run twice."""
    application = Application.objects.with_related().with_totals().filter(pk=application_id).first()
    if application is None or application.status not in DECIDED_STATUSES:
        logger.warning("No decided application %s to render a letter for", application_id)
        return None
    content = decision_pdf(application)
    filename = letter_filename(application)
    with transaction.atomic():
        document = document_store(
            application_id=application_id,
            kind=DocumentKind.DECISION,
            content=content,
            filename=filename,
        )
    send_decision_mail(application_id, content=content, filename=filename)
    return document


@transaction.atomic
def send_decision_mail(application_id: int, *, content: bytes, filename: str) -> bool:
    """The catalogue's "decision" with the letter attached, once (the mark's key is the one
    the review app used, so a letter mailed before the catalogue is not mailed again)."""
    application = Application.objects.select_related("round", "lead_municipality").get(
        pk=application_id
    )
    with mail_once(f"reviews.decision:{application_id}") as owed:
        if not owed:
            return False
        notify(
            "decision",
            application,
            key=str(application_id),
            attachments=[(filename, content, "application/pdf")],
        )
    return True
