from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_timeout_config() -> dict:
    """Idle timeout, warning lead time and grace (seconds) for static/js/session-timeout.js."""
    return {
        "idle_seconds": int(settings.WIR_SESSION_IDLE_MINUTES * 60),
        "warning_seconds": int(settings.WIR_SESSION_WARNING_MINUTES * 60),
        # The server stores the time of the last request only to this resolution and so
        # may end the session up to this much after the idle time (never before it): the
        # script reloads the page only after both, to find the session really ended.
        "grace_seconds": max(0, int(settings.WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS)),
        # Whole minutes for the text (a plural form needs an integer): at least one.
        "warning_minutes": max(1, round(settings.WIR_SESSION_WARNING_MINUTES)),
    }
