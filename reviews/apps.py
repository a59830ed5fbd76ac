from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from applications.events import event_types


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = _("Bewertung")

    def ready(self) -> None:
        # Models cannot be imported before the app registry is ready, hence here.
        from .models import ReviewEvent

        # The (internal) events this app writes on an application's timeline.
        event_types.register(ReviewEvent)
