from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self) -> None:
        from applications.events import event_listeners

        from .catalogue import catalogue
        from .services import event_wanted, on_event_recorded
        from .types import TYPES

        for ntype in TYPES:
            catalogue.register(ntype)
        event_listeners.register(on_event_recorded, wants=event_wanted)
        self._wire_messaging()

    @staticmethod
    def _wire_messaging() -> None:
        """The readers of a message come from ``messaging.selectors.message_recipients``
        (contract 1), once that app provides it."""
        from .catalogue import recipient_resolvers
        from .types import MESSAGE_SENT

        try:
            from messaging.selectors import message_recipients
        except ImportError:  # not built yet (merged with the Postfach)
            return
        from django.apps import apps

        def readers(event):
            message = (
                apps.get_model("messaging", "Message")
                .objects.filter(pk=(event.data or {}).get("message_id"))
                .first()
            )
            return [] if message is None else message_recipients(message)

        recipient_resolvers.register(MESSAGE_SENT, readers)
