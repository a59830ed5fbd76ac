"""Stamped, serialised parts of a bundle that a merge copies as bytes (``pdf_writer``).

A bundle's part (one application's PDF with its attachments) is the same in every bundle that
shows it; only a few things around it change: the object numbers it gets in the bundle, the
numbers of its pages, the page tree, the footer font and the running footer (its reference,
"Seite x von y"). A *segment* is the part written once the way a merge writes it, with those
few things left open:

* every object number in it (an object's own number and every reference) is a slot of
  ``WIDTH`` characters, right-aligned with spaces (whitespace, so the PDF is the same to any
  reader), and a table says which slot means what: an object of the segment (``1..private``),
  one of its pages, the footer stream of one of its pages, the page tree, the footer font or
  the stream that opens each page;
* each page's contents end with a reference to a footer stream that the merge writes fresh
  for that bundle (a few dozen bytes per page).

So a segment depends only on the part's file (its content hash) and is made once, by the
worker that renders the part. A merge fills the slots (``splice_segment``): a copy with a
few thousand small replacements instead of parsing and writing every object of the part, and
a re-bundle after one changed application stamps only that application again.

A plain module (pypdf only, no Django); where segments are stored is
``documents.bundles.files``."""

from __future__ import annotations

import io
import json
import sys
from array import array
from dataclasses import dataclass
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import IndirectObject, NullObject

from .pdf_pages import Footer
from .pdf_writer import StreamingPdfWriter, _stream

# Bumped when the way a segment is written changes: older files are stamped again.
FORMAT = 1
WIDTH = 7  # characters of an object number slot: up to 9,999,999 objects in a bundle
MAGIC = b"WIRSEG\n"
_MAX_HEAD = 4096  # bytes of the JSON head line at most
CHUNK = 1 << 20  # bytes per write while a segment is spliced

# Slot meanings (negative; 1..private are the segment's own objects).
PAGES = -1
OPEN = -2
FONT = -3
_PAGE0 = -16  # page j of the segment: _PAGE0 - 2j; its footer stream: _PAGE0 - 2j - 1


def page_slot(j: int) -> int:
    return _PAGE0 - 2 * j


def footer_slot(j: int) -> int:
    return _PAGE0 - 2 * j - 1


@dataclass
class Segment:
    """``data`` with slots; ``objects`` and ``fixups`` are flat (position, slot) pairs: where
    each object's header starts, and where each number slot is (headers included)."""

    data: bytes | BinaryIO  # a stored segment being read: the open file, at the data
    private: int
    pages: int
    objects: array
    fixups: array

    def _head(self) -> bytes:
        head = {
            "format": FORMAT,
            "private": self.private,
            "pages": self.pages,
            "objects": len(self.objects),
            "fixups": len(self.fixups),
            "byteorder": sys.byteorder,
        }
        return MAGIC + json.dumps(head).encode() + b"\n"

    def to_bytes(self) -> bytes:
        assert isinstance(self.data, bytes)
        return b"".join((self._head(), self.objects.tobytes(), self.fixups.tobytes(), self.data))

    def write_to(self, fh: BinaryIO) -> None:
        """Writes the segment as ``to_bytes`` does, piece by piece (no joined copy)."""
        assert isinstance(self.data, bytes)
        for piece in (self._head(), self.objects.tobytes(), self.fixups.tobytes(), self.data):
            fh.write(piece)

    @classmethod
    def from_bytes(cls, raw: bytes) -> Segment | None:
        """The segment stored in ``raw``, or None if it is not one of this format."""
        segment = cls.from_file(io.BytesIO(raw))
        if segment is not None:
            assert not isinstance(segment.data, bytes)
            segment.data = segment.data.read()
        return segment

    @classmethod
    def from_file(cls, fh: BinaryIO) -> Segment | None:
        """The segment stored in ``fh``, or None if it is not one of this format. Only the
        head and the tables are read; ``data`` is ``fh`` itself, positioned at the segment's
        bytes, which ``splice_segment`` copies from it in bounded chunks."""
        if fh.read(len(MAGIC)) != MAGIC:
            return None
        try:
            head = json.loads(fh.readline(_MAX_HEAD))
            counts = (head["objects"], head["fixups"])
        except (ValueError, KeyError, TypeError):
            return None
        if head.get("format") != FORMAT or head.get("byteorder") != sys.byteorder:
            return None
        objects, fixups = array("q"), array("q")
        for table, count in zip((objects, fixups), counts, strict=True):
            size = count * table.itemsize
            raw = fh.read(size)
            if len(raw) != size:
                return None
            table.frombytes(raw)
        return cls(fh, head["private"], head["pages"], objects, fixups)


