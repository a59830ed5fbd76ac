"""Site-wide middleware that belongs to no app."""

from __future__ import annotations

from django.utils.cache import get_max_age, patch_cache_control


def is_download(response) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


def mark_private(response):
    """``Cache-Control: private, no-store`` on a response; drops ``public`` and a max-age."""
    extra = {"max_age": 0} if get_max_age(response) else {}
    patch_cache_control(response, private=True, no_store=True, **extra)
    return response


class PrivateNoStoreMiddleware:
    """Marks every response to a logged-in person, and every download, as
    ``Cache-Control: private, no-store``: a shared cache (proxy) must not keep it, and the
    browser must not store it on disk or in its back-forward cache, so that nothing of an
    application, an attachment, a receipt, an export or a bundle can be seen after logout.

    Public pages for anonymous visitors keep whatever their view says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500:
            # Never cached, and the user is not looked up: the database may be what failed.
            return mark_private(response)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or is_download(response):
            mark_private(response)
        return response
