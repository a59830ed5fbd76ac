"""The municipality's pages: the reports a grant owes, the report form as steps (Sachbericht,
numbers, Belegliste, attachments), the check page with the submission, the report's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications.models import Application, CostCategory
from core.storage import private_download
from municipalities.selectors import member_municipality_ids
from reports import grant_facts, permissions, selectors, services, workflow
from reports.forms import (
    FactualForm,
    NumbersForm,
    ReceiptForm,
    ReportAttachmentForm,
    SubmitForm,
)
from reports.models import Report, ReportKind, ReportPart
from reports.workflow import ReportAction

from .common import errors_to_messages, report_context, step_context

# The step that edits each part a Nachforderung may reopen.
PART_URLS = {
    ReportPart.FACTUAL: "reports:factual",
    ReportPart.NUMBERS: "reports:numbers",
    ReportPart.RECEIPTS: "reports:receipts",
    ReportPart.ATTACHMENTS: "reports:attachments",
}


def _filer_report(request: HttpRequest, pk: int) -> Report:
    """The report, for staff of the grant's lead municipality (else 403; 404 if unseen)."""
    report = selectors.report_get(user=request.user, pk=pk)
    if not permissions.can_file(
        request.user, report.grant.application, member_ids=member_municipality_ids(request.user)
    ):
        raise PermissionDenied(_("Nachweise reicht das Personal der antragstellenden Kommune ein."))
    return report


def _closed(request: HttpRequest, report: Report, part: str) -> HttpResponse | None:
    """Redirect to the report's page when ``part`` may not change now."""
    try:
        services.require_editable(report, part)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("reports:detail", report.pk)
    return None


# The reports of a grant -------------------------------------------------------------------------
@login_required
@require_safe
def grant_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """What the grant of application ``pk`` owes: interim and final report, due dates."""
    application = get_object_or_404(
        Application.objects.visible_to(request.user).with_related(), pk=pk
    )
    grant = grant_facts.grant_of(application)
    if grant is None:
        raise Http404
    return render(
        request,
        "reports/grant_reports.html",
        {
            "application": application,
            "due_reports": selectors.due_reports(grant),
            "today": timezone.localdate(),
            "can_file": permissions.can_file(
                request.user, application, member_ids=member_municipality_ids(request.user)
            ),
        },
    )