class _Recorder(StreamingPdfWriter):
    """Writes the pages of one source as a segment: the writer's page copying, with slots
    instead of object numbers and footer references instead of footer streams."""

    def __init__(self, fh: BinaryIO, *, page_count: int):
        # Not the writer's __init__: a segment has no file header and no shared objects.
        self.fh = fh
        self._offsets = array("q", [0])
        self._pos = 0
        self._refs = 0
        self.index = False
        self.raw_index = {}
        self.page_count = page_count
        self.written = 0
        self.pages_num = PAGES
        self.page_nums = array("q", (page_slot(j) for j in range(page_count)))
        self._open_num = OPEN
        self._footer_font_num = FONT
        self.footer_font = True  # every page gets a footer reference
        self.objects = array("q")
        self.fixups = array("q")

    def _ref_token(self, num: int, out: list) -> None:
        out.append(num)
        out.append(b" 0 R")

    def _pack(self, out: list):
        return out if any(isinstance(item, int) for item in out) else b"".join(out)

    def _footer_ref(self, footer):
        return IndirectObject(footer_slot(self.written - 1), 0, None)

    def _header(self, num: int) -> bytes:
        self.objects.extend((self._pos, num))
        self.fixups.extend((self._pos, num))
        return b" " * WIDTH + b" 0 obj\n"

    def _write_body(self, num: int, body: bytes, *, raw: bool) -> None:
        self._emit(self._header(num) + body + b"\nendobj\n")

    def _write_object(self, num: int, obj, source=None):
        out: list = []
        self._ser(obj if obj is not None else NullObject(), source, out)
        chunks = [self._header(num)]
        pos = self._pos + len(chunks[0])
        for item in out:
            if isinstance(item, int):
                self.fixups.extend((pos, item))
                item = b" " * WIDTH
            chunks.append(item)
            pos += len(item)
        chunks.append(b"\nendobj\n")
        self._emit(b"".join(chunks))


def record_segment(
    reader: PdfReader,
    *,
    raw_index: dict[int, tuple[int, int]] | None = None,
    raw_file=None,
) -> Segment:
    """The segment of every page of ``reader`` (a part written by ``StreamingPdfWriter``;
    with its ``raw_index`` and file its objects without references are copied as bytes)."""
    buffer = _Buffer()
    pages = len(reader.pages)
    recorder = _Recorder(buffer, page_count=pages)
    recorder.add_pages_from(
        reader,
        footers=[Footer("", "")] * pages,
        raw_index=raw_index,
        raw_file=raw_file,
    )
    return Segment(
        data=b"".join(buffer.chunks),
        private=len(recorder._offsets) - 1,
        pages=pages,
        objects=recorder.objects,
        fixups=recorder.fixups,
    )


def splice_segment(writer: StreamingPdfWriter, segment: Segment, footers: list[Footer]) -> None:
    """Writes ``segment`` as the next pages of ``writer``: its objects get fresh numbers, its
    pages the writer's next page numbers, and each page the footer ``footers[j]``."""
    if len(footers) != segment.pages:
        raise ValueError("One footer per page of the segment.")
    if writer.written + segment.pages > writer.page_count:
        raise ValueError("More pages than announced.")
    first_page = writer.written
    base = len(writer._offsets) - 1
    writer._offsets.extend(array("q", [0]) * segment.private)
    footer_nums = [writer._alloc() for _ in range(segment.pages)]
    page_nums = writer.page_nums
    fixed = {PAGES: writer.pages_num, OPEN: writer._open_num, FONT: writer._footer_font_num}

    def number(slot: int) -> int:
        if slot > 0:
            return base + slot
        if slot <= _PAGE0:
            j, footer = divmod(_PAGE0 - slot, 2)
            return footer_nums[j] if footer else page_nums[first_page + j]
        return fixed[slot]

    source = segment.data
    fh = io.BytesIO(source) if isinstance(source, bytes) else source
    start = writer._pos
    _fill(writer, fh, segment.fixups, number)
    objects = segment.objects
    for i in range(0, len(objects), 2):
        num = number(objects[i + 1])
        # The cross-reference entry points at the number's first digit, after the padding.
        writer._offsets[num] = start + objects[i] + WIDTH - len(str(num))
    writer.written += segment.pages
    for num, footer in zip(footer_nums, footers, strict=True):
        writer._write_object(num, _stream(writer._footer_content(footer)))


def _fill(writer: StreamingPdfWriter, fh: BinaryIO, fixups: array, number) -> None:
    """Copies the segment's bytes from ``fh`` to ``writer`` with each slot filled in: read in
    windows of ``CHUNK`` bytes and written in pieces of about that size, so a segment is never
    held whole in memory (only a window and what waits to be written)."""
    view = memoryview(b"")
    wstart = 0  # where the window starts in the segment's bytes
    prev = 0  # what is copied (or filled in) so far
    pending: list = []
    size = 0
    limit = 10**WIDTH
    for i in range(0, len(fixups), 2):
        pos = fixups[i]
        while pos + WIDTH > wstart + len(view):  # the slot is not (wholly) in the window
            keep = min(pos, wstart + len(view))
            pending.append(view[prev - wstart : keep - wstart])
            size += keep - prev
            prev = keep
            block = fh.read(CHUNK)
            if not block:
                raise ValueError("The segment is truncated.")
            view = memoryview(bytes(view[keep - wstart :]) + block)
            wstart = keep
            if size >= CHUNK:
                writer._emit(b"".join(pending))
                pending.clear()
                size = 0
        num = number(fixups[i + 1])
        if num >= limit:
            raise ValueError("Too many objects for a bundle.")
        pending.append(view[prev - wstart : pos - wstart])
        pending.append(b"%*d" % (WIDTH, num))
        size += pos - prev
        prev = pos + WIDTH
    pending.append(view[prev - wstart :])
    writer._emit(b"".join(pending))
    while block := fh.read(CHUNK):
        writer._emit(block)


class _Buffer:
    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(data)
        return len(data)
