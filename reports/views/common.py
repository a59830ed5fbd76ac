"""What the report pages share: the steps of the municipality's form, messages from service
errors, the report's context."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.selectors import member_municipality_ids
from reports import permissions, selectors
from reports.models import Report


def errors_to_messages(request, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def report_steps(report: Report) -> list[tuple[str, object]]:
    """(URL name, label) of the steps of the municipality's report form."""
    steps = [
        ("reports:factual", _("Sachbericht")),
        ("reports:numbers", _("Zahlenmäßiger Nachweis")),
    ]
    if report.receipts_required:
        steps.append(("reports:receipts", _("Belegliste")))
    steps += [("reports:attachments", _("Anlagen")), ("reports:check", _("Prüfen und einreichen"))]
    return steps


def step_context(report: Report, current: str) -> dict:
    steps = report_steps(report)
    names = [name for name, _label in steps]
    index = names.index(current)
    return {
        "steps": [
            {"url": reverse(name, args=[report.pk]), "label": label, "current": name == current}
            for name, label in steps
        ],
        "step_number": index + 1,
        "step_count": len(steps),
        "next_url": reverse(names[index + 1], args=[report.pk]) if index + 1 < len(names) else "",
        "step_label": steps[index][1],
    }


def report_context(request, report: Report) -> dict:
    application = report.grant.application
    actions = permissions.report_actions(
        report, application, request.user, member_ids=member_municipality_ids(request.user)
    )
    table = selectors.report_comparison(report)
    return {
        "report": report,
        "application": application,
        "actions": actions,
        "table": table,
        "preview": selectors.report_settlement_preview(report, table=table),
        "grant_received": selectors.grant_received(report),
        "receipts": list(selectors.report_receipts(report)) if report.receipts_required else [],
        "attachments": list(selectors.report_attachments(report)),
        "item_request": report.open_item_request(),
        "settlement": selectors.report_settlement(report),
    }
