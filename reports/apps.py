from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from applications.events import event_types


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Verwendungsnachweise")

    def ready(self) -> None:
        # Models cannot be imported before the app registry is ready, hence here.
        from grants.due import register_done

        from . import notifications
        from .models import ReportEvent
        from .selectors import filed_report_keys

        # The events this app writes on an application's timeline, and the notifications
        # they cause (delivered by the notifications app after the commit).
        event_types.register(ReportEvent)
        notifications.register()
        # A filed report is no longer due in grants' lists and reminders.
        register_done(filed_report_keys)
