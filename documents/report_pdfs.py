"""The PDFs of reports (reports app): the interim or final report as submitted, with the cost
comparison table, and the repayment letter (Rückforderungsschreiben) of a settlement.

Rendered by the tasks ``documents.render_report`` and ``documents.render_repayment_letter``,
which ``reports.services`` owes through the outbox in the transaction of the submission or the
settlement. Stored with ``documents.services.document_store`` under the report's version
(``Report.document_version``), so running a task twice replaces instead of adding."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.formatting import format_iban
from reports import selectors as report_selectors
from reports.models import Report, ReportEvent
from reports.workflow import SETTLED_STATUSES

from .models import DocumentKind, GeneratedDocument
from .rendering import render_pdf
from .services import document_store

logger = logging.getLogger(__name__)


def _report(report_id: int) -> Report | None:
    return report_selectors.report_queryset().filter(pk=report_id).first()


def report_context(report: Report) -> dict:
    table = report_selectors.report_comparison(report)
    return {
        "report": report,
        "application": report.grant.application,
        "grant": report.grant,
        "table": table,
        "preview": report_selectors.report_settlement_preview(report, table=table),
        "receipts": list(report_selectors.report_receipts(report))
        if report.receipts_required
        else [],
        "attachments": list(report_selectors.report_attachments(report)),
        "submitted_at": timezone.localtime(report.submitted_at or timezone.now()),
    }


def report_filename(report: Report) -> str:
    name = f"Zwischennachweis_{report.budget_year}" if report.budget_year else "Verwendungsnachweis"
    return f"{name}_{report.grant.application.reference}.pdf"


def report_pdf(report: Report) -> bytes:
    application = report.grant.application
    return render_pdf(
        "pdf/report.html",
        report_context(report),
        title=f"{report.title} {application.reference}",
        created=report.submitted_at,
    )


def render_report(report_id: int) -> GeneratedDocument | None:
    """Render and store the report as submitted (this submission's version). Safe to run
    twice."""
    report = _report(report_id)
    if report is None or report.submitted_at is None:
        logger.warning("No submitted report %s to render", report_id)
        return None
    content = report_pdf(report)
    with transaction.atomic():
        return document_store(
            application_id=report.grant.application_id,
            kind=report.document_kind,
            content=content,
            filename=report_filename(report),
            version=report.document_version,
        )


def repayment_context(report: Report) -> dict:
    settlement = report.settlement
    event = (
        report.grant.application.events.filter(
            action=ReportEvent.CLAIM_REPAYMENT, data__report=report.pk
        )
        .select_related("actor")
        .order_by("-created_at")
        .first()
    )
    return {
        "report": report,
        "application": report.grant.application,
        "settlement": settlement,
        "table": report_selectors.report_comparison(report),
        "settled_at": timezone.localtime(settlement.settled_at),
        "settled_by": event.actor.get_full_name() if event and event.actor else "",
        "iban": format_iban(settlement.iban),
        "bic": settings.WIR_REPAYMENT_ACCOUNT.get("bic", ""),
        "bank": settings.WIR_REPAYMENT_ACCOUNT.get("bank", ""),
    }


def repayment_pdf(report: Report) -> bytes:
    return render_pdf(
        "pdf/repayment_letter.html",
        repayment_context(report),
        title=f"Rückforderungsschreiben {report.grant.application.reference}",
        created=report.settlement.settled_at,
    )


def render_repayment_letter(report_id: int) -> GeneratedDocument | None:
    """Render and store the repayment letter of a settled report. Safe to run twice."""
    report = _report(report_id)
    settlement = report_selectors.report_settlement(report) if report else None
    if (
        report is None
        or report.status not in SETTLED_STATUSES
        or not settlement
        or not settlement.repayment
    ):
        logger.warning("No repayment of report %s to render a letter for", report_id)
        return None
    content = repayment_pdf(report)
    with transaction.atomic():
        return document_store(
            application_id=report.grant.application_id,
            kind=DocumentKind.REPAYMENT_LETTER,
            content=content,
            filename=f"Rueckforderung_{report.grant.application.reference}.pdf",
            version=report.document_version,
        )
