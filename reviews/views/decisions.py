"""Marking an application ready for decision, approval and rejection."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import permissions as workflow_permissions
from applications.workflow import Action
from municipalities.selectors import member_municipality_ids
from reviews import selectors, services
from reviews.forms import ApproveForm, RejectForm

from .common import _application_nav, _errors_to_messages, _service_errors_to, manager_required


# Decisions --------------------------------------------------------------------------------------
@manager_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Item 8: mark ready, approve with an amount (the requested one by default) and the way
    the financing plan balances, or reject with a reason. Approving and rejecting cannot be
    undone, so a valid form first shows a confirmation page (what will happen, the approved
    plan); only its POST with ``confirm`` decides. The letter follows from a Celery task."""
    application = selectors.rp_application_get(user=request.user, pk=pk)
    # What the workflow table allows this person now (the buttons shown).
    actions = workflow_permissions.available_actions(
        request.user, application, member_ids=member_municipality_ids(request.user)
    )
    can_approve = Action.APPROVE in actions
    can_reject = Action.REJECT in actions
    approve_form = ApproveForm(
        request.POST if "approve" in request.POST else None,
        application=application,
        prefix="approve",
        initial={"granted_amount": min(application.requested_grant, application.round.max_grant)},
    )
    reject_form = RejectForm(request.POST if "reject" in request.POST else None, prefix="reject")
    confirmed = "confirm" in request.POST
    if request.method == "POST":
        if "approve" in request.POST and approve_form.is_valid():
            if not confirmed and can_approve:  # otherwise the service says why not
                return _decision_confirm(request, application, approve_form, approve=True)
            try:
                services.decision_approve(
                    application=application,
                    user=request.user,
                    granted_amount=approve_form.cleaned_data["granted_amount"],
                    financing_adjustment=approve_form.cleaned_data["financing_adjustment"],
                    reason=approve_form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _service_errors_to(approve_form, exc)
            else:
                messages.success(
                    request,
                    _("Der Antrag ist bewilligt. Der Zuwendungsbescheid wird erstellt und der "
                      "Kommune zugestellt."),
                )  # fmt: skip
                return redirect("reviews:decision", pk)
        elif "reject" in request.POST and reject_form.is_valid():
            if not confirmed and can_reject:
                return _decision_confirm(request, application, reject_form, approve=False)
            try:
                services.decision_reject(
                    application=application,
                    user=request.user,
                    reason=reject_form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _service_errors_to(reject_form, exc)
            else:
                messages.success(
                    request,
                    _("Der Antrag ist abgelehnt. Der Ablehnungsbescheid wird erstellt und der "
                      "Kommune zugestellt."),
                )  # fmt: skip
                return redirect("reviews:decision", pk)
        elif "approve" not in request.POST and "reject" not in request.POST:
            messages.error(request, _("Bitte wählen Sie „Bewilligen“ oder „Ablehnen“."))
    stats = selectors.application_review_stats(application)
    return render(
        request,
        "reviews/decision.html",
        {
            "application": application,
            "nav": _application_nav(application, request.user, "decision"),
            "approve_form": approve_form,
            "reject_form": reject_form,
            "can_approve": can_approve,
            "can_reject": can_reject,
            "can_mark_ready": Action.MARK_READY in actions,
            "stats": stats,
            "approved_plan": application.approved_plan,
            "approved_plan_rows": _plan_rows(application.approved_plan),
            "applied_plan_rows": [
                (_("Zuwendungsfähige Gesamtkosten"), application.total_cost),
                (_("Eigenmittel"), application.own_funds),
                (_("Drittmittel"), application.third_party_funds),
                (_("Beantragte Zuwendung"), application.requested_grant),
                (
                    _("Fehlbedarf (Gesamtkosten − Eigen- und Drittmittel)"),
                    application.financing_gap,
                ),
            ],  # fmt: skip
            "letter": application.documents.decision_letters().first(),
        },
    )


def _decision_confirm(request, application, form, *, approve: bool) -> HttpResponse:
    """The confirmation step of an approval or a rejection: what will happen, and the form's
    input again (hidden) with a button that posts it with ``confirm``."""
    return render(
        request,
        "reviews/decision_confirm.html",
        {
            "application": application,
            "nav": _application_nav(application, request.user, "decision"),
            "approve": approve,
            "form": form,
            "action_name": "approve" if approve else "reject",
            "amount": form.cleaned_data.get("granted_amount"),
            "plan": form.plan if approve else None,
            "plan_rows": _plan_rows(form.plan) if approve else [],
            "reason": form.cleaned_data["reason"],
        },
    )


def _plan_rows(plan) -> list[tuple[str, object]]:
    if plan is None:
        return []
    return [
        (_("Zuwendungsfähige Gesamtkosten"), plan.total_cost),
        (_("Eigenmittel"), plan.own_funds),
        (_("Drittmittel"), plan.third_party_funds),
        (_("Bewilligte Zuwendung"), plan.grant),
    ]


@manager_required
@require_POST
def mark_ready(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.rp_application_get(user=request.user, pk=pk)
    try:
        services.application_mark_ready(application=application, user=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Der Antrag ist entscheidungsreif."))
    return redirect("reviews:decision", pk)
