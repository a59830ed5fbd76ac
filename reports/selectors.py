"""Reads of reports: one report with its parts, the plan against the actual figures, the
settlement the portal computes, RP's queue. The grant's figures (amount, money paid, due dates)
come from ``grants`` through ``reports.grant_facts``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from applications.models import Application, CostCategory, PartnerStatus
from grants.models import Grant
from municipalities.selectors import member_municipality_ids

from . import grant_facts, permissions
from .models import REPAYMENT_LETTER_KIND, Report, ReportKind, ReportSettlement
from .settlement import ZERO, Comparison, Settlement, comparison, settle
from .workflow import FILED_STATUSES, SETTLED_STATUSES, TO_CHECK_STATUSES


# One report -------------------------------------------------------------------------------------
def report_queryset() -> QuerySet[Report]:
    return Report.objects.select_related(
        "grant__application__round", "grant__application__lead_municipality", "submitted_by"
    )


def report_get(*, user, pk: int | str) -> Report:
    """The report if ``user`` may see it, else 404 (never reveal that it exists)."""
    try:
        report = report_queryset().get(pk=int(pk))
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    application = report.grant.application
    partner_ids = list(
        application.partners.exclude(status=PartnerStatus.DECLINED).values_list(
            "municipality_id", flat=True
        )
    )
    if not permissions.can_view_reports(
        user, application, member_ids=member_municipality_ids(user), partner_ids=partner_ids
    ):
        raise Http404
    return report


def report_application(report: Report) -> Application:
    return report.grant.application


def report_attachments(report: Report):
    return report.attachments.select_related("uploaded_by").order_by("kind", "uploaded_at", "pk")


def report_receipts(report: Report):
    return report.receipt_lines.select_related("category").order_by("paid_on", "position", "pk")


def report_item_requests(report: Report):
    return report.item_requests.select_related("created_by").order_by("-created_at", "-pk")


def report_documents(report: Report) -> list:
    """The PDFs of this report (each submission) and its repayment letter (``documents``
    stores them on the application; their versions are the report's, see
    ``Report.document_version``)."""
    low = (report.budget_year % 100) * 100 if report.budget_year is not None else 0
    return list(
        report.grant.application.documents.filter(
            kind__in=[report.document_kind, REPAYMENT_LETTER_KIND],
            version__gt=low,
            version__lt=low + 100,
        ).order_by("kind", "version")
    )


def report_settlement(report: Report) -> ReportSettlement | None:
    try:
        return report.settlement
    except ReportSettlement.DoesNotExist:
        return None


# Plan against actual ----------------------------------------------------------------------------
def round_categories(application: Application) -> list[CostCategory]:
    return list(CostCategory.objects.filter(round_id=application.round_id).order_by("position"))


def planned_by_category(
    application: Application, budget_year: int | None = None
) -> list[tuple[int | None, str, Decimal]]:
    """The cost plan of the application summed per category of the round, in the round's
    order; for an interim report only the lines of that budget year (all lines if the plan
    names no years)."""
    lines = application.cost_lines.all()
    if budget_year is not None and lines.filter(budget_year__isnull=False).exists():
        lines = lines.filter(budget_year=budget_year)
    sums = {
        row["category_id"]: row["s"]
        for row in lines.order_by().values("category_id").annotate(s=Sum("amount"))
    }
    return [(c.pk, c.name, sums.get(c.pk) or ZERO) for c in round_categories(application)]


def actual_by_category(report: Report) -> dict[int | None, Decimal]:
    """The actual expenses per category: summed from the Belegliste when receipts are
    required, else as typed per category (a total is always computed, never typed)."""
    if report.receipts_required:
        rows = report.receipt_lines.order_by().values("category_id").annotate(s=Sum("amount"))
        return {row["category_id"]: row["s"] or ZERO for row in rows}
    return dict(report.cost_lines.values_list("category_id", "amount"))


def report_comparison(report: Report) -> Comparison:
    application = report.grant.application
    return comparison(
        planned_by_category(application, report.budget_year), actual_by_category(report)
    )


def grant_received(report: Report) -> Decimal:
    """The grant received as the report states it (frozen at submission), or as paid now."""
    if report.grant_received is not None:
        return report.grant_received
    return grant_facts.paid_total(report.grant, budget_year=report.budget_year)


def report_settlement_preview(
    report: Report, *, not_recognised: Decimal = ZERO, table: Comparison | None = None
) -> Settlement:
    """The settlement the portal computes from the report's figures (``settlement.settle``)."""
    table = table or report_comparison(report)
    return settle(
        granted_amount=report.grant.granted_amount,
        actual_cost=table.actual_total,
        not_recognised=not_recognised,
        own_funds=report.own_funds or ZERO,
        third_party_funds=report.third_party_funds or ZERO,
        grant_received=grant_received(report),
    )


