"""Attachments: upload, removal, permission-checked download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from applications import permissions, selectors, services
from applications.calls import round_attachment_kinds
from applications.forms import AttachmentForm
from applications.models import Section
from municipalities.selectors import member_municipality_ids

from .common import (
    _editable_application,
    _file_response,
    _may_edit,
    _next_section_url,
    _section_closed,
    _section_context,
    _show_errors,
    _visible_application,
)


@login_required
def attachments(request: HttpRequest, pk: int) -> HttpResponse:
    section = Section.ATTACHMENTS
    application = _editable_application(request, pk, section)
    max_mb = settings.WIR_UPLOAD_MAX_BYTES // (1024 * 1024)
    kinds = round_attachment_kinds(application.round)
    form = AttachmentForm(max_mb=max_mb, kinds=kinds)
    if request.method == "POST":
        if not _may_edit(request, application, section):
            return _section_closed(request, application)
        if "remove_attachment" in request.POST:  # removing is confirmed on its own page
            raw = request.POST["remove_attachment"]
            item = selectors.attachment_get(application=application, pk=raw)
            return redirect("applications:attachment_remove", pk, item.pk)
        form = AttachmentForm(request.POST, request.FILES, max_mb=max_mb, kinds=kinds)
        if form.is_valid():
            try:
                services.attachment_add(
                    application=application,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for key, msgs in exc.message_dict.items():
                        for message in msgs:
                            form.add_error(key if key in form.fields else "file", message)
                else:
                    form.add_error("file", exc)
            else:
                messages.success(request, _("Die Datei wurde hochgeladen."))
                return redirect("applications:attachments", pk)
    per_partner = _("je Partnerkommune, nur bei gemeinsamen Anträgen")
    required = [
        (
            kind.key,
            " – ".join(
                part
                for part in (kind.label, per_partner if kind.per_partner else "", kind.hint)
                if part
            ),
        )
        for kind in kinds
        if kind.required
    ]
    return render(
        request,
        "applications/attachments.html",
        _section_context(
            application,
            section,
            form=form,
            attachments=selectors.attachments_with_uploader(application),
            required_kinds=required,
            next_url=_next_section_url(application, section),
        ),
    )


@login_required
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Removing an attachment cannot be undone: GET shows what will be removed, the POST with
    ``confirm`` removes it."""
    section = Section.ATTACHMENTS
    application = _editable_application(request, pk, section)
    attachment = selectors.attachment_get(application=application, pk=attachment_pk)
    if not _may_edit(request, application, section):
        return _section_closed(request, application)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            services.attachment_remove(attachment=attachment, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Die Anlage wurde entfernt."))
        return redirect("applications:attachments", pk)
    return render(
        request,
        "applications/attachment_remove.html",
        {"application": application, "attachment": attachment},
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    attachment = selectors.attachment_get(application=application, pk=attachment_pk)
    if not permissions.can_download_attachment(
        request.user,
        attachment,
        member_ids=member_municipality_ids(request.user),
        partner_ids=selectors.partner_municipality_ids(application),
    ):
        raise Http404
    return _file_response(attachment.file, attachment.original_name, attachment.content_type)
