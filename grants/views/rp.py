"""RP Darmstadt's pages: the queues (payment requests to approve and to pay, notices and change
requests to handle, overdue items), the decisions on one request, notice or change, and the
cash office's CSV of the payment orders of a day."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.spreadsheets import csv_row
from grants import deadlines, permissions, selectors, services, workflow
from grants.due import due_items
from grants.forms import (
    ApprovePaymentForm,
    LowerGrantForm,
    NoteForm,
    OrdersDayForm,
    PaidForm,
    ReasonForm,
)
from grants.workflow import CHANGE, NOTICE, PAYMENT

from .common import application_and_grant, require_queue_user

QUEUE_SIZE = 50


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Work on RP's desk after the decisions, oldest first."""
    require_queue_user(request)
    today = timezone.localdate()
    overdue = [
        (i, -i.days_left(today)) for i in due_items(selectors.grants_open()) if i.overdue(today)
    ]
    return render(
        request,
        "grants/queue.html",
        {
            "to_approve": Paginator(
                selectors.queue_payment_requests(workflow.OPEN_PAYMENT_STATES), QUEUE_SIZE
            ).get_page(request.GET.get("seite")),
            "to_pay": list(
                selectors.queue_payment_requests({workflow.PaymentState.APPROVED})[:QUEUE_SIZE]
            ),
            "notices": list(selectors.queue_notices(workflow.OPEN_NOTICE_STATES)[:QUEUE_SIZE]),
            "changes": list(
                selectors.queue_change_requests(workflow.OPEN_CHANGE_STATES)[:QUEUE_SIZE]
            ),
            "overdue": overdue,
            "day_form": OrdersDayForm(initial={"day": today}),
            "today": today,
        },
    )  # fmt: skip


def _decide_page(request, template, application, grant, obj, forms, **extra):
    return render(
        request,
        template,
        {"application": application, "grant": grant, "obj": obj, **forms, **extra},
    )


@login_required
def payment_decide(request: HttpRequest, pk: int, obj_pk: int) -> HttpResponse:
    require_queue_user(request)
    application, grant, members = application_and_grant(request, pk)
    req = get_object_or_404(grant.payment_requests.prefetch_related("items"), pk=obj_pk)
    post = request.POST if request.method == "POST" else None
    approve_form = ApprovePaymentForm(
        post if post and "approve" in post else None,
        prefix="approve",
        initial={"approved_amount": req.amount},
    )
    refuse_form = ReasonForm(post if post and "refuse" in post else None, prefix="refuse")
    paid_form = PaidForm(
        post if post and "paid" in post else None,
        prefix="paid",
        initial={"paid_on": timezone.localdate()},
    )
    if post is not None:
        form, call = None, None
        if "approve" in post:
            form = approve_form
            call = lambda d: services.payment_approve(  # noqa: E731
                request=req, user=request.user, approved_amount=d["approved_amount"],
                message=d["message"],
            )  # fmt: skip
            done = _("Der Mittelabruf ist freigegeben; die Auszahlungsanordnung wird erstellt.")
        elif "refuse" in post:
            form = refuse_form
            call = lambda d: services.payment_refuse(  # noqa: E731
                request=req, user=request.user, reason=d["reason"]
            )
            done = _("Der Mittelabruf ist abgelehnt.")
        elif "paid" in post:
            form = paid_form
            call = lambda d: services.payment_mark_paid(  # noqa: E731
                request=req, user=request.user, paid_on=d["paid_on"]
            )
            done = _("Die Auszahlung ist vermerkt.")
        if form is not None and form.is_valid():
            try:
                call(form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, done)
                return redirect("grants:payment_decide", pk, obj_pk)
    actions = permissions.available_actions(
        request.user, application, PAYMENT, req.state, member_ids=members
    )
    items = list(req.items.all())
    return _decide_page(
        request,
        "grants/payment_decide.html",
        application,
        grant,
        req,
        {"approve_form": approve_form, "refuse_form": refuse_form, "paid_form": paid_form},
        items=items,
        items_total=sum(i.amount for i in items),
        can_approve=workflow.GrantAction.PAYMENT_APPROVE in actions,
        can_refuse=workflow.GrantAction.PAYMENT_REFUSE in actions,
        can_pay=workflow.GrantAction.PAYMENT_PAY in actions,
        available=selectors.grant_available(grant),
        order=getattr(req, "order", None) if req.approved_amount is not None else None,
        window_end=deadlines.payment_needed_by(
            timezone.localdate(req.requested_at),
            selectors.rules_for(application.round_id).payment_window_months,
        ),
    )


