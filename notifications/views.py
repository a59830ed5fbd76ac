"""Pages of the notifications app: the person's notifications, opening one (marks it read),
marking all read, and the preferences. Each person sees only their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import selectors, services
from .forms import PreferencesForm

PAGE_SIZE = 25


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.user_notifications(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "unread": selectors.request_unread_count(request),
        },
    )


@login_required
@require_safe
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.notification_open(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("Alle Benachrichtigungen sind als gelesen markiert."))
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preference_rows(request.user)
    initial = {row["type"].kind: row["delivery"] for row in rows}
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, initial_choices=initial
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Ihre Einstellungen sind gespeichert."))
        return redirect("notifications:preferences")
    fixed = [row["type"] for row in rows if row["type"].legally_relevant]
    return render(request, "notifications/preferences.html", {"form": form, "fixed": fixed})
