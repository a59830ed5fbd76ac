"""RP Darmstadt's pages: the queue "Nachweise zu prüfen" with the overdue reports, the check
page with the plan against the actual figures, the Nachforderung and the settlement."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from reports import permissions, selectors, services
from reports.forms import RequestItemsForm, SettlementForm
from reports.models import Report
from reports.settlement import ZERO
from reports.workflow import ReportAction

from .common import errors_to_messages, report_context

PAGE_SIZE = 25


def _rp(request: HttpRequest) -> None:
    if not permissions.can_use_queue(request.user):
        raise PermissionDenied(_("Diese Seite ist dem Regierungspräsidium vorbehalten."))


def _checker(request: HttpRequest) -> None:
    if not permissions.can_check(request.user):
        raise PermissionDenied(_("Diesen Schritt kann nur die Sachbearbeitung ausführen."))


def _rp_report(request: HttpRequest, pk: int) -> Report:
    _rp(request)
    return selectors.report_get(user=request.user, pk=pk)


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Nachweise zu prüfen (oldest first), the overdue ones, the latest settled ones."""
    _rp(request)
    page = Paginator(selectors.reports_to_check(), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    settled = list(selectors.reports_settled()[:PAGE_SIZE])
    return render(
        request,
        "reports/queue.html",
        {
            "page": page,
            "overdue": selectors.overdue_reports(today),
            "settled": settled,
            "today": today,
        },
    )


@login_required
@require_safe
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The check page: the report with the comparison table, the computed settlement, and the
    next steps (start, ask for more, settle)."""
    report = _rp_report(request, pk)
    context = report_context(request, report)
    context["item_requests"] = list(selectors.report_item_requests(report))
    context["documents"] = selectors.report_documents(report)
    context["request_form"] = RequestItemsForm()
    return render(request, "reports/review.html", context)


@login_required
@require_POST
def start_check(request: HttpRequest, pk: int) -> HttpResponse:
    report = _rp_report(request, pk)
    _checker(request)
    try:
        services.report_start_check(report=report, user=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Die Prüfung des Nachweises hat begonnen."))
    return redirect("reports:review", pk)


@login_required
def request_items(request: HttpRequest, pk: int) -> HttpResponse:
    report = _rp_report(request, pk)
    _checker(request)
    context = report_context(request, report)
    if ReportAction.REQUEST_ITEMS not in context["actions"]:
        messages.error(request, _("Eine Nachforderung ist in diesem Status nicht möglich."))
        return redirect("reports:review", pk)
    form = RequestItemsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_request_items(
                report=report,
                user=request.user,
                parts=data["parts"],
                message=data["message"],
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Die Nachforderung wurde gespeichert; die Kommune wird per E-Mail "
                  "benachrichtigt."),
            )  # fmt: skip
            return redirect("reports:review", pk)
    return render(request, "reports/request_items.html", {**context, "form": form})


@login_required
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    """The settlement form with the repayment the portal computes; "Neu berechnen" shows the
    effect of expenses not recognised without saving anything."""
    report = _rp_report(request, pk)
    _checker(request)
    context = report_context(request, report)
    if not (
        ReportAction.CONFIRM in context["actions"]
        or ReportAction.CLAIM_REPAYMENT in context["actions"]
    ):
        messages.error(request, _("Der Nachweis kann in diesem Status nicht abgeschlossen werden."))
        return redirect("reports:review", pk)
    today = timezone.localdate()
    form = SettlementForm(
        request.POST if request.method == "POST" else None,
        initial={"payment_due_date": services.default_payment_due_date(today)},
    )
    deduction: Decimal = ZERO
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deduction = data["not_recognised"] or ZERO
        if "settle" in request.POST:
            try:
                settlement = services.report_settle(
                    report=report,
                    user=request.user,
                    formal_ok=data["formal_ok"],
                    content_ok=data["content_ok"],
                    not_recognised=deduction,
                    not_recognised_reason=data["not_recognised_reason"],
                    notes=data["notes"],
                    payment_due_date=data["payment_due_date"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                if settlement.repayment:
                    messages.success(
                        request,
                        _("Die Prüfung ist abgeschlossen; die Rückforderung ist festgesetzt. "
                          "Das Rückforderungsschreiben wird erstellt."),
                    )  # fmt: skip
                else:
                    messages.success(
                        request, _("Die Prüfung ist abgeschlossen; der Nachweis ist bestätigt.")
                    )
                return redirect("reports:review", pk)
    if deduction <= context["table"].actual_total:
        context["preview"] = selectors.report_settlement_preview(
            report, not_recognised=deduction, table=context["table"]
        )
    return render(request, "reports/settle.html", {**context, "form": form})
