"""Assigning reviewers to an application, ending an assignment, reopening a review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import (
    Application,
)
from reviews import permissions, selectors, services
from reviews.forms import AssignForm, EndAssignmentForm, ReopenForm
from reviews.models import Assignment, AssignmentStatus

from .common import _application_nav, manager_required


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
    all_assignments = selectors.application_assignments(application=application, with_scores=True)
    criteria = selectors.criteria_for(application.round_id)
    stats = selectors.application_review_stats(application)
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
    assignment = selectors.application_assignment_get(application=application, pk=assignment_pk)
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
    review = selectors.assignment_review_get(assignment)
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
