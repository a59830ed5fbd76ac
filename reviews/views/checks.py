"""The RP detail page of an application, internal notes, the formal check and the due date of
its Nachforderung."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications import permissions as workflow_permissions
from applications import services as application_services
from applications.eligibility import application_eligibility
from applications.models import (
    EventAction,
    PartnerStatus,
)
from applications.selectors import attachments_by_kind
from applications.snapshots import resubmissions
from applications.workflow import Action, Status
from municipalities.selectors import member_municipality_ids
from reviews import selectors, services
from reviews.forms import FormalCheckForm, ItemRequestExtendForm, NoteForm
from reviews.models import CHECKLIST, CheckOutcome

from .common import (
    _application_nav,
    _content_context,
    _errors_to_messages,
    manager_required,
    rp_required,
)


# One application --------------------------------------------------------------------------------
@rp_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Item 2: every section, the attachments, the timeline with internal notes."""
    application = selectors.rp_application_get(user=request.user, pk=pk)
    events = list(selectors.rp_timeline(application=application, user=request.user))
    item_request = (
        application.open_item_request() if application.status == Status.MISSING_ITEMS else None
    )
    return render(
        request,
        "reviews/detail.html",
        {
            "application": application,
            "nav": _application_nav(application, request.user, "detail"),
            "events": events,
            "notes": [e for e in events if e.action == EventAction.NOTE],
            "note_form": NoteForm(),
            "documents": application.documents.all(),
            "resubmissions": resubmissions(application),
            "assignments": selectors.application_assignments(application=application),
            "item_request": item_request,
            **_item_request_actions(request, application, item_request),
            "eligibility": application_eligibility(
                application,
                [
                    p.municipality
                    for p in application.partners.all()
                    if p.status != PartnerStatus.DECLINED
                ],
            ),
            **_content_context(application, attachment_url="applications:attachment_download"),
        },
    )


@rp_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.rp_application_get(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(
                application=application, user=request.user, text=form.cleaned_data["text"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("Der Vermerk wurde gespeichert."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(reverse("reviews:detail", args=[pk]) + "#vermerke")


# Formal check -----------------------------------------------------------------------------------
@manager_required
def formal_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Item 3: the checklist with notes; passed, or a Nachforderung."""
    application = selectors.rp_application_get(user=request.user, pk=pk)
    history = selectors.formal_checks_of(application)
    last = history[0] if history else None
    initial = {name: getattr(last, name) for name in CHECKLIST} if last is not None else {}
    form = FormalCheckForm(request.POST if request.method == "POST" else None, initial=initial)
    # What the workflow table allows this person now: start the check, or record its outcome
    # (passed, or a Nachforderung).
    actions = workflow_permissions.available_actions(
        request.user, application, member_ids=member_municipality_ids(request.user)
    )
    can_record = Action.PASS_CHECK in actions or Action.REQUEST_ITEMS in actions
    if request.method == "POST":
        if not can_record:
            messages.error(request, _("Die formale Prüfung ist in diesem Status nicht möglich."))
            return redirect("reviews:formal_check", pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                check = services.formal_check_record(
                    application=application,
                    user=request.user,
                    checklist=form.checklist(),
                    notes=data["notes"],
                    outcome=data["outcome"],
                    sections=data["sections"],
                    message=data["message"],
                    due_date=data["due_date"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                if check.outcome == CheckOutcome.PASSED:
                    messages.success(
                        request,
                        _("Die formale Prüfung ist bestanden. Der Antrag ist jetzt in der "
                          "Bewertung."),
                    )  # fmt: skip
                    return redirect("reviews:assignments", pk)
                messages.success(
                    request,
                    _("Die Nachforderung wurde gespeichert; die Kommune wird per E-Mail "
                      "benachrichtigt."),
                )  # fmt: skip
                return redirect("reviews:detail", pk)
    return render(
        request,
        "reviews/formal_check.html",
        {
            "application": application,
            "nav": _application_nav(application, request.user, "formal_check"),
            "form": form,
            "history": history,
            "can_start": Action.START_CHECK in actions,
            "can_record": can_record,
            "item_request": application.open_item_request()
            if application.status == Status.MISSING_ITEMS
            else None,
            "eligibility": application_eligibility(
                application,
                [
                    p.municipality
                    for p in application.partners.all()
                    if p.status != PartnerStatus.DECLINED
                ],
            ),
            "attachments": attachments_by_kind(application),
            "resubmissions": resubmissions(application),
        },
    )


@manager_required
@require_POST
def check_start(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.rp_application_get(user=request.user, pk=pk)
    try:
        services.formal_check_start(application=application, user=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("Die formale Prüfung hat begonnen."))
    return redirect("reviews:formal_check", pk)


# The due date of a Nachforderung ---------------------------------------------------------------
def _overdue_days(item_request) -> int:
    """Days since the due date passed (0: not overdue, or no due date)."""
    if item_request is None or item_request.due_date is None:
        return 0
    return max((timezone.localdate() - item_request.due_date).days, 0)


def _item_request_actions(request, application, item_request) -> dict:
    """What the person may do about the open Nachforderung: a later due date, or reject."""
    can_extend = workflow_permissions.can_extend_item_request(
        request.user, application, open_request=item_request
    )
    return {
        "item_request_overdue_days": _overdue_days(item_request),
        "can_extend_item_request": can_extend,
        "can_reject": can_extend
        and workflow_permissions.can_transition(
            request.user,
            application,
            Action.REJECT,
            member_ids=member_municipality_ids(request.user),
        ),
    }


@manager_required
def item_request_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the open Nachforderung a later due date (the municipality is notified), or go on
    to reject the application instead."""
    application = selectors.rp_application_get(user=request.user, pk=pk)
    item_request = (
        application.open_item_request() if application.status == Status.MISSING_ITEMS else None
    )
    if item_request is None:
        messages.error(request, _("Zu diesem Antrag gibt es keine offene Nachforderung."))
        return redirect("reviews:detail", pk)
    start = max(item_request.due_date or timezone.localdate(), timezone.localdate())
    form = ItemRequestExtendForm(
        request.POST if request.method == "POST" else None,
        initial={"due_date": start + dt.timedelta(days=14)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            extended = application_services.item_request_extend(
                application=application, user=request.user, due_date=form.cleaned_data["due_date"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Die Frist der Nachforderung ist bis zum %(date)s verlängert. Die Kommune wird "
                  "benachrichtigt.") % {"date": extended.due_date.strftime("%d.%m.%Y")},
            )  # fmt: skip
            return redirect(reverse("reviews:detail", args=[pk]) + "#nachforderung")
    return render(
        request,
        "reviews/item_request_extend.html",
        {
            "application": application,
            "nav": _application_nav(application, request.user, "detail"),
            "item_request": item_request,
            "form": form,
            **_item_request_actions(request, application, item_request),
        },
    )
