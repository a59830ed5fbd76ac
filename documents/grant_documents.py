"""The PDFs of a grant's life (issue 13): the payment request (Mittelabruf) as filed, the
payment order (Auszahlungsanordnung) for the state's cash office, the decision on a change
request. Each rendered by a task after the transaction that caused it commits (owed through the
outbox by ``grants.services``), stored with ``document_store`` under the application with the
request's or change's running number as its version, so rendering twice replaces the file."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from grants import selectors as grant_selectors
from grants.models import ChangeKind
from grants.workflow import ChangeState

from .models import DocumentKind, GeneratedDocument
from .rendering import render_pdf
from .services import document_store

logger = logging.getLogger(__name__)


def _store(application, kind: str, number: int, content: bytes, filename: str):
    with transaction.atomic():
        return document_store(
            application_id=application.pk,
            kind=kind,
            content=content,
            filename=filename,
            version=number,
        )


def payment_request_pdf(request) -> bytes:
    grant = request.grant
    items = list(request.items.all())
    return render_pdf(
        "pdf/payment_request.html",
        {
            "request": request,
            "grant": grant,
            "application": grant.application,
            "items": items,
            "items_total": sum(i.amount for i in items),
            "requested_at": timezone.localtime(request.requested_at),
        },
        title=f"Mittelabruf Nr. {request.number} {grant.application.reference}",
        created=request.requested_at,
    )


def render_payment_request(request_id: int) -> GeneratedDocument | None:
    request = grant_selectors.payment_request_detail(request_id)
    if request is None:
        logger.warning("No payment request %s to render", request_id)
        return None
    application = request.grant.application
    return _store(
        application,
        DocumentKind.PAYMENT_REQUEST,
        request.number,
        payment_request_pdf(request),
        f"Mittelabruf_{request.number}_{application.reference}.pdf",
    )


def payment_order_pdf(order) -> bytes:
    request = order.request
    grant = request.grant
    paid_before = grant_selectors.grant_ordered_total(grant, before=order)
    return render_pdf(
        "pdf/payment_order.html",
        {
            "order": order,
            "request": request,
            "grant": grant,
            "application": grant.application,
            "ordered_before": paid_before,
            "ordered_after": paid_before + order.amount,
            "remaining": grant.granted_amount - paid_before - order.amount,
            "ordered_by": order.ordered_by.get_full_name() if order.ordered_by else "",
        },
        title=f"Auszahlungsanordnung {order.number}",
        created=order.created_at,
    )


def render_payment_order(order_id: int) -> GeneratedDocument | None:
    order = grant_selectors.payment_order_detail(order_id)
    if order is None:
        logger.warning("No payment order %s to render", order_id)
        return None
    application = order.request.grant.application
    return _store(
        application,
        DocumentKind.PAYMENT_ORDER,
        order.request.number,
        payment_order_pdf(order),
        f"Auszahlungsanordnung_{order.number}.pdf",
    )


def change_decision_pdf(change, number: int) -> bytes:
    grant = change.grant
    return render_pdf(
        "pdf/change_decision.html",
        {
            "change": change,
            "number": number,
            "grant": grant,
            "application": grant.application,
            "granted": change.state == ChangeState.GRANTED,
            "term": change.kind == ChangeKind.TERM,
            "decided_at": timezone.localtime(change.decided_at or timezone.now()),
            "requested_at": timezone.localtime(change.requested_at),
            "decided_by": change.decided_by.get_full_name() if change.decided_by else "",
            "final_report_due": grant_selectors.grant_final_report_due_date(grant),
        },
        title=f"Bescheid über Änderungsantrag Nr. {number} {grant.application.reference}",
        created=change.decided_at,
    )


def render_change_decision(change_id: int) -> GeneratedDocument | None:
    change = grant_selectors.change_request_detail(change_id)
    if change is None or change.state not in (ChangeState.GRANTED, ChangeState.REFUSED):
        logger.warning("No decided change request %s to render", change_id)
        return None
    number = grant_selectors.change_request_number(change)
    application = change.grant.application
    return _store(
        application,
        DocumentKind.CHANGE_DECISION,
        number,
        change_decision_pdf(change, number),
        f"Aenderungsbescheid_{number}_{application.reference}.pdf",
    )
