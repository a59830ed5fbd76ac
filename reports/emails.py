"""E-mails of the reports app, each sent at most once (``core.mail.mail_once``), so the tasks
that call them may run twice."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from applications.notifications import receipt_recipients
from core.mail import mail_once, mail_send

from .models import ReportItemRequest, ReportSettlement


def _send(template: str, context: dict, to: list[str]) -> None:
    mail_send(
        template=f"reports/email/{template}",
        context={**context, "site_url": settings.WIR_SITE_URL},
        to=to,
    )


@transaction.atomic
def send_item_request_mail(item_request_id: int) -> bool:
    """Tell the municipality about a Nachforderung to its report: what, which parts, by when."""
    request = (
        ReportItemRequest.objects.select_related("report__grant__application__lead_municipality")
        .filter(pk=item_request_id)
        .first()
    )
    if request is None:
        return False
    with mail_once(f"reports.item_request:{request.pk}") as owed:
        if not owed:
            return False
        application = request.report.grant.application
        _send(
            "item_request",
            {"request": request, "report": request.report, "application": application},
            receipt_recipients(application),
        )
    return True


@transaction.atomic
def send_settlement_mail(settlement_id: int) -> bool:
    """Tell the municipality the result of RP's check (confirmed, or the repayment)."""
    settlement = (
        ReportSettlement.objects.select_related("report__grant__application__lead_municipality")
        .filter(pk=settlement_id)
        .first()
    )
    if settlement is None:
        return False
    with mail_once(f"reports.settlement:{settlement.pk}") as owed:
        if not owed:
            return False
        application = settlement.report.grant.application
        _send(
            "settlement",
            {"settlement": settlement, "report": settlement.report, "application": application},
            receipt_recipients(application),
        )
    return True
