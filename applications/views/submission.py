"""Check and submit, withdraw, answer a Nachforderung, the confirmation page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import permissions, selectors, services
from applications.eligibility import application_eligibility
from applications.forms import ConfirmForm, ResubmitForm
from applications.middleware import arrival_time
from applications.models import PartnerStatus
from applications.progress import section_answers, section_states
from applications.workflow import Action, Status
from municipalities.selectors import member_municipality_ids

from .common import _show_errors, _visible_application
from .costs import _totals


@login_required
def check_and_submit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        # The row alone: the service reads it again under its lock, and the answer to a
        # submission is a redirect (the page below is shown again only when it failed).
        application = selectors.application_get_for_action(user=request.user, pk=pk)
        if not permissions.is_lead_staff(
            request.user, application, member_ids=member_municipality_ids(request.user)
        ):
            raise PermissionDenied
        try:
            services.application_submit(
                application=application, user=request.user, arrived_at=arrival_time(request)
            )
        except services.TransitionNotAllowed as exc:
            _show_errors(request, exc)
        except ValidationError as exc:
            messages.error(
                request,
                _("Der Antrag wurde nicht eingereicht. Ihr Entwurf ist gespeichert."),
            )
            if not hasattr(exc, "error_dict"):  # e.g. the deadline; field errors show below
                _show_errors(request, exc)
        else:
            messages.success(
                request,
                _("Ihr Antrag wurde eingereicht. Aktenzeichen: %(ref)s")
                % {"ref": application.reference},
            )
            return redirect("applications:submitted", application.pk)
    application = _visible_application(request, pk)
    is_lead = permissions.is_lead_staff(
        request.user, application, member_ids=member_municipality_ids(request.user)
    )
    errors = services.application_validate_for_submission(application)
    states = section_states(application, errors)
    partners = application.partners.all()  # prefetched with their municipalities
    eligibility_result = application_eligibility(
        application, [p.municipality for p in partners if p.status != PartnerStatus.DECLINED]
    )
    lines = selectors.cost_lines_of(application)
    attachments_ = application.attachments.all()
    totals = _totals(application)
    return render(
        request,
        "applications/check.html",
        {
            "answers_by_section": section_answers(application),
            "partners_html": render_to_string(
                "applications/_summary_partners.html", {"partners": partners}
            ),
            "cost_html": render_to_string(
                "applications/_summary_cost.html", {"lines": lines, "totals": totals}
            ),
            "attachments_html": render_to_string(
                "applications/_summary_attachments.html", {"attachments": attachments_}
            ),
            "application": application,
            "is_lead": is_lead,
            "sections": states,
            "errors": errors,
            "error_items": [
                {"href": s.url, "label": s.label, "message": m} for s in states for m in s.errors
            ],
            "result": eligibility_result,
            "can_submit": Action.SUBMIT
            in permissions.available_actions(
                request.user, application, member_ids=member_municipality_ids(request.user)
            ),
            "deadline_passed": timezone.now() > application.round.deadline,
        },
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    if not permissions.can_transition(
        request.user, application, Action.WITHDRAW, member_ids=member_municipality_ids(request.user)
    ):
        messages.error(request, _("Dieser Antrag kann nicht zurückgezogen werden."))
        return redirect("applications:detail", pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Ihr Antrag wurde zurückgezogen."))
        return redirect("applications:detail", pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte prüfen Sie Ihre Nachricht."))
        return redirect("applications:detail", pk)
    try:
        services.application_resubmit(
            application=application, user=request.user, message=form.cleaned_data["message"]
        )
    except (ValidationError, PermissionDenied) as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("Die nachgeforderten Angaben wurden eingereicht."))
    return redirect("applications:detail", pk)


@login_required
@require_GET
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation after submission: the reference, what happens next, whom to ask and how
    to keep a record (GOV.UK's confirmation pattern)."""
    application = _visible_application(request, pk)
    if application.status == Status.DRAFT or not application.reference:
        return redirect("applications:detail", application.pk)
    return render(request, "applications/submitted.html", {"application": application})
