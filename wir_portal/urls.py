from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("WIR-Portal – Administration")
admin.site.site_title = _("WIR-Portal")
admin.site.index_title = _("Verwaltung")

# 400, 403 and 404 use Django's handlers with the templates 400.html, 403.html and 404.html;
# the 500 page is rendered without a request so that it needs neither database nor Redis.
handler500 = "wir_portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("healthz/live/", views.healthz_live, name="healthz_live"),
    path("healthz/ready/", views.healthz_ready, name="healthz_ready"),
    path("impressum/", views.legal_page, {"page": "impressum"}, name="impressum"),
    path("datenschutz/", views.legal_page, {"page": "datenschutz"}, name="datenschutz"),
    path("anbest-gk/", views.legal_page, {"page": "anbest_gk"}, name="anbest_gk"),
    path(
        "barrierefreiheit/",
        views.legal_page,
        {"page": "barrierefreiheit"},
        name="barrierefreiheit",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("accounts.urls")),
    path("kommunen/", include("municipalities.urls")),
    path("antraege/", include("applications.urls")),
    path("antraege/", include("documents.urls")),
    path("rp/", include("reviews.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - development only
    pass
