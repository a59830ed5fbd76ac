"""Helpers shared by the applicant pages: fetching an application the user may see or edit,
messages from service errors, file responses, the context of a form step."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from applications import permissions, selectors, services
from applications.models import Application
from applications.progress import application_steps
from applications.workflow import Status
from core.storage import private_download
from municipalities.selectors import member_municipality_ids


def _visible_application(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it, else 404 (never reveal that it exists)."""
    return selectors.application_get(user=request.user, pk=pk)


def _editable_application(request: HttpRequest, pk: int, section: str) -> Application:
    application = _visible_application(request, pk)
    if not permissions.is_lead_staff(
        request.user, application, member_ids=member_municipality_ids(request.user)
    ):
        raise PermissionDenied(_("Nur die antragstellende Kommune kann den Antrag bearbeiten."))
    return application


def _may_edit(request: HttpRequest, application: Application, section: str) -> bool:
    """``permissions.can_edit`` with what it needs, read for this request."""
    return permissions.can_edit(
        request.user,
        application,
        section,
        member_ids=member_municipality_ids(request.user),
        open_request=selectors.open_item_request(application),
    )


def _frozen_redirect(request, application, exc):
    _show_errors(request, exc)
    return redirect("applications:detail", application.pk)


def _show_errors(request, exc) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def _remove_item(request, queryset, raw_pk: str, remove, *, done: str, back: str):
    """Remove one partner or attachment of the application (a "remove" button's POST)."""
    item = get_object_or_404(queryset, pk=int(raw_pk) if raw_pk.isdigit() else 0)
    application_pk = item.application_id
    try:
        remove(item)
    except (ValidationError, PermissionDenied) as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect(back, application_pk)


def _file_response(file, filename: str, content_type: str) -> HttpResponse:
    """A private file as a download, streamed from the storage (``core.storage``)."""
    return private_download(file, filename=filename, content_type=content_type)


def _section_closed(request, application):
    return _frozen_redirect(
        request,
        application,
        services.ApplicationFrozenError(_("Dieser Abschnitt kann nicht mehr geändert werden.")),
    )


def _next_section_url(application: Application, section: str) -> str:
    """``section``: a step id (a Section value or "q-<key>", ``progress.Step``)."""
    steps = application_steps(application)
    index = [s.id for s in steps].index(section)
    if application.status != Status.DRAFT or index + 1 >= len(steps):
        return reverse("applications:check", args=[application.pk])
    return steps[index + 1].url


def _section_context(application, section, **extra):
    steps = application_steps(application)
    index = [s.id for s in steps].index(section)
    return {
        "application": application,
        "section": section,
        "section_label": steps[index].label,
        "step_number": index + 1,
        "step_count": len(steps),
        **extra,
    }