@login_required
def notice_decide(request: HttpRequest, pk: int, obj_pk: int) -> HttpResponse:
    require_queue_user(request)
    application, grant, members = application_and_grant(request, pk)
    notice = get_object_or_404(grant.notices, pk=obj_pk)
    post = request.POST if request.method == "POST" else None
    note_form = NoteForm(post if post and "note" in post else None, prefix="note")
    lower_form = LowerGrantForm(post if post and "lower" in post else None, prefix="lower")
    if post is not None:
        if "note" in post and note_form.is_valid():
            form = note_form
            try:
                services.notice_note(
                    notice=notice, user=request.user, message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Die Mitteilung ist zur Kenntnis genommen."))
                return redirect("grants:notice_decide", pk, obj_pk)
        elif "lower" in post and lower_form.is_valid():
            form = lower_form
            try:
                services.notice_lower_grant(
                    notice=notice, user=request.user, new_amount=form.cleaned_data["new_amount"],
                    reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Die Zuwendung ist herabgesetzt."))
                return redirect("grants:notice_decide", pk, obj_pk)
    actions = permissions.available_actions(
        request.user, application, NOTICE, notice.state, member_ids=members
    )
    return _decide_page(
        request, "grants/notice_decide.html", application, grant, notice,
        {"note_form": note_form, "lower_form": lower_form},
        can_note=workflow.GrantAction.NOTICE_NOTE in actions,
        can_lower=workflow.GrantAction.NOTICE_LOWER in actions,
        paid_total=selectors.grant_paid_total(grant),
    )  # fmt: skip


@login_required
def change_decide(request: HttpRequest, pk: int, obj_pk: int) -> HttpResponse:
    require_queue_user(request)
    application, grant, members = application_and_grant(request, pk)
    change = get_object_or_404(grant.change_requests, pk=obj_pk)
    post = request.POST if request.method == "POST" else None
    grant_form = NoteForm(post if post and "grant" in post else None, prefix="grant")
    refuse_form = ReasonForm(post if post and "refuse" in post else None, prefix="refuse")
    if post is not None:
        if "grant" in post and grant_form.is_valid():
            try:
                services.change_grant(
                    change=change, user=request.user, message=grant_form.cleaned_data["message"]
                )
            except ValidationError as exc:
                grant_form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Der Änderungsantrag ist genehmigt; der Bescheid wird erstellt.")
                )
                return redirect("grants:change_decide", pk, obj_pk)
        elif "refuse" in post and refuse_form.is_valid():
            try:
                services.change_refuse(
                    change=change, user=request.user, reason=refuse_form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                refuse_form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Der Änderungsantrag ist abgelehnt; der Bescheid wird erstellt.")
                )
                return redirect("grants:change_decide", pk, obj_pk)
    actions = permissions.available_actions(
        request.user, application, CHANGE, change.state, member_ids=members
    )
    return _decide_page(
        request, "grants/change_decide.html", application, grant, change,
        {"grant_form": grant_form, "refuse_form": refuse_form},
        can_grant=workflow.GrantAction.CHANGE_GRANT in actions,
        can_refuse=workflow.GrantAction.CHANGE_REFUSE in actions,
        term_end=selectors.grant_term_end(grant),
    )  # fmt: skip


CSV_HEADER = [
    "Anordnungsnummer", "Anordnungsdatum", "Aktenzeichen", "Zuwendungsempfänger",
    "Kontoinhaber", "IBAN", "Betrag (EUR)", "Verwendungszweck", "Angeordnet von",
]  # fmt: skip


@login_required
@require_GET
def orders_csv(request: HttpRequest) -> HttpResponse:
    """The payment orders of one day (``?day=YYYY-MM-DD``, default today), one row each, for the
    state's cash office (German CSV: semicolons, decimal comma, UTF-8 with BOM)."""
    require_queue_user(request)
    form = OrdersDayForm(request.GET or {"day": timezone.localdate().isoformat()})
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie einen gültigen Tag an."))
        return redirect("grants:queue")
    day: dt.date = form.cleaned_data["day"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="Auszahlungsanordnungen_{day:%Y-%m-%d}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(CSV_HEADER)
    for order in selectors.payment_orders_of_day(day):
        application = order.request.grant.application
        writer.writerow(
            csv_row([
                order.number, order.ordered_on, application.reference,
                application.lead_municipality.name, order.account_holder, order.iban,
                order.amount, order.purpose,
                order.ordered_by.get_full_name() if order.ordered_by else "",
            ])
        )  # fmt: skip
    return response
