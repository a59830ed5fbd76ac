import logging
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import accounts.middleware
import accounts.signals
import accounts.views
from accounts.middleware import LAST_ACTIVITY_SESSION_KEY
from accounts.models import LoginEvent, LoginEventKind
from tests.accounts.factories import PASSWORD, login_verified
from tests.factories import (
    ApplicationFactory,
    CaseOfficerFactory,
    MunicipalStaffFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ein-anderes-langes-Passwort-5"


def test_idle_session_is_logged_out_with_a_message(client, settings):
    user = MunicipalStaffFactory()
    login_verified(client, user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    session = client.session
    # The stored time may lag the last request by the resolution: idle for longer than both.
    session[LAST_ACTIVITY_SESSION_KEY] = (
        int(time.time())
        - settings.WIR_SESSION_IDLE_MINUTES * 60
        - settings.WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS
        - 5
    )
    session.save()
    response = client.get(reverse("accounts:profile"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "next=%2Fkonto%2F" in response.redirect_chain[0][0]
    html = response.content.decode()
    assert "ohne Aktivität abgemeldet" in html
    assert not response.context["user"].is_authenticated
    assert LoginEvent.objects.filter(user=user, kind=LoginEventKind.LOGOUT).exists()


def test_activity_and_the_ping_keep_the_session(client, settings):
    login_verified(client, MunicipalStaffFactory())
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = (
        int(time.time()) - settings.WIR_SESSION_IDLE_MINUTES * 60 + 30
    )
    session.save()
    response = client.post(reverse("accounts:session_ping"))
    assert response.status_code == 200 and response.json()["authenticated"] is True
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= int(time.time()) - 2
    assert client.get(reverse("accounts:profile")).status_code == 200


class Clock:
    """Stands in for the ``time`` module of the middleware, the ping view and the login."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, settings):
    settings.WIR_SESSION_IDLE_MINUTES = 30
    settings.WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
    fake = Clock(time.time())
    monkeypatch.setattr(accounts.middleware, "time", fake)
    monkeypatch.setattr(accounts.views, "time", fake)
    monkeypatch.setattr(accounts.signals, "time", fake)
    return fake


def _session_writes(queries) -> list[str]:
    """Writes of the session and transactions (savepoints inside the test's transaction)."""
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and not q["sql"].lstrip().upper().startswith("SELECT")
        or q["sql"].upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_a_page_that_changes_nothing_writes_no_session(client, settings):
    """A logged-in GET of a static page and of a list page: no UPDATE or INSERT of the
    session, no transaction (it was BEGIN / UPDATE django_session / COMMIT on each). The
    login stored the time of the last activity, so even the first page writes nothing."""
    settings.WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS = 60  # the default outside the tests
    application = ApplicationFactory()
    login_verified(client, staff_for(application.lead_municipality))
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= int(time.time()) - 5
    pages = [reverse("impressum"), reverse("applications:list")]
    for url in pages * 2:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert application.title in response.content.decode() or url == pages[0]
        assert _session_writes(captured.captured_queries) == [], url


def test_no_session_write_for_a_case_officer_or_an_anonymous_visitor(client, settings):
    """With the second factor (django-otp), messages, axes and the locale middleware in the
    chain: a case officer's list of rounds and a visitor's static page write nothing."""
    settings.WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
    visitor = Client()
    login_verified(client, CaseOfficerFactory())
    for c, url in [(client, reverse("reviews:index")), (visitor, reverse("impressum"))] * 2:
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url).status_code == 200
        assert _session_writes(captured.captured_queries) == [], url


def test_activity_within_the_minute_counts_and_the_logout_is_never_early(client, clock):
    idle = 30 * 60
    login_verified(client, MunicipalStaffFactory())
    page = reverse("accounts:profile")
    start = clock.now
    assert client.get(page).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] == int(start)

    # Within the minute: the page is served, the stored time stays (no write).
    clock.now = start + 50
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page).status_code == 200
    assert _session_writes(captured.captured_queries) == []
    assert client.session[LAST_ACTIVITY_SESSION_KEY] == int(start)

    # Exactly the idle time after that request (the page promised no logout before): still
    # logged in, although the stored time is 50 s older. This request moves the stored time.
    clock.now = start + 50 + idle
    assert client.get(page).status_code == 200
    assert client.session[LAST_ACTIVITY_SESSION_KEY] == int(start + 50 + idle)


def test_the_idle_logout_comes_at_most_the_resolution_late(client, clock):
    idle = 30 * 60
    login_verified(client, MunicipalStaffFactory())
    page = reverse("accounts:profile")
    start = clock.now
    assert client.get(page).status_code == 200
    clock.now = start + 59
    assert client.get(page).status_code == 200  # the last activity, not stored
    # Idle for the idle time and a minute after the last request: logged out.
    clock.now = start + 59 + idle + 61
    response = client.get(page)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client.get(page).status_code == 302


def test_the_ping_stores_the_time_even_within_the_minute(client, clock):
    idle = 30 * 60
    login_verified(client, MunicipalStaffFactory())
    start = clock.now
    assert client.get(reverse("accounts:profile")).status_code == 200
    clock.now = start + 20
    response = client.post(reverse("accounts:session_ping"))
    assert response.status_code == 200
    assert response.json() == {
        "authenticated": True,
        "idle_seconds": idle,
        "grace_seconds": 60,
        "last_activity": int(start + 20),
    }
    assert client.session[LAST_ACTIVITY_SESSION_KEY] == int(start + 20)
    # The ping extended the session: idle + resolution after the first request (when it
    # would have ended without the ping) the person is still logged in.
    clock.now = start + 20 + idle + 60
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_pages_carry_the_warning_configuration_for_the_script(client, settings):
    settings.WIR_SESSION_IDLE_MINUTES = 30
    settings.WIR_SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
    login_verified(client, MunicipalStaffFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-idle-seconds="1800"' in html and 'data-warning-seconds="120"' in html
    assert 'data-grace-seconds="60"' in html
    assert "Ihre Sitzung läuft in 2 Minuten ab" in html
    assert "js/session-timeout.js" in html
    assert "session-timeout" not in Client().get(reverse("home")).content.decode()


def test_password_change_keeps_this_session_and_ends_the_others(client):
    user = MunicipalStaffFactory()
    other = Client()
    for c in (client, other):
        assert (
            c.post(
                reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
            ).status_code
            == 302
        )
    assert other.get(reverse("accounts:profile")).status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    response = other.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_applies_the_rules(client):
    user = MunicipalStaffFactory()
    login_verified(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "kurz", "new_password2": "kurz"},
    )
    assert response.status_code == 200 and "zu kurz" in response.content.decode()


def test_login_logout_and_failures_are_recorded_with_ip_and_browser(client):
    user = MunicipalStaffFactory(email="lea@x.example")
    meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Testbrowser/1.0"}
    client.post(
        reverse("accounts:login"), {"username": user.email, "password": "falsch-falsch"}, **meta
    )
    client.post(
        reverse("accounts:login"), {"username": "niemand@x.example", "password": "x"}, **meta
    )
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, **meta)
    client.post(reverse("accounts:logout"), **meta)
    events = list(LoginEvent.objects.order_by("created_at", "id"))
    assert [e.kind for e in events] == [
        LoginEventKind.LOGIN_FAILED, LoginEventKind.LOGIN_FAILED,
        LoginEventKind.LOGIN, LoginEventKind.LOGOUT,
    ]  # fmt: skip
    assert [e.user for e in events] == [user, None, user, user]
    assert events[1].email == "niemand@x.example"
    assert all(e.ip_address == "203.0.113.7" for e in events)
    assert all(e.user_agent == "Testbrowser/1.0" for e in events)


def test_login_events_are_read_only_in_the_django_admin(client):
    from tests.factories import AdminFactory

    login_verified(client, AdminFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:accounts_loginevent_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_loginevent_add")).status_code == 403


def test_no_password_in_any_log(client, caplog):
    secret = "Mein-Geheimes-Passwort-4711"
    user = MunicipalStaffFactory(email="log@x.example")
    caplog.set_level(logging.DEBUG)
    for _ in range(6):  # until django-axes locks the account, which it logs
        client.post(reverse("accounts:login"), {"username": user.email, "password": secret})
    client.post(reverse("accounts:login"), {"username": "unbekannt@x.example", "password": secret})
    client.post(
        reverse("accounts:register"),
        {"email": "neu@x.example", "full_name": "Neu", "password1": secret, "password2": "x"},
    )
    assert caplog.records, "expected some log output to inspect"
    text = "\n".join(
        f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')!r} {r.__dict__!r}"
        for r in caplog.records
    )
    assert secret not in text
    # Nor in the stored events.
    assert not LoginEvent.objects.filter(email__contains=secret).exists()
    assert not LoginEvent.objects.filter(user_agent__contains=secret).exists()
