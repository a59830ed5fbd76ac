"""The declarations step: one checkbox per declaration of the round."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import services
from applications.calls import round_declarations
from applications.forms import DeclarationsForm
from applications.models import Section

from .common import (
    _editable_application,
    _frozen_redirect,
    _may_edit,
    _next_section_url,
    _section_closed,
    _section_context,
)


@login_required
def declarations(request: HttpRequest, pk: int) -> HttpResponse:
    section = Section.DECLARATIONS
    application = _editable_application(request, pk, section)
    if not _may_edit(request, application, section):
        return _section_closed(request, application)
    items = round_declarations(application.round)
    stale = False
    if request.method == "POST":
        form = DeclarationsForm(request.POST, declarations=items)
        if form.is_valid():
            try:
                services.application_update_declarations(
                    application=application,
                    user=request.user,
                    confirmed=form.confirmed(),
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
        confirmed = application.declarations or {}
        initial = {f"decl:{d.key}": bool(confirmed.get(d.key)) for d in items}
        form = DeclarationsForm(
            initial={**initial, "version": application.version}, declarations=items
        )
    return render(
        request,
        "applications/section_form.html",
        _section_context(application, section, form=form, stale=stale),
    )
