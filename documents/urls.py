"""The documents' pages, under the same paths as before they moved here (``/antraege/``)."""

from django.urls import path

from . import views
from .bundles import views as bundle_views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/dokumente/", views.document_status, name="documents"),
    path("<int:pk>/dokumente/<str:kind>.pdf", views.document_download, name="document"),
    # PDF bundles of a round for RP Darmstadt
    path("buendel/", bundle_views.bundle_list, name="bundles"),
    path("buendel/neu/<int:round_pk>/", bundle_views.bundle_request, name="bundle_request"),
    path("buendel/<int:pk>/", bundle_views.bundle_status, name="bundle_status"),
    path("buendel/<int:pk>/download/", bundle_views.bundle_download, name="bundle_download"),
]
