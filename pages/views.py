"""The legal and information pages: Impressum, Datenschutzerklärung, Erklärung zur
Barrierefreiheit with its feedback form, Leichte Sprache, Gebärdensprache, ANBest-GK. Open to
everyone; the texts come from ``LegalPage`` (editable in the admin)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import FeedbackForm
from .models import LegalPage, PageSlug, SignLanguageVideo
from .rendering import render_markdown
from .services import feedback_allowed, feedback_submit


def _page(slug: str) -> dict:
    page = LegalPage.objects.filter(slug=slug).first()
    return {
        "page": page,
        "page_title": page.title if page else PageSlug(slug).label,
        "body": render_markdown(page.body) if page else "",
        "settings_dpo": settings.WIR_DATA_PROTECTION_OFFICER,
    }


def impressum(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/legal_page.html", _page(PageSlug.IMPRESSUM))


def datenschutz(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/datenschutz.html", _page(PageSlug.DATENSCHUTZ))


def leichte_sprache(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/legal_page.html", _page(PageSlug.LEICHTE_SPRACHE))


def gebaerdensprache(request: HttpRequest) -> HttpResponse:
    context = _page(PageSlug.GEBAERDENSPRACHE)
    context["video"] = SignLanguageVideo.objects.filter(active=True).first()
    return render(request, "pages/gebaerdensprache.html", context)


CONTENT_TYPES = {
    "video": {"mp4": "video/mp4", "webm": "video/webm"},
    "captions": {"vtt": "text/vtt"},
}


@require_GET
def sign_language_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The video or captions file of an active sign-language video, inline (for the player)."""
    video = get_object_or_404(SignLanguageVideo, pk=pk, active=True)
    file = video.video if kind == "video" else video.captions
    extension = file.name.rsplit(".", 1)[-1].lower() if file else ""
    content_type = CONTENT_TYPES[kind].get(extension)
    if content_type is None:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def anbest_gk(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/anbest_gk.html")


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@require_http_methods(["GET", "POST"])
def barrierefreiheit(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None)
    status = 200  # a form with errors comes back with them, as everywhere in the portal
    if request.method == "POST" and form.is_valid():
        if not feedback_allowed(_client(request)):
            form.add_error(
                None,
                _(
                    "Sie haben in kurzer Zeit viele Rückmeldungen gesendet. Bitte versuchen "
                    "Sie es in einer Stunde erneut oder schreiben Sie uns eine E-Mail."
                ),
            )
            status = 429
        else:
            data = form.cleaned_data
            feedback_submit(
                name=data["name"],
                email=data["email"],
                page_url=data["page_url"],
                message=data["message"],
            )
            messages.success(
                request,
                _(
                    "Vielen Dank. Ihre Rückmeldung ist eingegangen; eine Bestätigung ist an "
                    "Ihre E-Mail-Adresse unterwegs."
                ),
            )
            return redirect("barrierefreiheit")
    context = _page(PageSlug.BARRIEREFREIHEIT)
    context["form"] = form
    context["feedback_email"] = settings.WIR_ACCESSIBILITY_FEEDBACK_EMAIL
    return render(request, "pages/barrierefreiheit.html", context, status=status)
