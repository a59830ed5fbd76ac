"""The applicant's lists and form steps: my applications, rounds, eligibility, the status page,
the text sections of the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from municipalities.models import Municipality

from .. import permissions, services
from ..eligibility import check_eligibility
from ..forms import (
    ResubmitForm,
    SectionForm,
)
from ..models import (
    SECTION_FIELDS,
    Application,
    ApplicationPartner,
    FundingRound,
    PartnerStatus,
    RoundParticipation,
)
from ..progress import COMPLETE, section_states
from ..workflow import Status
from .common import (
    _editable_application,
    _frozen_redirect,
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
    applications = list(
        Application.objects.visible_to(user)
        .with_related()
        .with_totals()
        .order_by("-round__deadline", "lead_municipality__name")
    )
    municipalities = list(
        Municipality.objects.filter(memberships__user=user).alphabetical()
        if user.is_municipal_staff
        else []
    )
    pending_partnerships = list(
        ApplicationPartner.objects.filter(
            municipality__in=municipalities, status=PartnerStatus.PENDING
        ).select_related("application__lead_municipality", "application__round", "municipality")
    )
    now = timezone.now()
    rounds = list(FundingRound.objects.filter(opens_at__lte=now, deadline__gte=now))
    taking_part = {
        (p.round_id, p.municipality_id)
        for p in RoundParticipation.objects.filter(
            round__in=rounds, municipality__in=municipalities
        )
    }
    offers = [
        {"round": r, "municipality": m}
        for r in rounds
        for m in municipalities
        if (r.pk, m.pk) not in taking_part
    ]
    return render(
        request,
        "applications/application_list.html",
        {
            "applications": applications,
            "offers": offers,
            "pending_partnerships": pending_partnerships,
            "municipalities": municipalities,
        },
    )


@login_required
def eligibility(request: HttpRequest, round_pk: int, ags: str) -> HttpResponse:
    """ "May we apply?" with the figures used; POST starts the draft."""
    round_ = get_object_or_404(FundingRound, pk=round_pk)
    municipality = get_object_or_404(
        Municipality.objects.filter(memberships__user=request.user), ags=ags
    )
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
    is_lead = permissions.is_lead_staff(user, application)
    partners = list(application.partners.select_related("municipality"))
    context = {
        "application": application,
        "is_lead": is_lead,
        "partners": partners,
        "my_pending_partnerships": [
            p
            for p in partners
            if p.status == PartnerStatus.PENDING and permissions.can_respond_as_partner(user, p)
        ],
        "events": application.events.timeline_for(user).order_by("created_at", "pk"),
        "attachments": application.attachments.all(),
        "item_request": application.open_item_request()
        if application.status == Status.MISSING_ITEMS
        else None,
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
            s for s in section_states(application) if s.section in requested
        ]
        context["resubmit_form"] = ResubmitForm()
    return render(request, "applications/status.html", context)


@login_required
def section_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    application = _editable_application(request, pk, section)
    if not permissions.can_edit(request.user, application, section):
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


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = FundingRound.objects.prefetch_related(Prefetch("cost_categories")).order_by(
        "-deadline"
    )
    return render(
        request, "applications/round_list.html", {"rounds": rounds, "now": timezone.now()}
    )


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One funding round: the call's text, its rules, and where to start an application."""
    round_ = get_object_or_404(
        FundingRound.objects.prefetch_related(Prefetch("cost_categories")), pk=pk
    )
    now = timezone.now()
    is_open = round_.opens_at <= now <= round_.deadline
    offers: list[Municipality] = []
    taking_part: list[Municipality] = []
    user = request.user
    if is_open and user.is_authenticated and user.is_municipal_staff:
        mine = list(Municipality.objects.filter(memberships__user=user).order_by("name"))
        in_round = set(
            RoundParticipation.objects.filter(round=round_, municipality__in=mine).values_list(
                "municipality_id", flat=True
            )
        )
        offers = [m for m in mine if m.pk not in in_round]
        taking_part = [m for m in mine if m.pk in in_round]
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
