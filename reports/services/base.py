"""What the report services share: the row lock, the event row on the application's timeline,
the guards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from applications.models import ApplicationEvent
from applications.services.base import now_or, pk_of, record_event
from municipalities.selectors import member_municipality_ids
from reports import permissions, workflow
from reports.models import Report, ReportPart, ReportStatus


def lock_report(report: Report | int) -> Report:
    """The report row, locked until the end of the transaction (only this row)."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("grant__application__round", "grant__application__lead_municipality")
        .get(pk=pk_of(report))
    )


def sync_report(target: Report | None, source: Report) -> None:
    if target is None or target is source or isinstance(target, int):
        return
    for f in Report._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def report_event(
    report: Report,
    actor,
    action: str,
    *,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    internal: bool = False,
    now: dt.datetime | None = None,
) -> ApplicationEvent:
    """An event row on the timeline of the grant's application, naming the report."""
    return record_event(
        report.grant.application_id,
        actor,
        action,
        message=message,
        data={"report": report.pk, "kind": report.kind, "budget_year": report.budget_year}
        | dict(data or {}),
        internal=internal,
        now=now,
    )


def require_filer(user, report: Report) -> None:
    application = report.grant.application
    if not permissions.can_file(user, application, member_ids=member_municipality_ids(user)):
        raise PermissionDenied(
            _(
                "Nachweise kann nur das Personal der antragstellenden Kommune bearbeiten und "
                "einreichen."
            )
        )


def require_checker(user) -> None:
    if not permissions.can_check(user):
        raise PermissionDenied(_("Diesen Schritt kann nur die Sachbearbeitung ausführen."))


def require_editable(report: Report, part: str) -> None:
    """Raise ValidationError unless ``part`` may change in the report's status."""
    if report.status == ReportStatus.DRAFT:
        return
    if report.status == ReportStatus.MISSING_ITEMS:
        request = report.open_item_request()
        if request and part in request.parts:
            return
        allowed = ", ".join(str(ReportPart(p).label) for p in (request.parts if request else []))
        raise ValidationError(
            _(
                "Im Rahmen der Nachforderung können nur die angeforderten Teile geändert werden "
                "(%(allowed)s). „%(part)s“ gehört nicht dazu."
            )
            % {"allowed": allowed, "part": ReportPart(part).label},
            code="frozen",
        )
    raise ValidationError(
        _("Der Nachweis hat den Status „%(status)s“ und kann nicht mehr geändert werden.")
        % {"status": workflow.status_label(report.status)},
        code="frozen",
    )


def touch(report: Report, fields, now: dt.datetime | None = None) -> None:
    report.updated_at = now_or(now)
    report.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
