"""The "Nach der Bewilligung" area of an application: what is due next and by when, the money,
and the municipality's actions (accept, request money, file a notice, ask for a change)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.workflow import APPLICANT
from core.formatting import format_money
from grants import deadlines, permissions, selectors, services, workflow
from grants.due import due_items
from grants.forms import AcceptForm, ChangeRequestForm, NoticeForm, PaymentRequestForm
from grants.workflow import CHANGE, GRANT, NOTICE, PAYMENT, GrantAction, GrantState

from .common import application_and_grant, require_applicant, show_errors


def _can(request, application, members, kind, state, action) -> bool:
    return permissions.can(request.user, application, kind, state, action, member_ids=members)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application, grant, members = application_and_grant(request, pk)
    rules = selectors.rules_for(application.round_id)
    today = timezone.localdate()
    data = selectors.grant_page_data(grant)
    items = due_items([grant])
    actions = permissions.available_actions(
        request.user, application, GRANT, grant.state, member_ids=members
    )
    decider = permissions.can_decide(request.user)
    for r in data["payment_requests"]:
        r.may_withdraw = _can(
            request, application, members, PAYMENT, r.state, GrantAction.PAYMENT_WITHDRAW
        )
    for c in data["change_requests"]:
        c.may_withdraw = _can(
            request, application, members, CHANGE, c.state, GrantAction.CHANGE_WITHDRAW
        )
    return render(
        request,
        "grants/detail.html",
        {
            "application": application,
            "grant": grant,
            "rules": rules,
            "today": today,
            "due_items": [(i, i.days_left(today), -i.days_left(today)) for i in items],
            "next_item": items[0] if items else None,
            "appeal_end": deadlines.appeal_period_end(
                grant.notified_on, rules.appeal_period_months
            ),
            "binding_date": selectors.grant_binding_date(grant, rules),
            "term_end": selectors.grant_term_end(grant),
            "accept_form": AcceptForm() if actions else None,
            "can_accept": GrantAction.ACCEPT in actions,
            "can_waive": GrantAction.WAIVE in actions,
            "can_request": _can(
                request, application, members, PAYMENT, None, GrantAction.PAYMENT_REQUEST
            )
            and workflow.in_state(grant.state, "grant_active"),
            "can_notice": _can(
                request, application, members, NOTICE, None, GrantAction.NOTICE_FILE
            ),
            "can_change": _can(
                request, application, members, CHANGE, None, GrantAction.CHANGE_REQUEST
            ),
            "is_applicant": bool(
                APPLICANT in permissions.roles(request.user, application, member_ids=members)
            ),
            "decider": decider,
            "documents": {
                (d.kind, d.version): d
                for d in application.documents.filter(
                    kind__in=["payment_request", "payment_order", "change_decision"]
                )
            },
            **data,
        },
    )


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    application, grant, members = application_and_grant(request, pk)
    require_applicant(request, application, members)
    form = AcceptForm(request.POST)
    if form.is_valid():
        waive = form.cleaned_data["waive_appeal"]
        try:
            if grant.state == GrantState.ACCEPTED and waive:
                services.grant_waive(grant=grant, user=request.user)
            else:
                services.grant_accept(grant=grant, user=request.user, waive_appeal=waive)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(
                request,
                _("Sie haben die Zuwendung angenommen und auf Rechtsbehelfe verzichtet. Der "
                  "Bescheid ist bestandskräftig; Sie können Mittel abrufen.")
                if waive else
                _("Sie haben die Zuwendung angenommen. Der Bescheid wird nach Ablauf der "
                  "Rechtsbehelfsfrist bestandskräftig."),
            )  # fmt: skip
    return redirect("grants:detail", pk)


def _form_page(request, application, grant, form, *, title, intro, submit, extra=None):
    return render(
        request,
        "grants/form.html",
        {
            "application": application,
            "grant": grant,
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            **(extra or {}),
        },
    )


@login_required
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    application, grant, members = application_and_grant(request, pk)
    require_applicant(request, application, members)
    initial = {"account_holder": application.account_holder, "iban": application.iban}
    form = PaymentRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.payment_request_create(
                grant=grant,
                user=request.user,
                amount=form.amount_or_total(),
                items=form.items(),
                iban=form.cleaned_data["iban"],
                account_holder=form.cleaned_data["account_holder"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Mittelabruf Nr. %(n)s ist eingegangen. Das Regierungspräsidium prüft ihn.")
                % {"n": req.number},
            )
            return redirect("grants:detail", pk)
    rules = selectors.rules_for(application.round_id)
    today = timezone.localdate()
    return _form_page(
        request, application, grant, form,
        title=_("Mittel abrufen"),
        intro=_(
            "Sie können Mittel nur abrufen, soweit Sie sie binnen %(months)s Monaten nach der "
            "Auszahlung für fällige Zahlungen benötigen, also für Zahlungen, die bis zum "
            "%(limit)s fällig werden. Noch abrufbar: %(available)s."
        ) % {
            "months": rules.payment_window_months,
            "limit": deadlines.payment_needed_by(today, rules.payment_window_months).strftime(
                "%d.%m.%Y"
            ),
            "available": format_money(selectors.grant_available(grant)),
        },
        submit=_("Mittel abrufen"),
        extra={"money_intro": True},
    )  # fmt: skip


@login_required
@require_POST
def payment_withdraw(request: HttpRequest, pk: int, obj_pk: int) -> HttpResponse:
    application, grant, members = application_and_grant(request, pk)
    require_applicant(request, application, members)
    req = get_object_or_404(grant.payment_requests, pk=obj_pk)
    try:
        services.payment_withdraw(request=req, user=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("Der Mittelabruf wurde zurückgezogen."))
    return redirect("grants:detail", pk)


@login_required
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    application, grant, members = application_and_grant(request, pk)
    require_applicant(request, application, members)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_file(
                grant=grant,
                user=request.user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Ihre Mitteilung ist beim Regierungspräsidium eingegangen.")
            )
            return redirect("grants:detail", pk)
    return _form_page(
        request, application, grant, form,
        title=_("Mitteilung nach Nr. 5 ANBest-GK"),
        intro=_(
            "Teilen Sie dem Regierungspräsidium unverzüglich mit, wenn sich der "
            "Verwendungszweck ändert, die Gesamtkosten sinken, weitere Drittmittel hinzukommen "
            "oder ausgezahlte Mittel nicht binnen zwei Monaten verwendet werden können. Die "
            "Zuwendung kann sich dadurch verringern."
        ),
        submit=_("Mitteilung einreichen"),
    )  # fmt: skip


@login_required
def change_new(request: HttpRequest, pk: int) -> HttpResponse:
    application, grant, members = application_and_grant(request, pk)
    require_applicant(request, application, members)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_create(
                grant=grant,
                user=request.user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                new_end_date=form.cleaned_data["new_end_date"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Ihr Änderungsantrag ist eingegangen."))
            return redirect("grants:detail", pk)
    return _form_page(
        request, application, grant, form,
        title=_("Änderung beantragen"),
        intro=_(
            "Eine Verlängerung des Bewilligungszeitraums oder eine inhaltliche Änderung des "
            "Vorhabens bedarf der Zustimmung des Regierungspräsidiums. Bisheriges Ende: %(end)s."
        ) % {"end": (selectors.grant_term_end(grant) or timezone.localdate()).strftime("%d.%m.%Y")},
        submit=_("Änderung beantragen"),
    )  # fmt: skip


@login_required
@require_POST
def change_withdraw(request: HttpRequest, pk: int, obj_pk: int) -> HttpResponse:
    application, grant, members = application_and_grant(request, pk)
    require_applicant(request, application, members)
    change = get_object_or_404(grant.change_requests, pk=obj_pk)
    try:
        services.change_withdraw(change=change, user=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("Der Änderungsantrag wurde zurückgezogen."))
    return redirect("grants:detail", pk)
