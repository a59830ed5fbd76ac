"""Pages of RP Darmstadt (case officers, admins) and of the jury. Views parse input, ask the
permission predicates and call services; no rules live here."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from applications.eligibility import application_eligibility
from applications.models import (
    Application,
    ApplicationPartner,
    Attachment,
    DocumentKind,
    EventAction,
    PartnerStatus,
)
from applications.progress import SECTION_ORDER, section_answers
from applications.snapshots import resubmissions
from applications.workflow import Status

from . import exports, permissions, selectors, services
from .forms import (
    ApproveForm,
    AssignForm,
    BulkAssignForm,
    DeclarationForm,
    EndAssignmentForm,
    FormalCheckForm,
    NoteForm,
    OverviewFilterForm,
    RejectForm,
    ReopenForm,
    ReviewForm,
)
from .models import CHECKLIST, Assignment, AssignmentStatus, CheckOutcome, FormalCheck, Review

PAGE_SIZE = 25


# Access -----------------------------------------------------------------------------------------
def _requires(allowed, refusal):
    """A view decorator: logged in (else to the login page) and ``allowed(user)`` (else 403
    with ``refusal``)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Case officer or admin.
rp_required = _requires(
    permissions.can_use_rp_pages,
    gettext_lazy("Diese Seite ist dem Regierungspräsidium vorbehalten."),
)
# Case officer.
manager_required = _requires(
    permissions.can_manage, gettext_lazy("Diesen Schritt kann nur die Sachbearbeitung ausführen.")
)
reviewer_required = _requires(
    lambda user: user.is_active and user.is_reviewer,
    gettext_lazy("Diese Seite ist der Jury vorbehalten."),
)


