from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .events import event_types
from .workflow import Action


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "applications"
    verbose_name = _("Anträge")

    def ready(self) -> None:
        # Models cannot be imported before the app registry is ready, hence here.
        from .models import EventAction

        # The events this app writes: workflow transitions and the other changes.
        event_types.register(Action)
        event_types.register(EventAction)
