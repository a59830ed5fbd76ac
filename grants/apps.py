from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from applications.events import event_types


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = _("Zuwendungen")

    def ready(self) -> None:
        from applications.events import event_listeners
        from applications.workflow import Action
        from notifications.catalogue import catalogue

        from . import services  # registers the transition hooks
        from .notification_types import TYPES
        from .workflow import GrantAction

        # Every action on a grant and its objects is an event on the application's timeline.
        event_types.register(GrantAction)
        for ntype in TYPES:
            catalogue.register(ntype)

        def grant_on_approval(event) -> None:
            """The grant of an approval, right after the decision's commit (the periodic task
            and the first visit of the grant's page create it too, should this fail)."""
            services.grant_ensure(event.application_id, now=event.created_at)

        event_listeners.register(grant_on_approval, wants=lambda e: e.action == Action.APPROVE)
