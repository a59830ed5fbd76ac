"""When a request reached the portal, for time limits that must be judged by its arrival.

A submission sent before the deadline must be accepted even if, under a rush, it waits for a
database lock or a free worker thread until after the deadline (issue 10.8). The first
middleware stamps ``request.arrived_at`` with the server's clock before anything else runs
(sessions, authentication, CSRF); ``arrival_time(request)`` reads it.

What "arrival" means: the moment Django receives the request from the application server.
Time a request spends queued in front of Django (in the reverse proxy or in gunicorn's
backlog, waiting for a free worker) is not included; keep that queue short with enough
workers or threads for the last hours before a deadline (see README, "Antragsfrist").

The arrival time is never taken from anything the client sends (no header such as
``X-Request-Start`` is trusted): it is an attribute set here, on the server.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

ARRIVAL_ATTRIBUTE = "arrived_at"


class ArrivalTimeMiddleware:
    """Must be the first entry of ``MIDDLEWARE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, ARRIVAL_ATTRIBUTE, timezone.now())
        return self.get_response(request)


def arrival_time(request) -> dt.datetime | None:
    """When ``request`` reached Django (set by ``ArrivalTimeMiddleware``), or None when the
    middleware did not run (then the service judges by the time of processing)."""
    value = getattr(request, ARRIVAL_ATTRIBUTE, None)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value
    return None
