"""Mounted under ``postfach/`` (namespace ``messaging``)."""

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.mailbox, name="mailbox"),
    path("antraege/<int:pk>/", views.thread, name="thread"),
    path(
        "antraege/<int:pk>/anlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
