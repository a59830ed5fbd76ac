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
        from django.db.models.signals import post_save

        from municipalities.models import Municipality
        from municipalities.signals import municipality_names_changed
        from questionnaires.registry import (
            register_attachment_kinds,
            register_reserved_keys,
            register_round_attachment_kinds,
        )

        from .calls import question_set_attachment_kinds
        from .models import Application, AttachmentKind, EventAction, Section
        from .search import on_municipality_names_changed, on_municipality_saved

        # The events this app writes: workflow transitions and the other changes.
        event_types.register(Action)
        event_types.register(EventAction)
        # Renamed municipalities: the search vectors of their applications (search.py).
        municipality_names_changed.connect(
            on_municipality_names_changed, dispatch_uid="applications.search.names_changed"
        )
        post_save.connect(
            on_municipality_saved, sender=Municipality, dispatch_uid="applications.search.saved"
        )
        # Question sets (questionnaires, below this app): the kinds of attachment a question
        # may ask for, and the keys answers may not take (the application's own names).
        register_attachment_kinds(AttachmentKind.choices)
        register_round_attachment_kinds(question_set_attachment_kinds)
        register_reserved_keys(
            [f.name for f in Application._meta.get_fields()] + [*Section.values, "eligibility"]
        )
