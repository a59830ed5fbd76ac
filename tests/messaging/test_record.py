"""Messages as part of the record: the appendix of the application's part of a bundle."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from documents.bundles import content, parts
from documents.bundles.files import open_file
from messaging import services
from messaging.models import Audience

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def part_text(application) -> tuple[str, list[str]]:
    loaded = content.load_applications([application.pk])[application.pk]
    entry, _rendered = parts.part_for(loaded)
    with open_file(entry.file.name) as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), [o["title"] for o in entry.outline]


def test_the_bundle_part_has_the_thread_as_appendix(case):
    _, outline = part_text(case.application)
    assert "Anhang: Nachrichten zum Antrag" not in outline  # no messages, no appendix
    services.message_send(
        application=case.application,
        user=case.officer,
        subject="Rückfrage zum Zeitplan",
        text="Bitte senden Sie den Zeitplan der Werkstätten.",
        audience=Audience.LEAD,
    )
    services.message_send(
        application=case.application,
        user=case.lead,
        text="Anbei unser Zeitplan.",
        files=[pdf_upload("Zeitplan.pdf")],
    )
    text, outline = part_text(case.application)  # a new hash: rendered again
    assert "Anhang: Nachrichten zum Antrag" in outline
    appendix = text[text.index("Anhang: Nachrichten zum Antrag") :]
    assert "Rückfrage zum Zeitplan" in appendix
    assert "Bitte senden Sie den Zeitplan der Werkstätten." in appendix
    assert "Sven Sachbearbeitung (Regierungspräsidium Darmstadt)" in appendix
    assert "nur für die antragstellende Kommune" in appendix
    assert "Nachricht ohne Betreff" in appendix
    assert "Lea Lead (Heppenheim (Bergstraße))" in appendix
    assert "Anbei unser Zeitplan." in appendix
    assert "Zeitplan.pdf" in appendix
    assert appendix.index("Rückfrage") < appendix.index("Anbei unser Zeitplan.")
