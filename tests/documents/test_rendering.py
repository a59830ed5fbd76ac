"""Issue 12: KERN's Fira Sans is decoded from WOFF2 once (a shared font cache) and every PDF
still embeds it as a subset, as PDF/A-3a."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from applications.models import Application
from documents import rendering
from documents.receipts import receipt_pdf
from tests.factories import ApplicationFactory

FONT = "FiraSans-Regular.woff2"


def _fonts(reader: PdfReader) -> dict[str, set]:
    """BaseFont name -> the keys of its font descriptor, for every font of every page."""
    result = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            result[str(font["/BaseFont"])] = set(descendant["/FontDescriptor"].get_object())
    return result


@pytest.mark.django_db
def test_receipt_is_pdfa_with_fira_sans_embedded_as_a_subset():
    application = ApplicationFactory(complete=True)
    application = Application.objects.with_related().with_totals().get(pk=application.pk)
    reader = PdfReader(io.BytesIO(receipt_pdf(application)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    fonts = _fonts(reader)
    fira = [name for name in fonts if "Fira-Sans" in name]
    assert fira, fonts
    for name in fira:
        assert name[7] == "+", name  # a subset: "/ABCDEF+Fira-Sans..."
        assert "/FontFile2" in fonts[name], name  # TrueType, embedded


def test_font_stylesheet_points_at_decoded_truetype_files():
    css = rendering.fonts_css()
    assert css.count("@font-face") == len(rendering.FACES)
    assert "format('truetype')" in css and ".woff2" not in css


def test_a_font_is_decoded_once_and_then_read_from_the_cache(tmp_path, settings, monkeypatch):
    settings.WIR_PDF_FONT_CACHE = tmp_path / "fonts"
    source = rendering.kern_fonts_dir() / FONT
    first = rendering.decoded_font(source)
    assert first.parent == tmp_path / "fonts"
    assert first.read_bytes()[:4] == b"\x00\x01\x00\x00"

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again")

    monkeypatch.setattr(rendering.woff2, "decompress", no_decoding)
    assert rendering.decoded_font(source) == first  # another process finds the file


def test_an_unwritable_font_cache_falls_back_to_a_private_folder(tmp_path, settings, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    settings.WIR_PDF_FONT_CACHE = blocked
    path = rendering.decoded_font(rendering.kern_fonts_dir() / FONT)
    assert path.is_file() and tmp_path not in path.parents
    assert "Cannot write the decoded font" in caplog.text
