"""WIR_SITE_URL: the absolute address of the portal in every e-mail link (issue 9.8)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

ROOT = Path(__file__).resolve().parent.parent.parent
SITE = "https://wir-portal.example.hessen.de"


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _load_production_settings(extra: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter with only ``extra`` set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "WIR_", "EMAIL_", "DEFAULT_FROM"))
    }
    env.update(DJANGO_SETTINGS_MODULE="wir_portal.settings.production", **extra)
    code = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.WIR_SITE_URL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_the_site_url():
    result = _load_production_settings(
        {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "wir-portal.example.hessen.de"}
    )
    assert result.returncode != 0, result.stdout
    assert "WIR_SITE_URL" in result.stderr


def test_production_refuses_a_site_url_that_is_not_an_absolute_address():
    result = _load_production_settings(
        {
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "wir-portal.example.hessen.de",
            "WIR_SITE_URL": "wir-portal.example.hessen.de",
        }
    )
    assert result.returncode != 0, result.stdout
    assert "WIR_SITE_URL" in result.stderr


def test_env_example_gives_production_its_site_url():
    example = _env_example()
    assert example["WIR_SITE_URL"].startswith("https://")
    result = _load_production_settings(example)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == example["WIR_SITE_URL"].rstrip("/")


def test_readme_lists_the_site_url_setting():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^\| `WIR_SITE_URL` \|", readme, re.MULTILINE)


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_compose_passes_the_site_url_to_web_and_worker():
    result = subprocess.run(
        ["docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    site = _env_example()["WIR_SITE_URL"]
    # Once in the web service's environment and once in the worker's.
    assert result.stdout.count(f"WIR_SITE_URL: {site}") >= 2, result.stdout


@pytest.mark.django_db
def test_e_mail_links_use_the_configured_site_url(settings):
    from applications.models import EventAction
    from applications.services.base import record_event
    from notifications.services import deliver_event
    from tests.factories import ApplicationPartnerFactory, staff_for

    settings.WIR_SITE_URL = SITE
    partner = ApplicationPartnerFactory()
    staff_for(partner.municipality)
    mail.outbox = []
    event = record_event(
        partner.application,
        None,
        EventAction.PARTNER_ADDED,
        data={"municipality": partner.municipality_id},
    )
    deliver_event(event.pk)
    assert len(mail.outbox) == 1
    links = re.findall(r"https?://\S+", mail.outbox[0].body)
    assert links and all(link.startswith(f"{SITE}/") for link in links)
    assert "127.0.0.1" not in mail.outbox[0].body
