"""Who is trying to log in, as django-axes counts it (SECURITY.md, "Anmeldesperren").

- The client's address: ``REMOTE_ADDR``, or, behind ``WIR_TRUSTED_PROXY_COUNT`` reverse
  proxies, the address the outermost trusted proxy wrote into ``X-Forwarded-For`` (entries
  further left were sent by the client and can be forged).
- The account name: the typed e-mail address, trimmed and in lower case, as the login does.
- Two locks: ``AXES_FAILURE_LIMIT`` failures lock the pair (account, address) only, so
  nobody locks someone else's account from another address; ``WIR_LOGIN_FAILURE_LIMIT_PER_
  ADDRESS`` failures from one address against any accounts lock that address."""

from __future__ import annotations

from ipaddress import ip_address

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

PAIR = ("username", "ip_address")
ADDRESS = "ip_address"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE; also recorded in LoginEvent)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.WIR_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if forwarded:
            candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
            if _valid(candidate):
                return candidate
    return remote if _valid(remote) else None


def _valid(value: str | None) -> bool:
    try:
        ip_address(value or "")
    except ValueError:
        return False
    return True


def username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: "Anna@X.example " and "anna@x.example" are one account."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return value.strip().lower() if isinstance(value, str) else value


class LoginLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per lockout parameter: the pair
    (account, address) locks at AXES_FAILURE_LIMIT, one address alone at
    WIR_LOGIN_FAILURE_LIMIT_PER_ADDRESS (higher: many people may share an address)."""

    def get_failures(self, request, credentials=None) -> int:
        pair_limit = settings.AXES_FAILURE_LIMIT
        worst = 0
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == ADDRESS:
                # Reported on the pair's scale, so that axes' one comparison with
                # AXES_FAILURE_LIMIT applies the per-address limit.
                locked = failures >= settings.WIR_LOGIN_FAILURE_LIMIT_PER_ADDRESS
                failures = pair_limit if locked else min(failures, pair_limit - 1)
            worst = max(worst, failures)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful login only the pair's failures are forgotten: logging in to
        one's own account must not reset the count of the address against others."""
        count = 0
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.filter_user_attempts(request, credentials),
            strict=True,
        ):
            if parameter != ADDRESS:
                count += attempts.delete()[0]
        return count
