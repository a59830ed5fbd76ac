from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Grundfunktionen")

    def ready(self) -> None:
        from . import outbox

        outbox.connect_signals()
