"""Private files in the configured storage (the MEDIA_ROOT folder, or an S3-compatible object
store, ``settings.STORAGES["default"]``): the response of a permission-checked download view,
streamed from the storage or, if so configured, a redirect to a short-lived signed URL."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def has_local_path(storage: Storage) -> bool:
    """Does the storage keep its files in a local folder (``storage.path`` works)?"""
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def private_download(file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    """The download of a private file, for a view that has checked permission. The file is
    streamed from the storage in chunks (never read whole into memory); a file missing from
    the storage is a 404, not a 500. With ``WIR_STORAGE_SIGNED_REDIRECT`` and an object
    store, the answer is instead a redirect to a signed URL of the object that expires after
    ``WIR_STORAGE_SIGNED_SECONDS`` and makes the browser save it under ``filename``."""
    storage, name = file.storage, file.name
    if not name:
        raise Http404
    if settings.WIR_STORAGE_SIGNED_REDIRECT and not has_local_path(storage):
        if not storage.exists(name):
            raise Http404
        url = storage.url(
            name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": content_type,
            },
            expire=settings.WIR_STORAGE_SIGNED_SECONDS,
        )
        return HttpResponseRedirect(url)
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    size = None
    obj = getattr(handle, "obj", None)  # django-storages' S3File: stream the object's body
    if obj is not None:
        got = obj.get()
        handle, size = got["Body"], got["ContentLength"]
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    if size is not None:
        response["Content-Length"] = str(size)
    return response
