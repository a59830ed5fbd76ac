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


def object_stream_bomb_pdf(*, inflated: int = 70 * MB) -> bytes:
    """A one-page PDF whose objects sit in an object stream (as most PDFs of today store
    them) padded to inflate to ``inflated`` bytes: pypdf itself unpacks such streams."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    ]
    offsets, position = [], 0
    for body in bodies:
        offsets.append(position)
        position += len(body) + 1
    header = b" ".join(b"%d %d" % (n, o) for n, o in enumerate(offsets, start=1)) + b"\n"
    compressor = zlib.compressobj(9)
    packed = [compressor.compress(header + b"\n".join(bodies) + b"\n")]
    block = b" " * MB
    for start in range(0, inflated, MB):
        packed.append(compressor.compress(block[: min(MB, inflated - start)]))
    packed.append(compressor.flush())
    data = b"".join(packed)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    objstm_at = out.tell()
    out.write(
        b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
        % (len(header), len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    xref_at = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x02" + (4).to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(3)]
    rows += [b"\x01" + objstm_at.to_bytes(4, "big") + b"\x00\x00"]
    rows += [b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    out.write(
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return out.getvalue()
