"""Security headers on every page a person can open without logging in."""

import pytest
from django.urls import reverse

from . import matrix

PUBLIC = sorted(
    name for name, entry in matrix.MATRIX.items() if entry.get[matrix.ANONYMOUS] == matrix.OK
)


def test_there_are_public_pages():
    assert {"home", "accounts:login", "accounts:register"} <= set(PUBLIC)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC)
def test_security_headers(client, world, name):
    entry = matrix.MATRIX[name]
    response = client.get(reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["object-src"] == "object-src 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if response["Content-Type"].startswith("text/html"):
        assert "<script>" not in response.content.decode()  # no inline scripts


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only_and_same_site(client):
    from tests.accounts.factories import PASSWORD
    from tests.factories import MunicipalStaffFactory

    user = MunicipalStaffFactory()
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
