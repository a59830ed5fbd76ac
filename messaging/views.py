"""The Postfach (thread list), one application's thread with its write form (htmx-enhanced,
complete without JavaScript) and the download of a message's attachment."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from applications.models import Application
from applications.selectors import partner_municipality_ids
from core.storage import private_download
from municipalities.selectors import member_municipality_ids

from . import permissions, selectors, services
from .models import MessageAttachment
from .threads import Thread

PAGE_SIZE = 25


def thread_for(user, pk: int) -> Thread:
    application = get_object_or_404(
        Application.objects.select_related("round", "lead_municipality").prefetch_related(
            "partners"
        ),
        pk=pk,
    )
    thread = Thread(user, application)
    if not thread.readable:
        raise Http404
    return thread


def application_url(user, application: Application) -> str:
    """The application's own page for this person (RP's detail page or the applicant's)."""
    if permissions.is_rp(user):
        return reverse("reviews:detail", args=[application.pk])
    return reverse("applications:detail", args=[application.pk])


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@login_required
@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    """Every thread the person may read: unread first, then the newest."""
    user = request.user
    if not permissions.can_use_mailbox(user):
        raise PermissionDenied(
            _("Das Postfach ist für die Kommunen und das Regierungspräsidium Darmstadt.")
        )
    threads = selectors.mailbox_threads(user, member_municipality_ids(user))
    page = Paginator(threads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/mailbox.html",
        {"page_obj": page, "threads": page.object_list, "is_rp": permissions.is_rp(user)},
    )


@login_required
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the thread with the write form. POST: send; without JavaScript back to the page
    the form was on (or this one), with htmx the refreshed thread."""
    current = thread_for(request.user, pk)
    application = current.application
    if request.method == "POST":
        form = current.form(request.POST, request.FILES)
        if form is None:
            raise PermissionDenied(_("Sie können zu diesem Antrag keine Nachrichten schreiben."))
        if form.is_valid():
            try:
                files = [request.FILES["file"]] if request.FILES.get("file") else []
                services.message_send(
                    application=application,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    subject=form.cleaned_data["subject"],
                    audience=form.chosen_audience,
                    files=files,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        for message in errors:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    for message in exc.messages:
                        form.add_error(None, message)
            else:
                next_url = _safe_next(request, form.cleaned_data.get("next", ""))
                if request.htmx:
                    return render(
                        request,
                        "messaging/_thread.html",
                        current.context(sent=True, next_url=next_url),
                    )
                flash.success(request, _("Ihre Nachricht wurde gesendet."))
                return redirect((next_url or request.path) + "#nachrichten")
        next_url = _safe_next(request, request.POST.get("next", ""))
        context = current.context(form=form, next_url=next_url)
        if request.htmx:
            return render(request, "messaging/_thread.html", context)
    else:
        context = current.context(next_url="")
    context["application_url"] = application_url(request.user, application)
    return render(request, "messaging/thread.html", context)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        MessageAttachment.objects.select_related("message__application"),
        pk=attachment_pk,
        message__application_id=pk,
    )
    message = attachment.message
    if not permissions.can_read_message(
        request.user,
        message,
        member_ids=member_municipality_ids(request.user),
        partner_ids=partner_municipality_ids(message.application),
    ):
        raise Http404
    return private_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
