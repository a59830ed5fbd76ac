"""Error pages in the portal's layout and in German (issue 10.10), with DEBUG off as in
production: a missing page, a refused page with the refusal's own text, a failed CSRF check,
a malformed request, and a server error while the database is unreachable."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MunicipalityFactory, staff_for


def assert_portal_layout(html: str, *, lang: str = "de") -> None:
    assert f'<html lang="{lang}">' in html
    assert "<header" in html and "<footer" in html and 'id="main"' in html
    assert "kern.min.css" in html
    assert html.count("<h1") == 1
    for english in ("Not Found", "Server Error", "Forbidden", "Bad Request"):
        assert english not in html


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_missing_page_is_german_in_the_portal_layout(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_portal_layout(html)
    assert "Seite nicht gefunden" in html
    assert reverse("home") in html


@pytest.mark.django_db
def test_missing_page_in_english_keeps_the_layout(client):
    client.cookies["django_language"] = "en"
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert_portal_layout(response.content.decode(), lang="en")


@pytest.mark.django_db
def test_refused_page_shows_the_german_reason_given_to_permission_denied(client):
    staff = staff_for(MunicipalityFactory())
    client.force_login(staff)
    response = client.get(reverse("documents:bundles"))
    assert response.status_code == 403
    html = response.content.decode()
    assert_portal_layout(html)
    assert "Zugriff verweigert" in html
    assert "Antragsbündel können nur RP Darmstadt und Administration." in html
    # The person stays logged in on the error page: the layout shows who they are.
    assert "Abmelden" in html


@pytest.mark.django_db
def test_csrf_failure_is_explained_in_german(client):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        reverse("accounts:login"), {"username": "a@b.example", "password": "x"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert_portal_layout(html)
    assert "Formular nicht angenommen" in html
    assert "laden Sie die Seite neu" in html
    assert "CSRF" not in html


@pytest.mark.django_db
def test_malformed_request_is_german_in_the_portal_layout(client):
    response = client.get(reverse("home"), HTTP_HOST="nicht-erlaubt.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert_portal_layout(html)
    assert "Ungültige Anfrage" in html


@pytest.mark.parametrize("with_session", [False, True], ids=["anonymous", "with-session-cookie"])
def test_server_error_page_renders_while_the_database_is_down(database_down, with_session):
    client = Client(raise_request_exception=False)
    if with_session:
        # A person who was logged in: their session cannot be read either.
        client.cookies["sessionid"] = "k" * 32
    # The municipality register reads the database, which is down.
    response = client.get(reverse("municipalities:list"))
    assert response.status_code == 500
    html = response.content.decode()
    assert_portal_layout(html)
    assert "Technischer Fehler" in html
    assert "Bitte versuchen Sie es in einigen Minuten erneut" in html
    assert "Anmelden" not in html  # no login button that would only fail again
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
