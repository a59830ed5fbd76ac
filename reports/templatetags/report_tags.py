"""Template helpers of the report pages: the workflow's state sets, the badge of a status, and
the link to a grant's reports on the application's pages (``{% reports_link application %}``,
so that the lower apps' templates never import this one)."""

from __future__ import annotations

from django import template

from reports import workflow
from reports.workflow import ReportStatus

register = template.Library()

_BADGES = {
    ReportStatus.DRAFT: "info",
    ReportStatus.SUBMITTED: "info",
    ReportStatus.IN_CHECK: "warning",
    ReportStatus.MISSING_ITEMS: "danger",
    ReportStatus.CONFIRMED: "success",
    ReportStatus.REPAYMENT: "warning",
}


@register.filter
def report_state(report, name: str) -> bool:
    """``report|report_state:"editable"``: is the report in that named state set?"""
    return workflow.in_state(report.status, name)


@register.filter
def report_badge(report) -> str:
    return _BADGES.get(report.status, "info")


@register.filter
def may(actions, action: str) -> bool:
    """``actions|may:"submit"``: may the person take this action now?"""
    return action in actions


@register.inclusion_tag("reports/_reports_link.html")
def reports_link(application) -> dict:
    """The link to the reports of a granted application's grant."""
    return {"application": application}


@register.filter
def overdue(due, today) -> bool:
    """``due|overdue:today`` for a ``selectors.DueReport``."""
    return due.overdue(today)
