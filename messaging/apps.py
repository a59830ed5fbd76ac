from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from applications.events import event_types


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = _("Postfach")

    def ready(self) -> None:
        # Models cannot be imported before the app registry is ready, hence here.
        from . import privacy  # noqa: F401 - registers the data export of messages
        from .models import MessageEvent

        # The (public) event of every message sent, on the application's timeline.
        event_types.register(MessageEvent)
