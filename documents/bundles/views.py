"""Pages of RP Darmstadt for PDF bundles of a round: the job list with self-updating progress,
the request form, the status of one job (an htmx partial, or a page without JavaScript) and
the download. Only case officers and admins; the work is done by Celery (``tasks``). The pages
only read: overdue jobs are failed by the periodic watch (``watch``), not by a page view."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from applications.models import FundingRound
from core.forms import KernFormMixin
from documents.models import BundleJob, BundleSelection
from documents.views import private_file_response

from . import jobs, selection

JOBS_SHOWN = 30


class BundleRequestForm(KernFormMixin, forms.Form):
    submit_label = gettext_lazy("Bündel anfordern")

    selection = forms.ChoiceField(
        label=gettext_lazy("Welche Anträge soll das Bündel enthalten?"),
        widget=forms.RadioSelect,
        initial=BundleSelection.SUBMITTED,
    )
    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Status"),
        help_text=gettext_lazy("Nur bei der Auswahl nach Status: einer oder mehrere."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, ranking: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (value, label)
            for value, label in BundleSelection.choices
            if value != BundleSelection.RANKING or ranking
        ]
        self.fields["selection"].choices = choices
        self.fields["statuses"].choices = selection.bundle_statuses()


def _require_bundle_user(request: HttpRequest) -> None:
    if not selection.can_manage_bundles(request.user):
        raise PermissionDenied(_("Antragsbündel können nur RP Darmstadt und Administration."))


def _job(request: HttpRequest, pk: int) -> BundleJob:
    """The job if the person may see it, else 404."""
    return get_object_or_404(BundleJob.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def bundle_list(request: HttpRequest) -> HttpResponse:
    _require_bundle_user(request)
    job_list = list(BundleJob.objects.visible_to(request.user)[:JOBS_SHOWN])
    rounds = list(FundingRound.objects.order_by("-deadline"))
    return render(
        request, "documents/bundles/bundle_list.html", {"jobs": job_list, "rounds": rounds}
    )


@login_required
def bundle_request(request: HttpRequest, round_pk: int) -> HttpResponse:
    _require_bundle_user(request)
    round_ = get_object_or_404(FundingRound, pk=round_pk)
    ranking = selection.ranking_has_scores(selection.ranking_rows(round_))
    form = BundleRequestForm(request.POST if request.method == "POST" else None, ranking=ranking)
    if request.method == "POST" and form.is_valid():
        try:
            jobs.bundle_job_request(
                round_=round_,
                user=request.user,
                selection=form.cleaned_data["selection"],
                statuses=form.cleaned_data["statuses"],
            )
        except ValidationError as exc:
            field = "statuses" if getattr(exc, "code", "") == "statuses" else None
            for message in exc.messages:
                form.add_error(field, message)
        else:
            messages.success(
                request,
                _(
                    "Das Bündel wurde angefordert. Es wird im Hintergrund erstellt; Sie "
                    "erhalten eine E-Mail, sobald es fertig ist."
                ),
            )
            return redirect("documents:bundles")
    counts = {
        "submitted": len(selection.select_application_ids(round_, BundleSelection.SUBMITTED)),
    }
    return render(
        request,
        "documents/bundles/bundle_request.html",
        {"form": form, "round": round_, "counts": counts, "ranking": ranking},
    )


@login_required
@require_GET
def bundle_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's box: an htmx partial polled while the job is open; without JavaScript a
    page of its own that can be reloaded."""
    job = _job(request, pk)
    template = (
        "documents/bundles/_job.html" if request.htmx else "documents/bundles/bundle_detail.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_GET
def bundle_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not job.file:
        raise Http404
    return private_file_response(job.file, job.filename)
