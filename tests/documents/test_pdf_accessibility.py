"""Issue 16.1: every PDF of the portal is tagged PDF/A-3a identified as PDF/UA-1: language,
title shown in the window, headings, lists and tables tagged, images with alternative text,
all content marked, all fonts embedded, and a glyph for every character a user may type."""

from __future__ import annotations

import pytest
from django.utils import timezone

from applications.models import Application
from documents import rendering
from documents.receipts import receipt_pdf
from tests.factories import ApplicationFactory
from tests.pdf_structure import significant_chars, structure_report

# What users type in the forms: German, Turkish, Arabic, Cyrillic (Russian, Ukrainian), emoji.
SCRIPTS = {
    "German": "Äußerst größere Übungsfläche, Straße",
    "Turkish": "Gülşen Işıkçı, İğdır, Şanlıurfa",
    "Arabic": "مرحبا بكم في البرنامج",
    "Russian": "Интеграция и разнообразие",
    "Ukrainian": "Ґанок, Єдність, Їжак, Україна",
    "Emoji": "😀 👍🏽 ❤️ 🥳 🇩🇪",
}
TEXT = " · ".join(SCRIPTS.values())


def assert_accessible(pdf: bytes, *, title: str, ua: bool = True):
    report = structure_report(pdf)
    catalog = report.catalog
    assert "/StructTreeRoot" in catalog
    assert catalog.MarkInfo.Marked is True
    assert str(catalog.Lang) == "de"
    assert catalog.ViewerPreferences.DisplayDocTitle is True
    assert 'pdfaid:part="3"' in report.xmp
    assert title in report.xmp
    if ua:
        assert 'pdfaid:conformance="A"' in report.xmp
        assert 'pdfuaid:part="1"' in report.xmp
        # PDF/A accepts the property only with its extension schema, under these prefixes.
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in report.xmp
        assert "pdfaExtension:schemas" in report.xmp
    assert report.fonts
    not_embedded = [name for name, font in report.fonts.items() if not font["embedded"]]
    assert not not_embedded
    assert not report.unmarked, report.unmarked[:10]
    assert not report.pages_without_struct_parents
    return report


@pytest.mark.django_db
def test_receipt_is_tagged_pdfa_and_pdfua_and_draws_every_script():
    application = ApplicationFactory(complete=True, title=f"Vorhaben {TEXT}")
    application = Application.objects.with_related().with_totals().get(pk=application.pk)
    pdf = receipt_pdf(application)
    report = assert_accessible(pdf, title="Eingangsbestätigung")
    for tag in ("Document", "H1", "H2", "P", "Table", "THead", "TBody", "TR", "TH", "TD"):
        assert tag in report.tags, tag
    assert "L" in report.tags and "LI" in report.tags  # the answers (dl) as lists
    missing = significant_chars(TEXT) - report.mapped_chars
    assert not missing, sorted(missing)
    names = " ".join(report.fonts)
    assert "Fira-Sans" in names and "Noto-Sans-Arabic" in names and "Noto-Color-Emoji" in names


def test_images_carry_their_alternative_text_and_lists_are_tagged():
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
        "RU5ErkJggg=="
    )
    html = (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>Logo</title></head>"
        f"<body><h1>Titel</h1><img src='data:image/png;base64,{png}' alt='Wappen des Landes'>"
        "<ul><li>eins</li><li>zwei</li></ul></body></html>"
    )
    pdf = rendering.render_html_pdf(html, title="Bildprobe", created=timezone.now())
    report = assert_accessible(pdf, title="Bildprobe")
    assert report.figures_alt == ["Wappen des Landes"]
    assert report.tags.count("LI") == 2 and "Lbl" in report.tags


def test_every_script_typed_by_users_is_drawn_with_an_embedded_glyph():
    html = (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>x</title><style>"
        f"html {{ font-family: {rendering.font_stack()}; }}</style></head><body>"
        + "".join(f"<p>{text}</p>" for text in SCRIPTS.values())
        + "</body></html>"
    )
    pdf = rendering.render_html_pdf(html, title="Schriftprobe", created=timezone.now())
    report = assert_accessible(pdf, title="Schriftprobe")
    for script, text in SCRIPTS.items():
        missing = significant_chars(text) - report.mapped_chars
        assert not missing, (script, sorted(missing))


def test_the_pdf_css_names_the_fallback_fonts():
    from django.template.loader import render_to_string

    css = render_to_string("pdf/_base.css")
    for family in rendering.FALLBACK_FAMILIES:
        assert f'"{family}"' in css, family


def test_untagged_variants_claim_no_pdfua():
    html = (
        "<!DOCTYPE html><html lang='de'><head><title>x</title></head><body><p>x</p></body></html>"
    )
    document = rendering.render_html_document(html, title="Front", created=timezone.now())
    pdf = rendering.write_document(document, variant=rendering.PDF_VARIANT_MERGED, tagged=True)
    report = structure_report(pdf)
    assert 'pdfaid:conformance="B"' in report.xmp
    assert "pdfuaid" not in report.xmp
    assert "/StructTreeRoot" in report.catalog
