"""Joint applications: choosing partner municipalities and their confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import selectors, services
from applications.eligibility import application_eligibility
from applications.forms import ConfirmForm, PartnerAddForm, kreis_label
from applications.models import Application, Section
from core.text import clean_text

from .common import (
    _editable_application,
    _may_edit,
    _next_section_url,
    _remove_item,
    _section_closed,
    _section_context,
    _show_errors,
)

PARTNERS_SHOWN = 30


def _partner_choice(application: Application, data=None, *, search: str = ""):
    """The form to add a partner and what the list shows: the candidates matching ``search``,
    or without one those of the lead's Kreis (partners are mostly neighbours)."""
    search = clean_text(search).strip()[:100]
    candidates = selectors.partner_candidates(application=application)
    lead = application.lead_municipality
    if search:
        matching = selectors.partner_candidates(application=application, search=search)
    else:
        matching = selectors.partner_candidates(application=application, kreis=lead.kreis)
    shown = list(matching[: PARTNERS_SHOWN + 1])
    form = PartnerAddForm(
        data,
        initial={"suche": search},
        candidates=candidates,
        shown=shown[:PARTNERS_SHOWN],
    )
    return {
        "form": form,
        "search": search,
        "shown_count": min(len(shown), PARTNERS_SHOWN),
        "more": len(shown) > PARTNERS_SHOWN,
        "lead_kreis": kreis_label(lead.kreis),
    }


@login_required
def partners(request: HttpRequest, pk: int) -> HttpResponse:
    """The partners named so far, and a search to add one: a GET form ("suche") that works
    without JavaScript; with htmx, typing refreshes only the list (``_partner_choice.html``)."""
    section = Section.PARTNERS
    application = _editable_application(request, pk, section)
    choice = _partner_choice(application, search=request.GET.get("suche", ""))
    if request.method == "GET" and request.headers.get("HX-Request"):
        return render(
            request, "applications/_partner_choice.html", {"application": application, **choice}
        )
    if request.method == "POST":
        if not _may_edit(request, application, section):
            return _section_closed(request, application)
        if "remove_partner" in request.POST:
            return _remove_item(
                request,
                application.partners,
                request.POST["remove_partner"],
                lambda partner: services.partner_remove(partner=partner, user=request.user),
                done=_("Die Partnerkommune wurde entfernt."),
                back="applications:partners",
            )
        choice = _partner_choice(application, request.POST, search=request.POST.get("suche", ""))
        form = choice["form"]
        if form.is_valid():
            try:
                services.partner_add(
                    application=application,
                    user=request.user,
                    municipality=form.cleaned_data["municipality"],
                )
            except ValidationError as exc:
                form.add_error("municipality", exc)
            else:
                messages.success(
                    request,
                    _("Die Partnerkommune wurde hinzugefügt und um Bestätigung gebeten."),
                )
                return redirect("applications:partners", pk)
    eligibility_result = application_eligibility(application)
    return render(
        request,
        "applications/partners.html",
        _section_context(
            application,
            section,
            partners=selectors.application_partners(application),
            result=eligibility_result,
            next_url=_next_section_url(application, section),
            **choice,
        ),
    )


@login_required
def partner_respond(request: HttpRequest, partner_pk: int) -> HttpResponse:
    partner = selectors.partner_request_get(user=request.user, pk=partner_pk)
    application = partner.application
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirm = "confirm" in request.POST
        try:
            services.partner_respond(
                partner=partner,
                user=request.user,
                confirm=confirm,
                message=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _show_errors(request, exc)
        else:
            messages.success(
                request,
                _("Sie haben die Partnerschaft bestätigt.")
                if confirm
                else _("Sie haben die Partnerschaft abgelehnt."),
            )
            if confirm:
                return redirect("applications:detail", application.pk)
            return redirect("applications:list")
    return render(
        request,
        "applications/partner_respond.html",
        {"partner": partner, "application": application, "form": form},
    )