def _errors_to_messages(request, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def _application_nav(application, user, current: str) -> list[dict]:
    items = [("detail", _("Übersicht"))]
    if permissions.can_manage(user):
        items += [
            ("formal_check", _("Formale Prüfung")),
            ("assignments", _("Gutachten")),
            ("decision", _("Entscheidung")),
        ]
    return [
        {
            "url": reverse(f"reviews:{name}", args=[application.pk]),
            "label": label,
            "current": name == current,
        }
        for name, label in items
    ]


def _content_context(application: Application, *, attachment_url: str) -> dict:
    """The application's sections, partners, cost plan and attachments, read-only."""
    lines = list(application.cost_lines.select_related("category").order_by("position", "pk"))
    return {
        "answers": section_answers(application),
        "partners": [p for p in application.partners.all() if p.status != PartnerStatus.DECLINED],
        "lines": lines,
        "totals": {
            "total_cost": application.total_cost,
            "own_funds": application.own_funds,
            "third_party_funds": application.third_party_funds,
            "requested_grant": application.requested_grant,
            "financing_gap": application.financing_gap,
            "max_grant": application.round.max_grant,
        },
        "attachments": list(application.attachments.order_by("kind", "uploaded_at", "pk")),
        "attachment_url": attachment_url,
        "section_order": SECTION_ORDER,
    }


# Rounds and the overview ------------------------------------------------------------------------
@rp_required
@require_safe
def rounds(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reviews/rounds.html", {"rounds": selectors.rounds_with_counts(user=request.user)}
    )


OVERVIEW_COLUMNS = (
    ("reference", _("Aktenzeichen"), False),
    ("municipality", _("Kommune"), False),
    ("kreis", _("Kreis"), False),
    ("regierungsbezirk", _("Regierungsbezirk"), False),
    ("population", _("Einwohnerzahl"), True),
    ("requested", _("Beantragt"), True),
    ("status", _("Status"), False),
    ("final_reviews", _("Gutachten"), True),
    ("mean_score", _("Mittelwert"), True),
    ("flags", _("Hinweise"), False),
)


def _columns(sort: str) -> list[dict]:
    columns = []
    for key, label, numeric in OVERVIEW_COLUMNS:
        if sort == key:
            state, next_sort = "ascending", f"-{key}"
        elif sort == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "", key
        columns.append(
            {"key": key, "label": label, "numeric": numeric, "sort": state, "next": next_sort}
        )
    return columns


@rp_required
@require_safe
def overview(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Item 1: the round's applications with filters, search, sorting, pagination and counts
    per status; a constant number of queries, whatever the number of applications."""
    round_ = selectors.rp_round_get(user=request.user, pk=round_pk)
    choices = selectors.filter_choices(user=request.user, round=round_)
    form = OverviewFilterForm(request.GET or None, **choices)
    filters = form.filters()
    applications, sort = selectors.round_applications(
        user=request.user, round=round_, filters=filters
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(user=request.user, round=round_)
    status_rows = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Status.choices
        if value != Status.DRAFT
    ]
    return render(
        request,
        "reviews/overview.html",
        {
            "round": round_,
            "form": form,
            "page_obj": page,
            "applications": page.object_list,
            "columns": _columns(sort),
            "status_rows": status_rows,
            "total": sum(counts.values()),
            "filtered": bool(request.GET.get("q") or any(
                request.GET.get(k) for k in ("status", "regierungsbezirk", "kreis", "joint",
                                             "flagged")
            )),
            "can_manage": permissions.can_manage(request.user),
        },
    )  # fmt: skip


@rp_required
@require_safe
def ranking(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = selectors.rp_round_get(user=request.user, pk=round_pk)
    rows = selectors.round_ranking(round_)
    return render(
        request,
        "reviews/ranking.html",
        {
            "round": round_,
            "rows": rows,
            "within_count": sum(1 for r in rows if r.within_budget),
            "total_requested": rows[-1].cumulative_requested if rows else 0,
        },
    )


@rp_required
@require_safe
def ranking_csv(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = selectors.rp_round_get(user=request.user, pk=round_pk)
    content = exports.ranking_csv(round_, selectors.round_ranking(round_))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(round_, "csv")}"'
    return response


@rp_required
@require_safe
def ranking_xlsx(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = selectors.rp_round_get(user=request.user, pk=round_pk)
    content = exports.ranking_xlsx(round_, selectors.round_ranking(round_))
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(round_, "xlsx")}"'
    return response


@manager_required
def bulk_assign(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Item 5: every application "In Bewertung" to n reviewers, spread evenly."""
    round_ = selectors.rp_round_get(user=request.user, pk=round_pk)
    jury = selectors.jury_members()
    form = BulkAssignForm(request.POST if request.method == "POST" else None, reviewers=jury)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.assignments_distribute(
                round=round_,
                reviewers=list(form.cleaned_data["reviewers"]),
                per_application=form.cleaned_data["per_application"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(n)s Zuweisungen angelegt.") % {"n": len(result.created)},
            )
            for app, missing in result.shortfalls:
                messages.warning(
                    request,
                    _(
                        "%(ref)s: Es fehlen %(n)s Gutachter/innen (nicht genug Personen ohne "
                        "Befangenheit oder Mitgliedschaft in einer beteiligten Kommune)."
                    )
                    % {"ref": app.reference, "n": missing},
                )
            return redirect("reviews:overview", round_.pk)
    in_review = (
        selectors.rp_applications(user=request.user)
        .filter(round=round_, status__in=permissions.ASSIGNABLE_STATUSES)
        .count()
    )
    return render(
        request,
        "reviews/bulk_assign.html",
        {"round": round_, "form": form, "in_review": in_review, "jury_count": len(jury)},
    )


# One application --------------------------------------------------------------------------------
@rp_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Item 2: every section, the attachments, the timeline with internal notes."""
    application = selectors.rp_application_get(user=request.user, pk=pk)
    events = list(selectors.rp_timeline(application=application, user=request.user))
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
    history = list(
        FormalCheck.objects.filter(application=application)
        .select_related("checked_by", "item_request")
        .order_by("-checked_at", "-pk")
    )
    last = history[0] if history else None
    initial = {name: getattr(last, name) for name in CHECKLIST} if last is not None else {}
    form = FormalCheckForm(request.POST if request.method == "POST" else None, initial=initial)
    can_record = application.status == Status.IN_CHECK
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
            "can_start": application.status == Status.SUBMITTED,
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
            "attachments": list(application.attachments.order_by("kind", "uploaded_at")),
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


# Assignments ------------------------------------------------------------------------------------
def _final_score_table(assignments: list[Assignment], criteria) -> dict:
    """Points per criterion of the final reviews: rows are criteria, columns reviewers."""
    finals = [
        a
        for a in assignments
        if a.status == AssignmentStatus.ACTIVE and hasattr(a, "review") and a.review.is_final
    ]
    points = {}
    for a in finals:
        for score in a.review.scores.all():
            points[(a.pk, score.criterion_id)] = score
    return {
        "columns": finals,
        "rows": [
            {"criterion": c, "cells": [points.get((a.pk, c.pk)) for a in finals]} for c in criteria
        ],
    }


@manager_required
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.rp_application_get(user=request.user, pk=pk)
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        reviewers=selectors.eligible_reviewers(application=application),
    )
    if request.method == "POST":
        if not permissions.can_assign(request.user, application):
            messages.error(
                request,
                _("Gutachter/innen können nur Anträgen „In Bewertung“ zugewiesen werden."),
            )
            return redirect("reviews:assignments", pk)
        if form.is_valid():
            try:
                services.assignment_create(
                    application=application,
                    reviewer=form.cleaned_data["reviewer"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("%(name)s wurde zugewiesen.")
                    % {"name": form.cleaned_data["reviewer"].get_full_name()},
                )
                return redirect("reviews:assignments", pk)
    all_assignments = list(
        Assignment.objects.filter(application=application)
        .select_related("reviewer", "assigned_by", "review")
        .prefetch_related("review__scores")
        .order_by("assigned_at", "pk")
    )
    criteria = selectors.criteria_for(application.round_id)
    stats = selectors.with_review_stats(Application.objects.filter(pk=application.pk)).get()
    return render(
        request,
        "reviews/assignments.html",
        {
            "application": application,
            "nav": _application_nav(application, request.user, "assignments"),
            "form": form,
            "can_assign": permissions.can_assign(request.user, application),
            "assignments": [
                {
                    "assignment": a,
                    "review": getattr(a, "review", None),
                    "can_end": permissions.can_end_assignment(request.user, a, application),
                    "can_reopen": hasattr(a, "review")
                    and permissions.can_reopen(request.user, a.review, application),
                }
                for a in all_assignments
            ],
            "criteria": criteria,
            "score_table": _final_score_table(all_assignments, criteria),
            "stats": stats,
        },
    )


def _assignment_for(request, pk: int, assignment_pk: int) -> tuple[Application, Assignment]:
    application = selectors.rp_application_get(user=request.user, pk=pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("reviewer"), pk=assignment_pk, application=application
    )
    return application, assignment


def _confirm_with_reason(
    request: HttpRequest, application, form, action, *, success: str, heading: str, text: str
) -> HttpResponse:
    """A confirmation page with a reason (end an assignment, reopen a review): on a valid POST
    ``action(reason)`` runs, and the case officer goes back to the assignments."""
    back = reverse("reviews:assignments", args=[application.pk])
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return redirect(back)
    return render(
        request,
        "reviews/confirm.html",
        {
            "application": application,
            "nav": _application_nav(application, request.user, "assignments"),
            "form": form,
            "heading": heading,
            "text": text,
            "back": back,
        },
    )


@manager_required
def assignment_end(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    application, assignment = _assignment_for(request, pk, assignment_pk)
    if not permissions.can_end_assignment(request.user, assignment, application):
        messages.error(request, _("Diese Zuweisung kann nicht beendet werden."))
        return redirect("reviews:assignments", pk)
    return _confirm_with_reason(
        request,
        application,
        EndAssignmentForm(request.POST if request.method == "POST" else None),
        lambda reason: services.assignment_end(
            assignment=assignment, user=request.user, reason=reason
        ),
        success=_("Die Zuweisung wurde beendet."),
        heading=_("Zuweisung von %(name)s beenden") % {"name": assignment.reviewer.get_full_name()},
        text=_("Eine abgeschlossene Bewertung dieser Person zählt danach nicht mehr."),
    )


@manager_required
def review_reopen(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    application, assignment = _assignment_for(request, pk, assignment_pk)
    review = get_object_or_404(Review, assignment=assignment)
    if not permissions.can_reopen(request.user, review, application):
        messages.error(request, _("Diese Bewertung kann nicht wieder geöffnet werden."))
        return redirect("reviews:assignments", pk)
    return _confirm_with_reason(
        request,
        application,
        ReopenForm(request.POST if request.method == "POST" else None),
        lambda reason: services.review_reopen(review=review, user=request.user, reason=reason),
        success=_("Die Bewertung ist wieder geöffnet."),
        heading=_("Bewertung von %(name)s wieder öffnen")
        % {"name": assignment.reviewer.get_full_name()},
        text=_(
            "Die Bewertung wird wieder zum Entwurf; die Person kann sie ändern und erneut "
            "abschließen. Der Grund wird im Verlauf vermerkt."
        ),
    )


# Decisions --------------------------------------------------------------------------------------
@manager_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Item 8: mark ready, approve with an amount (the requested one by default) and the way
    the financing plan balances, or reject with a reason. Approving and rejecting cannot be
    undone, so a valid form first shows a confirmation page (what will happen, the approved
    plan); only its POST with ``confirm`` decides. The letter follows from a Celery task."""
    application = selectors.rp_application_get(user=request.user, pk=pk)
    can_approve = application.status == Status.READY_FOR_DECISION
    can_reject = application.status in (
        Status.IN_CHECK,
        Status.IN_REVIEW,
        Status.READY_FOR_DECISION,
    )
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
    stats = selectors.with_review_stats(Application.objects.filter(pk=application.pk)).get()
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
            "can_mark_ready": application.status == Status.IN_REVIEW,
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
            "letter": application.documents.filter(kind=DocumentKind.DECISION).first(),
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


def _service_errors_to(form, exc: ValidationError) -> None:
    """Service keys: ``granted_amount``, ``message`` (the reason)."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            field = {"message": "reason"}.get(key, key)
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_service_errors(exc)


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


# The jury ---------------------------------------------------------------------------------------
@reviewer_required
@require_safe
def jury_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/jury_list.html",
        {"assignments": selectors.reviewer_assignments(user=request.user)},
    )


def _partners_of(application: Application) -> list[ApplicationPartner]:
    return list(
        application.partners.exclude(status=PartnerStatus.DECLINED).select_related("municipality")
    )


@reviewer_required
def jury_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """Before the application: the declaration on bias (Befangenheit)."""
    assignment = selectors.reviewer_assignment_get(user=request.user, application_pk=pk)
    if not permissions.can_declare(request.user, assignment):
        return redirect("reviews:jury_review", pk)
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_declare(
                assignment=assignment,
                user=request.user,
                conflict=form.cleaned_data["conflict"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if form.cleaned_data["conflict"]:
                messages.info(
                    request,
                    _("Vielen Dank. Sie haben Befangenheit erklärt; die Zuweisung ist beendet "
                      "und die Sachbearbeitung ist informiert."),
                )  # fmt: skip
                return redirect("reviews:jury_list")
            return redirect("reviews:jury_review", pk)
    application = assignment.application
    return render(
        request,
        "reviews/jury_declare.html",
        {"application": application, "partners": _partners_of(application), "form": form},
    )


@reviewer_required
def jury_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The application (read-only) and the scoring form; a final review is read-only."""
    assignment = selectors.reviewer_assignment_get(user=request.user, application_pk=pk)
    if permissions.can_declare(request.user, assignment):
        return redirect("reviews:jury_declare", pk)
    if not permissions.can_see_content(request.user, assignment):
        raise Http404
    application = get_object_or_404(
        Application.objects.with_related()
        .with_totals()
        .prefetch_related(
            Prefetch("partners", queryset=ApplicationPartner.objects.select_related("municipality"))
        ),
        pk=assignment.application_id,
    )
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    criteria = selectors.criteria_for(application.round_id)
    scores = selectors.scores_by_criterion(review)
    editable = permissions.can_edit_review(request.user, assignment, application, review)
    initial = {
        "overall_comment": review.overall_comment if review else "",
        "recommendation": review.recommendation if review else "",
    }
    for criterion_id, score in scores.items():
        initial[f"points_{criterion_id}"] = score.points
        initial[f"comment_{criterion_id}"] = score.comment
    form = ReviewForm(
        request.POST if request.method == "POST" else None, criteria=criteria, initial=initial
    )
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Diese Bewertung kann nicht mehr geändert werden."))
            return redirect("reviews:jury_review", pk)
        finalize = "finalize" in request.POST
        if form.is_valid():
            try:
                services.review_save(
                    assignment=assignment,
                    user=request.user,
                    points=form.points(),
                    comments=form.comments(),
                    overall_comment=form.cleaned_data["overall_comment"],
                    recommendation=form.cleaned_data["recommendation"],
                    finalize=finalize,
                )
            except ValidationError as exc:
                # Atomic: nothing was saved; the form shows what was typed with the errors.
                form.add_service_errors(exc)
            else:
                if finalize:
                    messages.success(request, _("Ihre Bewertung ist abgeschlossen. Vielen Dank."))
                    return redirect("reviews:jury_list")
                messages.success(request, _("Ihr Entwurf ist gespeichert."))
                return redirect("reviews:jury_review", pk)
    return render(
        request,
        "reviews/jury_review.html",
        {
            "application": application,
            "assignment": assignment,
            "review": review,
            "criteria": criteria,
            "scores": [(c, scores.get(c.pk)) for c in criteria],
            "form": form,
            "editable": editable,
            **_content_context(application, attachment_url="reviews:jury_attachment"),
        },
    )


@reviewer_required
@require_safe
def jury_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    assignment = selectors.reviewer_assignment_get(user=request.user, application_pk=pk)
    if not permissions.can_see_content(request.user, assignment):
        raise Http404
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application_id=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
