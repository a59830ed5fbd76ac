"""Rounds, the RP overview of a round, the ranking and its exports, bulk assignment of reviewers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications.templatetags.application_tags import euro, status_badge
from applications.workflow import LODGED_STATUSES, statuses_in
from reviews import exports, permissions, selectors, services
from reviews.forms import BulkAssignForm, OverviewFilterForm
from reviews.ranking import ranking_page, ranking_summary
from reviews.templatetags.review_tags import score

from .common import PAGE_SIZE, manager_required, rp_required


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


def _rows(applications) -> list[dict]:
    """What each row of the overview shows, formatted once here: the template then only reads
    strings (its filters, an include and a ``{% url %}`` per cell cost more than the rest of
    the page). The same formatting as the filters (``euro``, ``score``, ``intcomma``)."""
    rows = []
    for a in applications:
        lead = a.lead_municipality
        combined = a.combined_population
        rows.append(
            {
                "url": reverse("reviews:detail", args=[a.pk]),
                "reference": a.reference,
                "title": a.title,
                "municipality": lead.name,
                "kreis": lead.kreis,
                "regierungsbezirk": lead.regierungsbezirk,
                "population": intcomma(lead.population),
                "combined_population": (
                    intcomma(combined) if combined and combined != lead.population else ""
                ),
                "requested": euro(a.requested_grant),
                "badge": status_badge(a.status),
                "status": a.get_status_display(),
                "final_reviews": a.final_reviews,
                "mean_score": score(a.mean_score),
                "spread": score(a.spread) if a.flagged else "",
                "conflicts": a.conflicts,
                "is_joint": a.is_joint,
            }
        )
    return rows


@rp_required
@require_safe
def overview(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Item 1: the round's applications with filters, search, sorting, pagination and counts
    per status; a constant number of queries, whatever the number of applications."""
    round_ = selectors.rp_round_get(user=request.user, pk=round_pk)
    facets = selectors.round_facets(user=request.user, round=round_)
    form = OverviewFilterForm(request.GET or None, **facets.choices)
    filters = form.filters()
    ids, sort = selectors.round_application_ids(user=request.user, round=round_, filters=filters)
    paginator = Paginator(ids, PAGE_SIZE)
    # Known from the facets for most filters: no second scan of the round for the count.
    paginator.count = selectors.round_applications_count(
        user=request.user, round=round_, filters=filters, facets=facets
    )
    page = paginator.get_page(request.GET.get("page"))
    counts = facets.status_counts
    status_rows = [
        {"value": s.value, "label": s.label, "count": counts.get(s.value, 0)}
        for s in statuses_in(LODGED_STATUSES)
    ]
    return render(
        request,
        "reviews/overview.html",
        {
            "round": round_,
            "form": form,
            "filter_form": form.rendered(),  # {{ form|crispy }}, kept per process
            "page_obj": page,
            "rows": _rows(selectors.overview_rows(user=request.user, ids=list(page.object_list))),
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
    """The ranking by pages (``reviews.ranking.PAGE_SIZE`` rows); the exports have every row."""
    round_ = selectors.rp_round_get(user=request.user, pk=round_pk)
    summary = ranking_summary(round_)
    page = ranking_page(round_, request.GET.get("page"), count=summary.count)
    per_page = page.paginator.per_page
    return render(
        request,
        "reviews/ranking.html",
        {
            "round": round_,
            "page_obj": page,
            "rows": page.object_list,
            "summary": summary,
            # The page with the budget line (above the first row beyond the budget), if any.
            "budget_line_page": (
                summary.within_count // per_page + 1
                if summary.within_count < summary.count
                else None
            ),
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
    in_review = selectors.assignable_count(user=request.user, round=round_)
    return render(
        request,
        "reviews/bulk_assign.html",
        {"round": round_, "form": form, "in_review": in_review, "jury_count": len(jury)},
    )
