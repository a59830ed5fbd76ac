from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Every generated PDF: receipts, decision letters and the PDF bundles of a round."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Dokumente")
