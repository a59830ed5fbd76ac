"""The jury's pages: assigned applications, declaration of (no) conflict of interest, scoring."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications.selectors import attachment_get, partners_not_declined
from core.storage import private_download
from reviews import permissions, selectors, services
from reviews.forms import DeclarationForm, ReviewForm

from .common import _content_context, reviewer_required

JURY_PAGE_SIZE = 50


# The jury ---------------------------------------------------------------------------------------
@reviewer_required
@require_safe
def jury_list(request: HttpRequest) -> HttpResponse:
    """The reviewer's assignments in rounds not finished yet, by pages."""
    assignments = selectors.reviewer_assignments(user=request.user)
    page = Paginator(assignments, JURY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/jury_list.html",
        {"page_obj": page, "assignments": page.object_list},
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
        {
            "application": application,
            "partners": partners_not_declined(application),
            "form": form,
        },
    )


@reviewer_required
def jury_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The application (read-only) and the scoring form; a final review is read-only."""
    assignment = selectors.reviewer_assignment_get(user=request.user, application_pk=pk)
    if permissions.can_declare(request.user, assignment):
        return redirect("reviews:jury_declare", pk)
    if not permissions.can_see_content(request.user, assignment):
        raise Http404
    application = selectors.reviewer_application_get(assignment)
    review = selectors.assignment_review(assignment)
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
def jury_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    assignment = selectors.reviewer_assignment_get(user=request.user, application_pk=pk)
    if not permissions.can_see_content(request.user, assignment):
        raise Http404
    attachment = attachment_get(application=assignment.application, pk=attachment_pk)
    return private_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
