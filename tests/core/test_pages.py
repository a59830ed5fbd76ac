import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["home", "impressum", "datenschutz", "barrierefreiheit", "accounts:login"]


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_have_one_h1_a_skip_link_and_landmarks(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html


@pytest.mark.parametrize("name", PAGES)
def test_security_headers_on_every_page(client, name):
    response = client.get(reverse(name))
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_nothing_is_loaded_from_a_third_party_host(client):
    html = client.get(reverse("home")).content.decode()
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"}, follow=True)
    assert "Zum Inhalt springen" in response.content.decode()


def test_deploy_check_has_no_warnings(monkeypatch):
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "wir_portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "k3Y!-long-and-random-enough-for-the-check-0123456789",
        "DJANGO_ALLOWED_HOSTS": "wir-portal.example.hessen.de",
        "WIR_SITE_URL": "https://wir-portal.example.hessen.de",
    }
    import os

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is no part of a deployment.
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
