"""PDFs for the upload and bundle tests: a bomb (small file, streams that inflate to a lot),
PDFs with JavaScript, encrypted PDFs. Built with little memory, whatever they inflate to."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

MB = 1024 * 1024


def deflated_blanks(size: int) -> bytes:
    """zlib of ``size`` spaces (an empty but valid content stream), made 1 MB at a time."""
    compressor = zlib.compressobj(9)
    block = b" " * MB
    parts = []
    for start in range(0, size, MB):
        parts.append(compressor.compress(block[: min(MB, size - start)]))
    parts.append(compressor.flush())
    return b"".join(parts)


def bomb_pdf(*, pages: int = 1, inflated_per_page: int = 70 * MB) -> bytes:
    """A PDF of ``pages`` A4 pages whose content streams each inflate to
    ``inflated_per_page`` bytes of blanks (the pages look empty). About 1/1000 that size."""
    stream = deflated_blanks(inflated_per_page)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages)), pages),
    ]
    for i in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> "
            b"/Contents %d 0 R >>" % (4 + 2 * i)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _writer_with_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _js_action(code: str = "app.alert('Hallo');") -> DictionaryObject:
    action = DictionaryObject()
    action[NameObject("/Type")] = NameObject("/Action")
    action[NameObject("/S")] = NameObject("/JavaScript")
    action[NameObject("/JS")] = TextStringObject(code)
    return action


def javascript_pdf(where: str = "open_action") -> bytes:
    """A one-page PDF that runs JavaScript: on opening (``open_action``), from the document's
    names tree (``names``) or when its page is shown (``page_aa``)."""
    writer = _writer_with_page()
    if where == "open_action":
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(_js_action())
    elif where == "names":
        tree = DictionaryObject()
        tree[NameObject("/Names")] = ArrayObject(
            [TextStringObject("hallo"), writer._add_object(_js_action())]
        )
        names = DictionaryObject()
        names[NameObject("/JavaScript")] = writer._add_object(tree)
        writer._root_object[NameObject("/Names")] = names
    elif where == "page_aa":
        aa = DictionaryObject()
        aa[NameObject("/O")] = writer._add_object(_js_action())
        writer.pages[0][NameObject("/AA")] = aa
    else:  # pragma: no cover
        raise ValueError(where)
    return _bytes(writer)


def encrypted_pdf(*, user_password: str = "geheim") -> bytes:
    """A one-page PDF encrypted with RC4 (no extra crypto library needed); with an empty
    ``user_password`` it opens without one (only the permissions are restricted)."""
    writer = _writer_with_page()
    writer.encrypt(user_password=user_password, owner_password="eigentuemer", algorithm="RC4-128")
    return _bytes(writer)