@login_required
@require_POST
def report_open(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        Application.objects.visible_to(request.user).with_related(), pk=pk
    )
    grant = grant_facts.grant_of(application)
    if grant is None:
        raise Http404
    kind = request.POST.get("kind", "")
    year = request.POST.get("budget_year", "")
    if kind not in ReportKind.values or (kind == ReportKind.INTERIM and not year.isdigit()):
        messages.error(request, _("Bitte wählen Sie einen Nachweis aus der Liste."))
        return redirect("reports:grant_reports", pk)
    try:
        report = services.report_open(
            grant=grant,
            user=request.user,
            kind=kind,
            budget_year=int(year) if kind == ReportKind.INTERIM else None,
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("reports:grant_reports", pk)
    if workflow.in_state(report.status, "editable"):
        return redirect("reports:factual", report.pk)
    return redirect("reports:detail", report.pk)


# The steps --------------------------------------------------------------------------------------
@login_required
def factual(request: HttpRequest, pk: int) -> HttpResponse:
    report = _filer_report(request, pk)
    if closed := _closed(request, report, ReportPart.FACTUAL):
        return closed
    interim = report.kind == ReportKind.INTERIM
    initial = {
        "activities": report.activities,
        "participants": report.participants,
        "strategy": report.strategy,
        "council_adopted": {True: "yes", False: "no"}.get(report.council_adopted, ""),
        "council_date": report.council_date,
    }
    form = FactualForm(
        request.POST if request.method == "POST" else None, initial=initial, interim=interim
    )
    context = step_context(report, "reports:factual")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_save_factual(
                report=report,
                user=request.user,
                activities=data["activities"],
                participants=data.get("participants", ""),
                strategy=data.get("strategy", ""),
                council_adopted=None if interim else form.adopted(),
                council_date=data.get("council_date"),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Der Sachbericht wurde gespeichert."))
            return redirect(context["next_url"])
    return render(request, "reports/step.html", {**context, "report": report, "form": form})


@login_required
def numbers(request: HttpRequest, pk: int) -> HttpResponse:
    report = _filer_report(request, pk)
    if closed := _closed(request, report, ReportPart.NUMBERS):
        return closed
    application = report.grant.application
    planned = selectors.planned_by_category(application, report.budget_year)
    actual = selectors.actual_by_category(report)
    initial = {"own_funds": report.own_funds, "third_party_funds": report.third_party_funds}
    initial.update({f"amount_{cid}": actual.get(cid) for cid, _n, _a in planned})
    form = NumbersForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        planned=planned,
        receipts_required=report.receipts_required,
    )
    context = step_context(report, "reports:numbers")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_save_numbers(
                report=report,
                user=request.user,
                own_funds=data["own_funds"],
                third_party_funds=data["third_party_funds"],
                amounts=form.amounts(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Der zahlenmäßige Nachweis wurde gespeichert."))
            return redirect(context["next_url"])
    return render(
        request,
        "reports/numbers.html",
        {
            **context,
            "report": report,
            "application": application,
            "form": form,
            "table": selectors.report_comparison(report),
            "grant_received": selectors.grant_received(report),
        },
    )


@login_required
def receipts(request: HttpRequest, pk: int) -> HttpResponse:
    report = _filer_report(request, pk)
    if not report.receipts_required:
        raise Http404
    if closed := _closed(request, report, ReportPart.RECEIPTS):
        return closed
    categories = CostCategory.objects.filter(round_id=report.grant.application.round_id)
    form = ReceiptForm(request.POST if request.method == "POST" else None, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.receipt_add(
                report=report,
                user=request.user,
                category_id=data["category"].pk,
                paid_on=data["paid_on"],
                payee=data["payee"],
                purpose=data["purpose"],
                amount=data["amount"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Der Beleg wurde in die Belegliste aufgenommen."))
            return redirect("reports:receipts", report.pk)
    lines = list(selectors.report_receipts(report))
    return render(
        request,
        "reports/receipts.html",
        {
            **step_context(report, "reports:receipts"),
            "report": report,
            "form": form,
            "lines": lines,
            "total": sum((line.amount for line in lines), 0),
        },
    )


@login_required
@require_POST
def receipt_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    report = _filer_report(request, pk)
    try:
        services.receipt_remove(report=report, user=request.user, receipt_id=line_pk)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Der Beleg wurde aus der Belegliste entfernt."))
    return redirect("reports:receipts" if report.receipts_required else "reports:detail", pk)


@login_required
def attachments(request: HttpRequest, pk: int) -> HttpResponse:
    report = _filer_report(request, pk)
    if closed := _closed(request, report, ReportPart.ATTACHMENTS):
        return closed
    form = ReportAttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_attachment_add(
                report=report,
                user=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Die Anlage wurde hochgeladen."))
            return redirect("reports:attachments", report.pk)
    form.helper.form_tag = True
    form.helper.attrs = {"enctype": "multipart/form-data"}
    return render(
        request,
        "reports/attachments.html",
        {
            **step_context(report, "reports:attachments"),
            "report": report,
            "form": form,
            "attachments": list(selectors.report_attachments(report)),
        },
    )


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = _filer_report(request, pk)
    try:
        services.report_attachment_remove(
            report=report, user=request.user, attachment_id=attachment_pk
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Die Anlage wurde entfernt."))
    return redirect("reports:attachments", pk)


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    attachment = report.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return private_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# Check and submit -------------------------------------------------------------------------------
@login_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers: every part read-only with what is missing, and the submission."""
    report = _filer_report(request, pk)
    resubmit = workflow.in_state(report.status, "editable") and report.submitted_at is not None
    if not workflow.in_state(report.status, "editable"):
        return redirect("reports:detail", report.pk)
    form = SubmitForm(request.POST if request.method == "POST" else None, resubmit=resubmit)
    if request.method == "POST" and form.is_valid():
        try:
            if resubmit:
                services.report_resubmit(
                    report=report, user=request.user, answer=form.cleaned_data["answer"]
                )
            else:
                services.report_submit(report=report, user=request.user)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(
                request,
                _("Der Nachweis wurde eingereicht. Das Regierungspräsidium prüft ihn; das "
                  "PDF des Nachweises finden Sie gleich auf dieser Seite."),
            )  # fmt: skip
            return redirect("reports:detail", report.pk)
    errors = services.report_errors(report)
    return render(
        request,
        "reports/check.html",
        {
            **step_context(report, "reports:check"),
            **report_context(request, report),
            "form": form,
            "errors": [(ReportPart(part).label, messages_) for part, messages_ in errors.items()],
            "complete": not errors,
            "may_submit": ReportAction.SUBMIT in permissions.report_actions(
                report, report.grant.application, request.user,
                member_ids=member_municipality_ids(request.user),
            ) or resubmit,
        },
    )  # fmt: skip


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as it stands: status, open Nachforderung, the parts, the comparison table,
    the result and the PDFs."""
    report = selectors.report_get(user=request.user, pk=pk)
    context = report_context(request, report)
    context["can_file"] = permissions.can_file(
        request.user, context["application"], member_ids=member_municipality_ids(request.user)
    )
    context["item_requests"] = list(selectors.report_item_requests(report))
    context["documents"] = selectors.report_documents(report)
    request_ = context["item_request"]
    context["reopened"] = [
        {"label": ReportPart(part).label, "url": reverse(PART_URLS[part], args=[report.pk])}
        for part in (request_.parts if request_ else [])
    ]
    return render(request, "reports/detail.html", context)
