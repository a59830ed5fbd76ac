from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from applications.events import event_types


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = _("Zuwendungen")

    def ready(self) -> None:
        from . import services  # noqa: F401  (registers the transition hooks)
        from .workflow import GrantAction

        # Every action on a grant and its objects is an event on the application's timeline.
        event_types.register(GrantAction)
