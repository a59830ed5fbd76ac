"""The notification types of reports, registered in the catalogue of ``notifications`` from
``ReportsConfig.ready``: each is caused by an event row of a report transition, so the
listener of ``notifications`` delivers it once after the commit (in the portal, and by e-mail
as each person chose). The e-mails name facts only (a due date, an amount), never the text of
a Nachforderung."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications import recipients as r
from notifications.catalogue import NotificationType, Occasion, Recipients, catalogue

from .models import ReportEvent


def _report_link(occasion: Occasion, user) -> str:
    """RP staff to the check page, everybody else to the report's page."""
    pk = occasion.values.get("report")
    if user is not None and getattr(user, "is_rp", False):
        return reverse("reports:review", args=[pk])
    return reverse("reports:detail", args=[pk])


def _case_officers(occasion: Occasion) -> Recipients:
    return Recipients(users=r.case_officers())


def _due_date(occasion: Occasion) -> dict:
    due = occasion.values.get("due_date")
    return {"due_date": dt.date.fromisoformat(due)} if isinstance(due, str) and due else {}


TYPES = (
    NotificationType(
        kind="report_submitted",
        label=_("Nachweis eingereicht"),
        audience=_("Jede Sachbearbeitung"),
        recipients=_case_officers,
        link=_report_link,
        events=(ReportEvent.SUBMIT, ReportEvent.RESUBMIT),
    ),
    NotificationType(
        kind="report_items_requested",
        label=_("Nachforderung zu einem Nachweis"),
        audience=_("Ansprechperson und Personal der antragstellenden Kommune"),
        recipients=r.applicant,
        link=_report_link,
        events=(ReportEvent.REQUEST_ITEMS,),
        details=_due_date,
    ),
    NotificationType(
        kind="report_settled",
        label=_("Ergebnis der Prüfung eines Nachweises"),
        audience=_("Ansprechperson und Personal der antragstellenden Kommune"),
        recipients=r.applicant,
        link=_report_link,
        events=(ReportEvent.CONFIRM, ReportEvent.CLAIM_REPAYMENT),
        legally_relevant=True,
    ),
)


def register() -> None:
    for ntype in TYPES:
        catalogue.register(ntype)
