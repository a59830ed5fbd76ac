"""The legal and information pages, at the root without a namespace (``{% url "impressum" %}``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.datenschutz, name="datenschutz"),
    path("barrierefreiheit/", views.barrierefreiheit, name="barrierefreiheit"),
    path("leichte-sprache/", views.leichte_sprache, name="leichte_sprache"),
    path("gebaerdensprache/", views.gebaerdensprache, name="gebaerdensprache"),
    path(
        "gebaerdensprache/<int:pk>/video/",
        views.sign_language_file,
        {"kind": "video"},
        name="sign_language_video",
    ),
    path(
        "gebaerdensprache/<int:pk>/untertitel/",
        views.sign_language_file,
        {"kind": "captions"},
        name="sign_language_captions",
    ),
    path("anbest-gk/", views.anbest_gk, name="anbest_gk"),
]
