from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_timeout_config() -> dict:
    """Idle timeout and warning lead time (seconds) for static/js/session-timeout.js."""
    return {
        "idle_seconds": int(settings.WIR_SESSION_IDLE_MINUTES * 60),
        "warning_seconds": int(settings.WIR_SESSION_WARNING_MINUTES * 60),
        # Whole minutes for the text (a plural form needs an integer): at least one.
        "warning_minutes": max(1, round(settings.WIR_SESSION_WARNING_MINUTES)),
    }
