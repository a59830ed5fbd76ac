"""Issue 16.3: the legal and information pages, editable by admins, and the feedback form of
the accessibility statement (stored, mailed to the office and to the sender once each)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from pages.models import AccessibilityFeedback, LegalPage, SignLanguageVideo
from pages.rendering import render_markdown
from pages.services import FEEDBACK_PER_HOUR
from tests.accounts.factories import login_verified
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "impressum": "Regierungspräsidium Darmstadt",
    "datenschutz": "Der Hessische Beauftragte für Datenschutz und Informationsfreiheit",
    "barrierefreiheit": "Durchsetzungsverfahren",
    "leichte_sprache": "Das WIR-Portal ist eine Internet-Seite.",
    "gebaerdensprache": "Deutscher Gebärdensprache",
    "anbest_gk": "ANBest-GK",
}
VALID = {
    "name": "Erika Muster",
    "email": "erika@example.org",
    "page_url": "/antraege/",
    "message": "Der Knopf zum Speichern ist mit der Tastatur nicht erreichbar.",
}


@pytest.mark.parametrize("name, text", PAGES.items())
def test_pages_render_for_anonymous_users(client, name, text):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert text in " ".join(response.content.decode().split())


def test_privacy_page_names_purposes_retention_rights_and_the_officer(client, settings):
    settings.WIR_DATA_PROTECTION_OFFICER = "Frau Daten, dsb@example.org"
    html = " ".join(client.get(reverse("datenschutz")).content.decode().split())
    for text in (
        "Verantwortlicher", "Zwecke und Rechtsgrundlagen", "Art. 6 Abs. 1", "Empfänger",
        "Speicherdauer", "Ihre Rechte", "Frau Daten, dsb@example.org",
    ):  # fmt: skip
        assert text in html, text


def test_start_page_and_footer_link_leichte_sprache_and_sign_language(client):
    html = client.get(reverse("home")).content.decode()
    for name in ("leichte_sprache", "gebaerdensprache"):
        assert html.count(f'href="{reverse(name)}"') == 2, name  # start page and footer


def test_markdown_is_rendered_without_raw_html_or_script_links():
    html = render_markdown(
        "## Titel\n\n<script>alert(1)</script> [x](javascript:alert(1)) [y](https://hessen.de)"
    )
    assert '<h2 class="kern-heading-medium">Titel</h2>' in html
    assert "<script>" not in html and 'href="javascript' not in html
    assert 'href="https://hessen.de"' in html


def test_admin_edits_a_page_and_the_page_shows_the_new_text(client):
    admin = AdminFactory(is_superuser=True, is_staff=True)
    login_verified(client, admin)
    page = LegalPage.objects.get(slug="impressum")
    url = reverse("admin:pages_legalpage_change", args=[page.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Impressum", "body": "## Neu\n\nNeue Anschrift: Luisenplatz 2"}
    )
    assert response.status_code == 302
    client.logout()
    html = client.get(reverse("impressum")).content.decode()
    assert "Neue Anschrift: Luisenplatz 2" in html and "Wilhelminenstraße" not in html


def test_feedback_is_stored_and_mailed_to_the_office_and_the_sender_once(
    client, settings, published
):
    settings.WIR_ACCESSIBILITY_FEEDBACK_EMAIL = "bf@rp.example"
    response = client.post(reverse("barrierefreiheit"), VALID)
    assert response.status_code == 302
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.email == VALID["email"] and feedback.message == VALID["message"]
    assert "Ihre Rückmeldung ist eingegangen" in client.get(response.url).content.decode()
    published.run()
    published.extend(published_again := [])  # nothing left to send
    assert not published_again
    from pages.mails import send_feedback_mails

    send_feedback_mails(feedback.pk)  # a task delivered twice sends nothing more
    assert sorted(m.to[0] for m in mail.outbox) == ["bf@rp.example", "erika@example.org"]
    office = next(m for m in mail.outbox if m.to == ["bf@rp.example"])
    assert VALID["message"] in office.body and "erika@example.org" in office.body


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"email": ""}, "email", "Bitte geben Sie Ihre E-Mail-Adresse an."),
        ({"email": "kein-at"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse an."),
        ({"message": ""}, "message", "Bitte beschreiben Sie die Barriere."),
        ({"message": "kurz"}, "message", "in mindestens 10 Zeichen"),
        ({"message": "x" * 5001}, "message", "höchstens 5.000 Zeichen"),
    ],
)
def test_bad_feedback_is_refused_with_a_german_message(client, published, change, field, message):
    response = client.post(reverse("barrierefreiheit"), {**VALID, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AccessibilityFeedback.objects.exists() and not published


def test_feedback_is_rate_limited_per_client(client, published):
    for _ in range(FEEDBACK_PER_HOUR):
        assert client.post(reverse("barrierefreiheit"), VALID).status_code == 302
    response = client.post(reverse("barrierefreiheit"), VALID)
    assert response.status_code == 429
    assert "viele Rückmeldungen" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == FEEDBACK_PER_HOUR


def test_sign_language_page_shows_the_uploaded_video_with_controls_and_transcript(client):
    from django.core.files.base import ContentFile

    video = SignLanguageVideo(title="Das Portal in DGS", transcript="Willkommen im WIR-Portal.")
    video.video.save("dgs.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    video.captions.save("dgs.vtt", ContentFile(b"WEBVTT\n"), save=False)
    video.save()
    html = client.get(reverse("gebaerdensprache")).content.decode()
    assert "<video" in html and " controls" in html and 'kind="captions"' in html
    assert "Willkommen im WIR-Portal." in html and "Das Portal in DGS" in html
    response = client.get(reverse("sign_language_video", args=[video.pk]))
    assert response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x00\x18ftyp")
    captions = client.get(reverse("sign_language_captions", args=[video.pk]))
    assert captions["Content-Type"] == "text/vtt"
    video.active = False
    video.save()
    assert client.get(reverse("sign_language_video", args=[video.pk])).status_code == 404
    assert "bald zu sehen" in client.get(reverse("gebaerdensprache")).content.decode()
