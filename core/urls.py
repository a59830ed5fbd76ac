"""Site-wide pages that belong to no app: start page and health endpoints. Included at the
root without a namespace (``{% url "home" %}``); the legal pages are in ``pages.urls``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("healthz/live/", views.healthz_live, name="healthz_live"),
    path("healthz/ready/", views.healthz_ready, name="healthz_ready"),
]
