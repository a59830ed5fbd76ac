"""Issue 16.3 in the browser: the legal and information pages, the feedback form in its error
and success states and the sign-language page with its player pass axe-core, at 1,280 and at
320 CSS pixels, and are reached from the start page."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "/impressum/": "Impressum",
    "/datenschutz/": "Datenschutzerklärung",
    "/barrierefreiheit/": "Erklärung zur Barrierefreiheit",
    "/leichte-sprache/": "Informationen in Leichter Sprache",
    "/gebaerdensprache/": "Informationen in Deutscher Gebärdensprache",
    "/anbest-gk/": "Allgemeine Nebenbestimmungen für Zuwendungen an Gemeinden (ANBest-GK)",
}
WIDTHS = (1280, 320)


@pytest.fixture
def texts():
    """The default texts (a transactional test starts from an emptied database)."""
    migration = importlib.import_module("pages.migrations.0002_default_texts")
    migration.create(apps, None)


@pytest.fixture
def video(texts):
    from django.core.files.base import ContentFile

    from pages.models import SignLanguageVideo

    video = SignLanguageVideo(
        title="Das WIR-Portal in Deutscher Gebärdensprache",
        transcript="Willkommen im WIR-Portal.\n\nHier beantragen Kommunen Fördermittel.",
    )
    video.video.save("dgs.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    video.captions.save("dgs.vtt", ContentFile(b"WEBVTT\n"), save=False)
    video.save()
    return video


def no_horizontal_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_legal_and_information_page_is_accessible(page, video, width):
    page.set_viewport_size({"width": width, "height": 900})
    for path, heading in PAGES.items():
        page.goto(path)
        assert page.locator("h1").inner_text() == heading
        assert_no_axe_violations(page, f"{path} at {width} px")
        assert no_horizontal_scrolling(page), f"{path} scrolls sideways at {width} px"


def test_sign_language_page_has_a_player_with_controls_captions_and_transcript(page, video):
    page.goto("/")
    page.get_by_role("link", name="Informationen in Deutscher Gebärdensprache").click()
    player = page.locator("video")
    assert player.get_attribute("controls") is not None
    assert page.locator("video track[kind=captions]").count() == 1
    assert page.get_by_role("heading", name="Transkript des Videos").is_visible()
    assert "Hier beantragen Kommunen Fördermittel." in page.locator(".wir-transcript").inner_text()


def test_leichte_sprache_is_linked_from_start_page_and_footer(page, texts):
    page.goto("/")
    # The start page ("Informationen in Leichter Sprache") and the footer ("Leichte Sprache").
    assert page.locator("a[href='/leichte-sprache/']").count() == 2
    assert page.locator("a[href='/gebaerdensprache/']").count() == 2
    page.get_by_role("link", name="Leichte Sprache", exact=True).click()
    assert page.locator("h1").inner_text() == "Informationen in Leichter Sprache"


@pytest.mark.parametrize("width", WIDTHS)
def test_feedback_form_in_its_error_and_success_states(page, texts, width, mailoutbox):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    page.get_by_role("link", name="Eine Barriere melden").click()
    page.get_by_role("button", name="Rückmeldung senden").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "Bitte geben Sie Ihre E-Mail-Adresse an." in body
    assert "Bitte beschreiben Sie die Barriere." in body
    assert_no_axe_violations(page, f"feedback form with errors at {width} px")
    assert no_horizontal_scrolling(page)
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Beschreibung der Barriere").fill(
        "Die Tabelle der Kostenpositionen ist mit dem Screenreader schwer zu lesen."
    )
    page.get_by_role("button", name="Rückmeldung senden").click()
    page.wait_for_load_state()
    assert "Ihre Rückmeldung ist eingegangen" in page.locator("main").inner_text()
    assert_no_axe_violations(page, f"feedback sent at {width} px")
