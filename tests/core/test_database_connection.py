"""A process that serves pages keeps its database connection between requests
(``CONN_MAX_AGE`` with ``CONN_HEALTH_CHECKS``, wir_portal/settings/base.py), as gunicorn's
workers do: no new PostgreSQL connection (and backend process) per request."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)  # request_finished must not see an atomic


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _serve(path: str) -> int:
    """Serves ``path`` as the application server does, with Django's request signals (the
    test client switches off the one that closes old connections)."""
    statuses = []
    response = WSGIHandler()(
        RequestFactory().get(path).environ, lambda status, headers: statuses.append(status)
    )
    b"".join(response)
    response.close()  # request_finished: Django closes connections past their age here
    return int(statuses[0].split()[0])


def test_requests_reuse_the_database_connection():
    assert connection.settings_dict["CONN_MAX_AGE"] >= 60
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    before = _backend_pid()
    for _ in range(3):
        assert _serve(reverse("impressum")) == 200
        assert connection.connection is not None, "the connection was closed after the request"
    assert _backend_pid() == before


def test_a_connection_lost_between_requests_is_replaced_without_an_error():
    """The database restarted (or dropped the idle connection) between two requests: the
    health check notices before the next request's first query and connects anew."""
    assert _serve(reverse("healthz_ready")) == 200
    lost = _backend_pid()
    other = connection.Database.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [lost])
        other.commit()
    finally:
        other.close()
    assert _serve(reverse("healthz_ready")) == 200
    assert _backend_pid() != lost
