"""The applicant's lists and form steps: my applications, rounds, eligibility, the status page,
the text sections of the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from applications import permissions, selectors, services
from applications.eligibility import check_eligibility
from applications.forms import AnswersForm, ResubmitForm, SectionForm
from applications.models import SECTION_FIELDS, PartnerStatus
from applications.progress import COMPLETE, QUESTION_STEP_PREFIX, section_states
from applications.workflow import Status
from municipalities.models import Municipality
from municipalities.selectors import member_municipality_get, member_municipality_ids
from questionnaires.forms import initial_answers
from questionnaires.selectors import question_set_questions, question_set_structure

from .common import (
    _editable_application,
    _frozen_redirect,
    _may_edit,
    _next_section_url,
    _section_closed,
    _section_context,
    _show_errors,
    _visible_application,
)


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The status page: all applications of the user's municipalities and where to start."""
    user = request.user
    municipalities = selectors.applicant_municipalities(user=user)
    return render(
        request,
        "applications/application_list.html",
        {
            "applications": list(selectors.application_list(user=user)),
            "offers": selectors.round_offers(municipalities=municipalities),
            "pending_partnerships": list(selectors.pending_partner_requests(user=user)),
            "municipalities": municipalities,
        },
    )


@login_required
def eligibility(request: HttpRequest, round_pk: int, ags: str) -> HttpResponse:
    """ "May we apply?" with the figures used; POST starts the draft."""
    round_ = selectors.round_get(pk=round_pk)
    municipality = member_municipality_get(user=request.user, ags=ags)
    result = check_eligibility(round=round_, municipality=municipality)
    if request.method == "POST":
        try:
            application = services.application_create(
                round=round_, municipality=municipality, user=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Ihr Antrag wurde als Entwurf angelegt."))
            return redirect("applications:detail", application.pk)
    return render(
        request,
        "applications/eligibility.html",
        {"round": round_, "municipality": municipality, "result": result},
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    user = request.user
    member_ids = member_municipality_ids(user)
    open_request = selectors.open_item_request(application)
    is_lead = permissions.is_lead_staff(user, application, member_ids=member_ids)
    partners = list(selectors.application_partners(application))
    context = {
        "application": application,
        "is_lead": is_lead,
        "partners": partners,
        "my_pending_partnerships": [
            p
            for p in partners
            if p.status == PartnerStatus.PENDING
            and permissions.can_respond_as_partner(
                user, p, member_ids=member_ids, open_request=open_request
            )
        ],
        "events": selectors.application_timeline(application=application, user=user),
        "attachments": application.attachments.all(),
        "item_request": open_request,
    }
    if application.status == Status.DRAFT and is_lead:
        states = section_states(application)
        context.update(
            sections=states,
            complete_count=sum(1 for s in states if s.state == COMPLETE),
        )
        return render(request, "applications/task_list.html", context)
    if application.status == Status.MISSING_ITEMS and is_lead:
        requested = services.open_item_request_sections(application)
        context["requested_sections"] = [
            s for s in section_states(application) if s.scope in requested
        ]
        context["resubmit_form"] = ResubmitForm()
    return render(request, "applications/status.html", context)


@login_required
def section_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    application = _editable_application(request, pk, section)
    if not _may_edit(request, application, section):
        return _section_closed(request, application)
    stale = False
    if request.method == "POST":
        form = SectionForm(request.POST, section=section)
        if form.is_valid():
            try:
                services.application_update_section(
                    application=application,
                    user=request.user,
                    section=section,
                    data=form.section_data(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleEditError as exc:
                stale = True
                form.add_service_errors(exc)
            except services.ApplicationFrozenError as exc:
                return _frozen_redirect(request, application, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Ihre Angaben wurden gespeichert."))
                return redirect(_next_section_url(application, section))
    else:
        initial = {name: getattr(application, name) for name in SectionForm.base_fields}
        initial.update(
            {f: getattr(application, f) for f in SECTION_FIELDS[section]},
            version=application.version,
        )
        form = SectionForm(initial=initial, section=section)
    return render(
        request,
        "applications/section_form.html",
        _section_context(application, section, form=form, stale=stale),
    )


def _attachment_question_html(application):
    """What an attachment question shows on its step: the files of its kind, and where to
    upload one (the step "Anlagen", where each file is given its kind)."""
    files = list(application.attachments.all())

    def render(question):
        names = [a.original_name for a in files if a.kind == question.attachment_kind]
        return render_to_string(
            "applications/_question_attachment.html",
            {"question": question, "names": names, "application": application},
        )

    return render


@login_required
def question_section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One section of the round's question set (a step of the form)."""
    application = _editable_application(request, pk, services.ANSWERS_SECTION)
    parts = {p.key: p for p in question_set_structure(application.question_set)}
    if key not in parts:
        raise Http404
    if not _may_edit(request, application, services.ANSWERS_SECTION):
        return _section_closed(request, application)
    part = parts[key]
    options = {
        "part": part,
        "all_questions": question_set_questions(application.question_set),
        "answers": application.answers or {},
        "attachments_html": _attachment_question_html(application),
    }
    stale = False
    if request.method == "POST":
        form = AnswersForm(request.POST, **options)
        if form.is_valid():
            try:
                services.application_answers_save(
                    application=application,
                    user=request.user,
                    section_key=key,
                    data=form.answers,
                    expected_version=form.cleaned_data["version"],
                )
            except services.StaleEditError as exc:
                stale = True
                form.add_service_errors(exc)
            except services.ApplicationFrozenError as exc:
                return _frozen_redirect(request, application, exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Ihre Angaben wurden gespeichert."))
                return redirect(_next_section_url(application, QUESTION_STEP_PREFIX + key))
    else:
        initial = initial_answers(part.questions, application.answers or {})
        form = AnswersForm(initial={**initial, "version": application.version}, **options)
    context = _section_context(application, QUESTION_STEP_PREFIX + key, form=form, stale=stale)
    context["intro"] = part.section.intro
    return render(request, "applications/section_form.html", context)


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/round_list.html",
        {"rounds": selectors.round_list(), "now": timezone.now()},
    )


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One funding round: the call's text, its rules, and where to start an application."""
    round_ = selectors.round_get(pk=pk)
    now = timezone.now()
    is_open = round_.opens_at <= now <= round_.deadline
    offers: list[Municipality] = []
    taking_part: list[Municipality] = []
    user = request.user
    if is_open and user.is_authenticated and user.is_municipal_staff:
        offers, taking_part = selectors.round_participation(user=user, round=round_)
    return render(
        request,
        "applications/round_detail.html",
        {
            "round": round_,
            "now": now,
            "is_open": is_open,
            "offers": offers,
            "taking_part": taking_part,
        },
    )
