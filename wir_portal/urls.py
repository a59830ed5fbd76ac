from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("WIR-Portal – Administration")
admin.site.site_title = _("WIR-Portal")
admin.site.index_title = _("Verwaltung")

# 400, 403 and 404 use Django's handlers with the templates 400.html, 403.html and 404.html;
# the 500 page is rendered without a request so that it needs neither database nor Redis.
handler500 = "core.views.server_error"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("pages.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("accounts.urls")),
    path("kommunen/", include("municipalities.urls")),
    path("antraege/", include("applications.urls")),
    path("antraege/", include("documents.urls")),
    path("rp/", include("reviews.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("postfach/", include("messaging.urls")),
    path("", include("reports.urls")),
    path("", include("grants.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - development only
    pass
