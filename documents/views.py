"""Downloads of an application's generated documents (receipts, decision letters) and the
documents box that polls until a receipt is there. Whoever may see the application may
download its documents."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from applications.models import Application
from core.storage import private_download

from .models import GeneratedDocument
from .selectors import documents_box


def private_file_response(file: FieldFile, filename: str) -> HttpResponse:
    """A private PDF as a download, streamed from the storage (``core.storage``)."""
    return private_download(file, filename=filename, content_type="application/pdf")


def _visible_application(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it, else 404 (never reveal that it exists)."""
    return get_object_or_404(
        Application.objects.visible_to(request.user).with_related().with_totals(), pk=pk
    )


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    application = _visible_application(request, pk)
    documents = GeneratedDocument.objects.filter(application=application, kind=kind)
    version = request.GET.get("fassung", "")
    if version.isascii() and version.isdigit() and len(version) <= 4:
        documents = documents.filter(version=int(version))
    document = documents.order_by("-version").first()
    if document is None:
        raise Http404
    return private_file_response(document.file, document.filename)


@login_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx partial: the documents box, polled until the receipt exists."""
    application = _visible_application(request, pk)
    return render(
        request,
        "documents/_documents.html",
        {"application": application, **documents_box(application)},
    )
