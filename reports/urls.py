"""Mounted at the root (namespace ``reports``): the municipality's pages under
``nachweise/`` and RP Darmstadt's under ``rp/nachweise/``."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    # The municipality (and whoever sees the application)
    path("antraege/<int:pk>/nachweise/", views.grant_reports, name="grant_reports"),
    path("antraege/<int:pk>/nachweise/oeffnen/", views.report_open, name="open"),
    path("nachweise/<int:pk>/", views.detail, name="detail"),
    path("nachweise/<int:pk>/sachbericht/", views.factual, name="factual"),
    path("nachweise/<int:pk>/zahlen/", views.numbers, name="numbers"),
    path("nachweise/<int:pk>/belege/", views.receipts, name="receipts"),
    path(
        "nachweise/<int:pk>/belege/<int:line_pk>/entfernen/",
        views.receipt_remove,
        name="receipt_remove",
    ),
    path("nachweise/<int:pk>/anlagen/", views.attachments, name="attachments"),
    path(
        "nachweise/<int:pk>/anlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "nachweise/<int:pk>/anlagen/<int:attachment_pk>/entfernen/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("nachweise/<int:pk>/pruefen/", views.check, name="check"),
    # RP Darmstadt
    path("rp/nachweise/", views.queue, name="queue"),
    path("rp/nachweise/<int:pk>/", views.review, name="review"),
    path("rp/nachweise/<int:pk>/beginnen/", views.start_check, name="start_check"),
    path("rp/nachweise/<int:pk>/nachforderung/", views.request_items, name="request_items"),
    path("rp/nachweise/<int:pk>/abschluss/", views.settle, name="settle"),
]
