"""IBAN, phone numbers, file names and uploaded files recognised by their content."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.formatting import format_iban
from core.validators import (
    iban_is_valid,
    normalize_iban,
    sanitize_filename,
    sniff_file_type,
    validate_iban,
    validate_phone,
    validate_upload,
)
from tests.factories import MINIMAL_PDF
from tests.pdf_samples import (
    MB,
    bomb_pdf,
    encrypted_pdf,
    javascript_pdf,
    object_stream_bomb_pdf,
)


# IBAN -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "iban",
    ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "de89370400440532013000"],
)
def test_valid_iban(iban):
    validate_iban(iban)
    assert iban_is_valid(iban)


@pytest.mark.parametrize(
    ("iban", "code"),
    [
        ("DE88 3704 0044 0532 0130 00", "iban_checksum"),
        ("DE89 3704 0044 0532 0130 01", "iban_checksum"),
        ("DE89 3704 0044 0532 0130", "iban_length"),
        ("3704 0044 0532 0130 00", "iban_format"),
        ("DE89-3704-0044", "iban_format"),
    ],
)
def test_invalid_iban(iban, code):
    with pytest.raises(ValidationError) as exc:
        validate_iban(iban)
    assert exc.value.code == code
    assert not iban_is_valid(iban)


def test_iban_normalise_and_format():
    assert normalize_iban(" de89 3704 0044 0532 0130 00 ") == "DE89370400440532013000"
    assert format_iban("DE89370400440532013000") == "DE89 3704 0044 0532 0130 00"


# Phone ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "phone", ["06151 12-3456", "+49 6151 123456", "(06151) 12 34 56", "0611/3817-0"]
)
def test_valid_phone(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "Telefon: 06151", "6151 123456", "+49 61", "0" * 25])
def test_invalid_phone(phone):
    with pytest.raises(ValidationError) as exc:
        validate_phone(phone)
    assert "Vorwahl" in exc.value.messages[0]


# File names -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Konzept.pdf", "Konzept.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\Kosten plan.XLSX", "Kosten_plan.xlsx"),
        ("..", "datei"),
        ("", "datei"),
        ("<script>.pdf", "script.pdf"),
    ],
)
def test_sanitize_filename(name, expected):
    assert sanitize_filename(name) == expected


def test_sanitize_filename_caps_length_and_keeps_extension():
    name = sanitize_filename("a" * 500 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")


# Tiny valid files of every allowed type -------------------------------------------------------
def _zip(members: dict[str, bytes], first: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if first:
            z.writestr(zipfile.ZipInfo(first), members.pop(first))  # stored, first entry
        for name, data in members.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def make_docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def make_xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def make_odf(mimetype: str) -> bytes:
    return _zip(
        {
            "mimetype": mimetype.encode(),
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest/>",
        },
        first="mimetype",
    )


def make_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    # SOI, APP0/JFIF header, EOI: enough for recognition.
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


FILES = {
    "konzept.pdf": (MINIMAL_PDF, "application/pdf"),
    "konzept.docx": (
        make_docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "kosten.xlsx": (
        make_xlsx(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "konzept.odt": (
        make_odf("application/vnd.oasis.opendocument.text"),
        "application/vnd.oasis.opendocument.text",
    ),
    "kosten.ods": (
        make_odf("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    "foto.png": (make_png(), "image/png"),
    "foto.jpg": (make_jpeg(), "image/jpeg"),
    "foto.jpeg": (make_jpeg(), "image/jpeg"),
}


def test_minimal_pdf_is_a_real_pdf():
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(MINIMAL_PDF)).pages) == 1


@pytest.mark.parametrize("name", FILES)
def test_each_allowed_type_recognised(name):
    content, content_type = FILES[name]
    assert sniff_file_type(io.BytesIO(content)).content_type == content_type
    checked = validate_upload(SimpleUploadedFile(name, content, content_type="text/plain"))
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert len(checked.sha256) == 64
    assert checked.original_name == name


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00 this is an exe",
        b"<html><body>kein PDF</body></html>",
        make_png(),
        make_docx(),
        _zip({"hello.txt": b"just a zip"}),
    ],
)
def test_fake_pdf_refused(content):
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("antrag.pdf", content, content_type="application/pdf"))
    assert exc.value.code == "content_mismatch"
    assert "antrag.pdf" in exc.value.messages[0]
    assert ".pdf" in exc.value.messages[0]


def test_renamed_real_file_refused_with_hint():
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("bild.pdf", make_png()))
    assert "PNG-Bild" in exc.value.messages[0] and ".png" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("notiz.txt", b"Hallo", "file_type"),
        ("makro.docm", make_docx(), "content_mismatch"),
        ("leer.pdf", b"", "empty"),
        ("ohne_endung", MINIMAL_PDF, "content_mismatch"),
        (
            "odf.odt",
            make_odf("application/vnd.oasis.opendocument.presentation"),
            "content_mismatch",
        ),
    ],
)
def test_other_refusals(name, content, code):
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile(name, content))
    assert exc.value.code == code


def test_size_limit(settings):
    settings.WIR_UPLOAD_MAX_BYTES = 100
    big = MINIMAL_PDF + b"%" + b"x" * 200
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("gross.pdf", big))
    assert exc.value.code == "too_large"
    assert "zu groß" in exc.value.messages[0]
    settings.WIR_UPLOAD_MAX_BYTES = len(MINIMAL_PDF)
    validate_upload(SimpleUploadedFile("klein.pdf", MINIMAL_PDF))


# PDFs: do they open, are they safe ---------------------------------------------------------------
@pytest.fixture(scope="module")
def real_pdf() -> bytes:
    """A three-page PDF as the portal renders them (WeasyPrint, object and xref streams)."""
    from django.utils import timezone

    from documents.rendering import render_html_pdf

    body = "".join(
        f"<section style='break-before: page'><h1>Seite {k}</h1><p>{'Text ' * 200}</p></section>"
        for k in range(1, 4)
    )
    html = f"<!DOCTYPE html><html lang='de'><head><title>t</title></head><body>{body}</body></html>"
    return render_html_pdf(html, title="t", created=timezone.now(), variant=None)


def test_real_pdf_accepted(real_pdf):
    assert validate_upload(SimpleUploadedFile("konzept.pdf", real_pdf)).size == len(real_pdf)


@pytest.mark.parametrize("tail", [b"", b"\n%%EOF\n"], ids=["cut", "cut-with-eof-marker"])
def test_truncated_pdf_refused(real_pdf, tail):
    half = real_pdf[: len(real_pdf) // 2] + tail
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("konzept.pdf", half))
    assert exc.value.code == "pdf_damaged"
    message = exc.value.messages[0]
    assert "„konzept.pdf“ lässt sich nicht öffnen" in message
    assert "beschädigt oder unvollständig" in message


@pytest.mark.parametrize("where", ["open_action", "names", "page_aa"])
def test_pdf_with_javascript_refused(where):
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("formular.pdf", javascript_pdf(where)))
    assert exc.value.code == "pdf_javascript"
    assert "„formular.pdf“ enthält JavaScript" in exc.value.messages[0]


@pytest.mark.parametrize("user_password", ["geheim", ""], ids=["password", "permissions-only"])
def test_encrypted_pdf_refused(user_password):
    content = encrypted_pdf(user_password=user_password)
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("bescheid.pdf", content))
    assert exc.value.code == "pdf_encrypted"
    assert "verschlüsselt oder durch ein Kennwort geschützt" in exc.value.messages[0]


def test_pdf_bomb_refused_without_inflating_it(settings):
    """A 30 KB PDF whose page inflates to 30 MB: refused, and checking it takes a few MB."""
    import tracemalloc

    settings.WIR_PDF_MAX_INFLATED_BYTES = 8 * MB
    content = bomb_pdf(pages=1, inflated_per_page=30 * MB)
    assert len(content) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as exc:
            validate_upload(SimpleUploadedFile("bombe.pdf", content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exc.value.code == "pdf_too_much_data"
    assert "„bombe.pdf“ enthält sehr stark gepackte Daten" in exc.value.messages[0]
    assert "höchstens 8,0 MB" in exc.value.messages[0]
    assert peak < 4 * MB


def test_pdf_bomb_counts_all_streams_together(settings):
    settings.WIR_PDF_MAX_INFLATED_BYTES = 8 * MB
    validate_upload(SimpleUploadedFile("ok.pdf", bomb_pdf(pages=2, inflated_per_page=3 * MB)))
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("viel.pdf", bomb_pdf(pages=3, inflated_per_page=3 * MB)))
    assert exc.value.code == "pdf_too_much_data"


def test_object_stream_bomb_refused_before_pypdf_unpacks_it():
    """Object streams are unpacked by pypdf itself (and kept while the file is open): they
    are counted first, and together they may unpack to at most 32 MB."""
    import tracemalloc

    assert validate_upload(SimpleUploadedFile("ok.pdf", object_stream_bomb_pdf(inflated=MB)))
    content = object_stream_bomb_pdf(inflated=40 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as exc:
            validate_upload(SimpleUploadedFile("objekte.pdf", content))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exc.value.code == "pdf_too_much_data"
    assert peak < 8 * MB
