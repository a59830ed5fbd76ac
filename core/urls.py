"""Site-wide pages that belong to no app: start page, legal pages, health endpoints. Included
at the root without a namespace (``{% url "home" %}``, ``{% url "impressum" %}``)."""

from django.urls import path

from . import views

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
]