# Due dates --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DueReport:
    """A report the grant owes (filed or not), with its due date."""

    grant: Grant
    kind: str
    budget_year: int | None
    due_date: dt.date
    report: Report | None

    @property
    def label(self) -> str:
        if self.kind == ReportKind.INTERIM:
            return f"{ReportKind.INTERIM.label} {self.budget_year}"
        return str(ReportKind.FINAL.label)

    @property
    def filed(self) -> bool:
        return self.report is not None and self.report.submitted_at is not None

    def overdue(self, today: dt.date) -> bool:
        return not self.filed and today > self.due_date


def due_reports(grant, reports: list[Report] | None = None) -> list[DueReport]:
    """The interim reports (one per budget year the term runs past) and the final report of
    ``grant`` with their due dates from ``grants.deadlines``."""
    if reports is None:
        reports = list(grant.reports.all())
    by_key = {(r.kind, r.budget_year): r for r in reports}
    due = [
        DueReport(grant, ReportKind.INTERIM, year, date, by_key.get((ReportKind.INTERIM, year)))
        for year, date in grant_facts.interim_due_dates(grant)
    ]
    final = grant_facts.final_due_date(grant)
    if final is not None:
        due.append(
            DueReport(grant, ReportKind.FINAL, None, final, by_key.get((ReportKind.FINAL, None)))
        )
    return due


# RP's queue -------------------------------------------------------------------------------------
def reports_to_check() -> QuerySet[Report]:
    """Submitted reports not yet settled, oldest first ("Nachweise zu prüfen")."""
    return (
        report_queryset()
        .filter(status__in=TO_CHECK_STATUSES)
        .prefetch_related(
            Prefetch("item_requests", to_attr="prefetched_requests"),
        )
        .order_by("submitted_at", "pk")
    )


def reports_settled() -> QuerySet[Report]:
    return (
        report_queryset()
        .filter(status__in=SETTLED_STATUSES)
        .select_related("settlement")
        .order_by("-settlement__settled_at", "-pk")
    )


def overdue_reports(today: dt.date) -> list[DueReport]:
    """Reports past their due date and not submitted, over every grant (each grant's due
    dates are computed from its decision, term and round rules: a fixed number of queries)."""
    grants = grant_facts.attach_rules(
        list(
            grant_facts.grants_for_due_dates().prefetch_related(
                Prefetch("reports", queryset=Report.objects.order_by("pk"))
            )
        )
    )
    overdue = []
    for grant in grants:
        for due in due_reports(grant, list(grant.reports.all())):
            if due.overdue(today):
                overdue.append(due)
    overdue.sort(key=lambda d: (d.due_date, d.grant.pk))
    return overdue


def grouped_receipts(report: Report) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for line in report_receipts(report):
        groups[line.category_id].append(line)
    return groups


def filed_report_keys(grant_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(grant id, key) of every report already handed in, in the keys of ``grants.due``
    (``"final"``, ``"interim:<year>"``): registered there, so that a filed report is no longer
    due, reminded or overdue. One query."""
    rows = Report.objects.filter(grant_id__in=grant_ids, status__in=FILED_STATUSES).values_list(
        "grant_id", "kind", "budget_year"
    )
    return [
        (grant_id, "final" if kind == ReportKind.FINAL else f"interim:{year}")
        for grant_id, kind, year in rows
    ]
