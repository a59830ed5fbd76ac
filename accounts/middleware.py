"""Session idle timeout and the two-factor requirement for RP roles."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from core.auth import is_verified

from .permissions import requires_two_factor
from .selectors import has_two_factor

LAST_ACTIVITY_SESSION_KEY = "wir_last_activity"

# Reachable without the second factor: public pages, the way in and out, the two-factor
# pages themselves. Everything else (including the Django admin) needs it when required.
TWO_FACTOR_EXEMPT_URL_NAMES = frozenset(
    {
        "home",
        "healthz",
        "healthz_live",
        "healthz_ready",
        "impressum",
        "datenschutz",
        "barrierefreiheit",
        "set_language",
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:register",
        "accounts:register_done",
        "accounts:register_confirm",
        "accounts:invitation_accept",
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:session_ping",
    }
)


def idle_seconds() -> int:
    return int(settings.WIR_SESSION_IDLE_MINUTES * 60)


def activity_resolution() -> int:
    """How far the stored time of the last request may lag behind the real one (seconds)."""
    return max(0, int(settings.WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS))


def activity_record(session, now: int, *, force: bool = False) -> None:
    """Stores ``now`` as the time of the last request, but only when the stored time is
    more than ``activity_resolution()`` old (or ``force``): a request that changes nothing
    else then does not write the session (no UPDATE of django_session, no transaction).

    So the stored time is at most that many seconds before the real last request, and
    ``SessionIdleTimeoutMiddleware`` adds as many seconds to the idle time: the logout can
    come up to that much later than ``WIR_SESSION_IDLE_MINUTES`` after the last request,
    never earlier (which is what the page's countdown, static/js/session-timeout.js, shows)."""
    last = session.get(LAST_ACTIVITY_SESSION_KEY)
    if force or last is None or now - int(last) > activity_resolution():
        session[LAST_ACTIVITY_SESSION_KEY] = now


class SessionIdleTimeoutMiddleware:
    """Logs out a session that has made no request for ``WIR_SESSION_IDLE_MINUTES``.

    The time of the last request is kept in the session, to the minute
    (``WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS``, see ``activity_record``); the page's script
    (static/js/session-timeout.js) warns shortly before and can ping to stay logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            # The stored time may lag the real last request by up to the resolution: only
            # a session idle for longer than both together has certainly been idle too long.
            if last is not None and now - int(last) > idle_seconds() + activity_resolution():
                logout(request)
                messages.info(
                    request,
                    _(
                        "Sie wurden nach %(minutes)s Minuten ohne Aktivität abgemeldet. "
                        "Bitte melden Sie sich erneut an."
                    )
                    % {"minutes": settings.WIR_SESSION_IDLE_MINUTES},
                )
                if request.method == "GET" and not _is_static(request.path):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('accounts:login')}?{query}")
                return redirect("accounts:login")
            activity_record(request.session, now)
        return self.get_response(request)


def _is_static(path: str) -> bool:
    return path.startswith(settings.STATIC_URL)


def two_factor_pending(user) -> bool:
    """Logged in with the password, but the second factor is still missing although the
    person must (RP roles) or chose to (municipal staff with an app) use it."""
    if not user.is_authenticated or is_verified(user):
        return False
    return requires_two_factor(user) or has_two_factor(user)


def two_factor_redirect_url(user, next_url: str) -> str:
    name = "accounts:two_factor_verify" if has_two_factor(user) else "accounts:two_factor_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class RequireTwoFactorMiddleware:
    """Sends a person who needs a second factor and has not given it to the set-up page
    (no authenticator app yet) or to the code entry, from every page that is not public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not _is_static(request.path)
            and not self._exempt(request)
            and two_factor_pending(user)
        ):
            next_url = request.get_full_path() if request.method == "GET" else "/"
            return redirect(two_factor_redirect_url(user, next_url))
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 reveals nothing
        return match.view_name in TWO_FACTOR_EXEMPT_URL_NAMES
