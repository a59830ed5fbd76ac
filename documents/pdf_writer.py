"""A PDF writer that streams pages from other PDFs into one file.

pypdf's ``PdfWriter`` keeps every page it was given in memory until ``write()``, so a bundle of
200 applications would hold 200 parsed PDFs at once. This writer reads the source PDFs with
pypdf, one at a time, and writes each copied object to the output file at once; what it keeps
is one integer per object (the offsets for the cross-reference table). The memory of a merge
therefore depends on the largest single source, not on the number of sources.

It also does the things a bundle needs on the way through:

* page stamping: every page can get a running footer, drawn with a font that is embedded once
  (``pdf_pages.FooterFont``: the glyphs are taken from a small PDF rendered by WeasyPrint, so
  the font is subset and embedded exactly as in every other PDF of the portal);
* page transformation: attachment pages can be scaled and moved onto an A4 page (with a clip
  to their visible box) without parsing their content streams;
* links: ``https://bundle.invalid/seite/<n>`` links (from the contents page rendered by
  WeasyPrint) become internal links to page ``n``;
* an outline (bookmarks) and a catalog with the XMP metadata, the OutputIntent and the
  document information copied from a WeasyPrint PDF/A document;
* structure (tags): pages added with ``structure=True`` (a bundle's front matter) keep their
  marked content, their ``StructParents`` and their link annotations with ``StructParent``, and
  ``finish`` copies that document's structure tree (``StructTreeRoot``, ``MarkInfo``), its
  page references pointing at the copied pages. Pages of other sources stay untagged: merging
  their structure trees (parent trees renumbered, one ``Document`` element) is not done.

A plain module (pypdf only, no Django); the page geometry and footer font are in
``pdf_pages``.
"""

from __future__ import annotations

import hashlib
import io
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from .pdf_pages import A4, Footer, FooterFont

INTERNAL_LINK = re.compile(r"^https://bundle\.invalid/seite/(\d+)$")

# Keys of a page dictionary that are copied. Everything else (annotations, structure parents,
# actions, thumbnails, ...) stays behind: it would point into the source document, and PDF/A
# forbids some of it.
PAGE_KEYS = ("/MediaBox", "/CropBox", "/Rotate", "/Group", "/UserUnit")


def _name(value: str) -> NameObject:
    return NameObject(value)


class _Source:
    """One source PDF while it is being copied: its reader and which of its objects were
    written under which number."""

    def __init__(self, reader: PdfReader, raw_index: dict | None = None, raw_file=None):
        self.reader = reader
        self.numbers: dict[tuple[int, int], int] = {}
        self.queue: list[tuple[int, IndirectObject]] = []
        # Objects without references, by number: (offset, length) of their body in
        # ``raw_file``. They are copied as bytes, without parsing (see ``raw_index``).
        self.raw_index = raw_index or {}
        self.raw_file = raw_file


@dataclass
class OutlineItem:
    title: str
    page: int  # 0-based page index in the output
    children: list[OutlineItem] = field(default_factory=list)


class StreamingPdfWriter:
    """Writes a PDF page by page. Usage::

        with open(path, "wb") as fh:
            writer = StreamingPdfWriter(fh, page_count=n)
            writer.add_pages_from(reader, ...)   # as often as needed, n pages in total
            writer.finish(outline=..., catalog_from=front_reader)

    ``page_count`` must be known up front so that links and bookmarks can point to pages that
    are not written yet; ``finish`` checks that exactly that many pages were added."""

    def __init__(
        self,
        fh: BinaryIO,
        *,
        page_count: int,
        footer_font: FooterFont | None = None,
        index: bool = False,
    ):
        self.fh = fh
        self._offsets = array("q", [0])
        self._pos = 0
        self._refs = 0
        # With ``index``: where each object without references is, so that a later copy of
        # this file can take those objects as bytes (``raw_index``). Long arrays (a font's
        # glyph widths) are then written as objects of their own, so the dictionaries that
        # hold them stay small and the arrays can be copied without parsing.
        self.index = index
        self.raw_index: dict[int, tuple[int, int]] = {}
        self._emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.pages_num = self._alloc()
        self.page_nums = array("q", (self._alloc() for _ in range(page_count)))
        self.page_count = page_count
        self.written = 0
        self.footer_font = footer_font
        self._footer_font_num: int | None = None
        self._open_num: int | None = None
        # The source whose structure tree ``finish`` copies (``add_pages_from(structure=)``).
        self._structure_source: _Source | None = None
        if footer_font is not None:
            source = _Source(footer_font.reader)
            ref = footer_font.font_ref
            if isinstance(ref, IndirectObject):
                self._footer_font_num = self._ref(source, ref).idnum
            else:
                self._footer_font_num = self.add_object(self._clone(source, ref)).idnum
            self._drain(source)
            self._open_num = self._alloc()
            self._write_object(self._open_num, _stream(b"q\n"))

    # Low level ------------------------------------------------------------------------------
    def _emit(self, data: bytes) -> None:
        self.fh.write(data)
        self._pos += len(data)

    def _alloc(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _write_object(self, num: int, obj: PdfObject | None, source: _Source | None = None):
        refs = self._refs
        out: list = []
        self._ser(obj if obj is not None else NullObject(), source, out)
        self._write_body(num, b"".join(out), raw=self._refs == refs)

    def _write_body(self, num: int, body: bytes, *, raw: bool) -> None:
        header = b"%d 0 obj\n" % num
        self._offsets[num] = self._pos
        if self.index and raw:
            self.raw_index[num] = (self._pos + len(header), len(body))
        self._emit(header + body + b"\nendobj\n")

    def add_object(self, obj: PdfObject) -> IndirectObject:
        num = self._alloc()
        self._write_object(num, obj)
        return IndirectObject(num, 0, None)

    def _ref(self, source: _Source, ref: IndirectObject) -> IndirectObject:
        return IndirectObject(self._ref_num(source, ref), 0, None)

    def _ref_num(self, source: _Source, ref: IndirectObject) -> int:
        key = (ref.idnum, ref.generation)
        num = source.numbers.get(key)
        if num is None:
            num = self._alloc()
            source.numbers[key] = num
            source.queue.append((num, ref))
        return num

    def _ser(self, obj, source: _Source | None, out: list) -> None:
        """Serialises ``obj`` into ``out``. References of ``source`` are renumbered (and the
        objects queued for writing); with ``source`` None, references are ours already. A
        stream's raw (still encoded) bytes are copied, never decoded and encoded again."""
        if isinstance(obj, IndirectObject):
            num = obj.idnum if source is None else self._ref_num(source, obj)
            self._ref_token(num, out)
            self._refs += 1
        elif isinstance(obj, NameObject):
            out.append(_name_bytes(obj))
        elif isinstance(obj, _Raw):
            if isinstance(obj.data, bytes):
                out.append(obj.data)
            else:
                out.extend(obj.data)
        elif isinstance(obj, StreamObject):
            data = obj._data
            out.append(b"<<")
            for key, value in obj.items():
                if key != "/Length":
                    out.append(_name_bytes(key))
                    out.append(b" ")
                    self._ser(value, source, out)
                    out.append(b"\n")
            out.append(b"/Length %d>>\nstream\n" % len(data))
            out.append(data)
            out.append(b"\nendstream")
        elif isinstance(obj, DictionaryObject):
            out.append(b"<<")
            for key, value in obj.items():
                out.append(_name_bytes(key))
                out.append(b" ")
                if self.index and source is not None and _long_array(value):
                    num = self._alloc()
                    self._write_object(num, value, source)
                    self._ref_token(num, out)
                    self._refs += 1
                else:
                    self._ser(value, source, out)
                out.append(b"\n")
            out.append(b">>")
        elif isinstance(obj, ArrayObject):
            out.append(b"[")
            for value in obj:
                self._ser(value, source, out)
                out.append(b" ")
            out.append(b"]")
        elif isinstance(obj, NumberObject):
            out.append(b"%d" % obj)
        else:
            buffer = io.BytesIO()
            obj.write_to_stream(buffer)
            out.append(buffer.getvalue())

    def _clone(self, source: _Source, obj) -> _Raw:
        """``obj`` of ``source`` as bytes for an object of ours (references renumbered)."""
        out: list = []
        self._ser(obj, source, out)
        return _Raw(self._pack(out))

    def _ref_token(self, num: int, out: list) -> None:
        """A reference to our object ``num`` (``pdf_segments`` writes a relocatable slot)."""
        out.append(b"%d 0 R" % num)

    def _pack(self, out: list):
        return b"".join(out)

    def _drain(self, source: _Source) -> None:
        while source.queue:
            num, ref = source.queue.pop()
            span = source.raw_index.get(ref.idnum) if ref.generation == 0 else None
            if span is not None:
                source.raw_file.seek(span[0])
                self._write_body(num, source.raw_file.read(span[1]), raw=True)
                continue
            try:
                obj = ref.get_object()
            except Exception:  # noqa: BLE001 - a dangling reference becomes null
                obj = None
            self._write_object(num, obj, source)

    # Pages ------------------------------------------------------------------------------------
    def add_pages_from(
        self,
        reader: PdfReader,
        *,
        pages: Iterable[int] | None = None,
        footers: Sequence[Footer | None] | None = None,
        transform: Sequence[tuple[float, ...] | None] | None = None,
        links: bool = False,
        raw_index: dict[int, tuple[int, int]] | None = None,
        raw_file=None,
        structure: bool = False,
    ) -> None:
        """Copies pages of ``reader`` (all, or the given indexes) as the next pages.

        ``footers[i]`` is stamped on the i-th copied page; ``transform[i]`` is
        ``(a, b, c, d, e, f, x0, y0, x1, y1)``: a matrix for the page's content and the box
        (in the source's coordinates) to clip it to, and the page becomes A4; ``links`` keeps
        link annotations to ``https://bundle.invalid/seite/<n>`` as internal links.
        ``raw_index`` (from the ``raw_index`` of the writer that wrote the source, with the
        source opened as ``raw_file``) lets objects without references be copied as bytes.
        ``structure`` keeps the tags of these pages for ``finish(catalog_from=reader)`` (all of
        the reader's pages, once per writer)."""
        source = _Source(reader, raw_index, raw_file)
        indexes = range(len(reader.pages)) if pages is None else pages
        if structure:
            if self._structure_source is not None:
                raise ValueError("Only one source keeps its structure.")
            self._structure_source = source
            # The structure tree's page references (/Pg) lead to the copied pages.
            for i, index in enumerate(indexes):
                ref = reader.pages[index].indirect_reference
                source.numbers[(ref.idnum, ref.generation)] = self.page_nums[self.written + i]
        for i, index in enumerate(indexes):
            page = reader.pages[index]
            footer = footers[i] if footers is not None else None
            matrix = transform[i] if transform is not None else None
            self._add_page(source, page, footer, matrix, links, structure)
            self._drain(source)

    def _add_page(self, source, page, footer, matrix, links, structure=False) -> None:
        if self.written >= self.page_count:
            raise ValueError("More pages than announced.")
        num = self.page_nums[self.written]
        self.written += 1
        new = DictionaryObject()
        new[_name("/Type")] = _name("/Page")
        new[_name("/Parent")] = IndirectObject(self.pages_num, 0, None)
        for key in PAGE_KEYS:
            if key in page:
                new[_name(key)] = self._clone(source, page[key])
        contents = page.get("/Contents")
        if isinstance(contents, IndirectObject):
            resolved = contents.get_object()
            refs = (
                [self._clone(source, r) for r in resolved]
                if isinstance(resolved, ArrayObject)
                else [self._ref(source, contents)]
            )
        elif isinstance(contents, ArrayObject):
            refs = [self._clone(source, r) for r in contents]
        elif contents is None:
            refs = []
        else:  # a direct stream, not allowed by the spec but seen in the wild
            refs = [self.add_object(self._clone(source, contents))]

        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        new_resources = DictionaryObject()
        for key, value in resources.items():
            new_resources[key] = self._clone(source, value)

        if matrix is not None:
            a, b, c, d, e, f, x0, y0, x1, y1 = matrix
            head = (
                f"q {_n(a)} {_n(b)} {_n(c)} {_n(d)} {_n(e)} {_n(f)} cm "
                f"{_n(x0)} {_n(y0)} {_n(x1 - x0)} {_n(y1 - y0)} re W n\n"
            ).encode()
            refs = [self.add_object(_stream(head)), *refs, self.add_object(_stream(b"\nQ\n"))]
            box = ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(A4[0]), FloatObject(A4[1])]
            )
            new[_name("/MediaBox")] = box
            new.pop("/CropBox", None)
            new.pop("/Rotate", None)

        if footer is not None and self.footer_font is not None:
            fonts = resources.get("/Font")
            new_fonts = DictionaryObject()
            if fonts is not None:
                for key, value in fonts.get_object().items():
                    new_fonts[key] = self._clone(source, value)
            new_fonts[_name("/WirFooterFont")] = IndirectObject(self._footer_font_num, 0, None)
            new_resources[_name("/Font")] = new_fonts
            refs = [IndirectObject(self._open_num, 0, None), *refs, self._footer_ref(footer)]
        new[_name("/Resources")] = new_resources
        new[_name("/Contents")] = ArrayObject(refs)

        if structure and "/StructParents" in page:
            new[_name("/StructParents")] = NumberObject(page["/StructParents"])
            new[_name("/Tabs")] = _name("/S")  # tab order: the structure's order
        if links and "/Annots" in page:
            annots = self._internal_links(source, page, structure)
            if annots:
                new[_name("/Annots")] = ArrayObject(annots)
        self._write_object(num, new)

    def _footer_ref(self, footer: Footer) -> IndirectObject:
        return self.add_object(_stream(self._footer_content(footer)))

    def _footer_content(self, footer: Footer) -> bytes:
        font = self.footer_font
        # A pagination artifact: outside the structure tree, skipped by screen readers.
        parts = [
            b"Q\nq\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n",
            b"%s g\n" % _n(footer.gray).encode(),
            b"BT\n",
        ]
        left, _ = font.encode(footer.left)
        right, right_width = font.encode(footer.right)
        size = _n(footer.size).encode()
        parts.append(
            b"/WirFooterFont %s Tf 1 0 0 1 %s %s Tm %s Tj\n"
            % (size, _n(footer.left_x).encode(), _n(footer.y).encode(), left)
        )
        x = footer.right_x - right_width * footer.size / 1000
        parts.append(b"1 0 0 1 %s %s Tm %s Tj\n" % (_n(x).encode(), _n(footer.y).encode(), right))
        parts.append(b"ET\nEMC\nQ\n")
        return b"".join(parts)

    def _internal_links(self, source, page, structure=False) -> list[IndirectObject]:
        """The page's links to ``https://bundle.invalid/seite/<n>`` as internal links. With
        ``structure`` every other link is kept too (copied; its destination on the copied
        pages), so that each ``Link`` element of the structure tree has its annotation."""
        result = []
        for ref in page["/Annots"]:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            uri = str(action.get("/URI", "")) if action is not None else ""
            match = INTERNAL_LINK.match(uri)
            target = int(match.group(1)) - 1 if match else -1
            if not 0 <= target < self.page_count:
                if structure and isinstance(ref, IndirectObject):
                    result.append(self._ref(source, ref))
                continue
            link = DictionaryObject()
            link[_name("/Type")] = _name("/Annot")
            link[_name("/Subtype")] = _name("/Link")
            link[_name("/Rect")] = self._clone(source, annot["/Rect"])
            link[_name("/Border")] = ArrayObject([NumberObject(0)] * 3)
            link[_name("/F")] = NumberObject(4)
            link[_name("/Dest")] = ArrayObject(
                [IndirectObject(self.page_nums[target], 0, None), _name("/Fit")]
            )
            if structure and "/StructParent" in annot:
                link[_name("/StructParent")] = NumberObject(annot["/StructParent"])
                contents = annot.get("/Contents")
                if contents is not None:
                    link[_name("/Contents")] = TextStringObject(str(contents))
                if isinstance(ref, IndirectObject):  # the structure's OBJR leads here
                    num = self._alloc()
                    source.numbers[(ref.idnum, ref.generation)] = num
                    self._write_object(num, link)
                    result.append(IndirectObject(num, 0, None))
                    continue
            result.append(self.add_object(link))
        return result

    # The end -------------------------------------------------------------------------------
    def _outline(self, items: Sequence[OutlineItem], parent: int) -> tuple[int, int, int]:
        """Writes ``items`` as children of object ``parent``; returns (first, last, count)."""
        nums = [self._alloc() for _ in items]
        total = 0
        for i, (item, num) in enumerate(zip(items, nums, strict=True)):
            obj = DictionaryObject()
            obj[_name("/Title")] = TextStringObject(item.title)
            obj[_name("/Parent")] = IndirectObject(parent, 0, None)
            if i:
                obj[_name("/Prev")] = IndirectObject(nums[i - 1], 0, None)
            if i + 1 < len(nums):
                obj[_name("/Next")] = IndirectObject(nums[i + 1], 0, None)
            page = min(max(item.page, 0), self.page_count - 1)
            obj[_name("/Dest")] = ArrayObject(
                [IndirectObject(self.page_nums[page], 0, None), _name("/Fit")]
            )
            if item.children:
                first, last, count = self._outline(item.children, num)
                obj[_name("/First")] = IndirectObject(first, 0, None)
                obj[_name("/Last")] = IndirectObject(last, 0, None)
                # Negative: closed, so the list of applications stays short when opened.
                obj[_name("/Count")] = NumberObject(-count)
            self._write_object(num, obj)
            total += 1
        return nums[0], nums[-1], total

    def finish(
        self,
        *,
        outline: Sequence[OutlineItem] = (),
        catalog_from: PdfReader | None = None,
        info: dict[str, str] | None = None,
    ) -> None:
        """Writes the page tree, outline, catalog, cross-reference table and trailer.

        From ``catalog_from`` (a WeasyPrint PDF/A document) the XMP metadata, the
        OutputIntents, the language and the document information are copied, so the XMP
        packet and the information dictionary agree as PDF/A requires; its structure tree
        too, when its pages were added with ``structure=True``."""
        if self.written != self.page_count:
            raise ValueError(f"{self.written} pages written, {self.page_count} announced.")
        pages = DictionaryObject()
        pages[_name("/Type")] = _name("/Pages")
        pages[_name("/Kids")] = ArrayObject(IndirectObject(n, 0, None) for n in self.page_nums)
        pages[_name("/Count")] = NumberObject(self.page_count)
        self._write_object(self.pages_num, pages)

        catalog = DictionaryObject()
        catalog[_name("/Type")] = _name("/Catalog")
        catalog[_name("/Pages")] = IndirectObject(self.pages_num, 0, None)
        if outline:
            root = self._alloc()
            first, last, count = self._outline(outline, root)
            obj = DictionaryObject()
            obj[_name("/Type")] = _name("/Outlines")
            obj[_name("/First")] = IndirectObject(first, 0, None)
            obj[_name("/Last")] = IndirectObject(last, 0, None)
            obj[_name("/Count")] = NumberObject(count)
            self._write_object(root, obj)
            catalog[_name("/Outlines")] = IndirectObject(root, 0, None)
            catalog[_name("/PageMode")] = _name("/UseOutlines")
        info_dict = DictionaryObject()
        if catalog_from is not None:
            source = self._structure_source
            keys = ["/Metadata", "/OutputIntents", "/Lang"]
            if source is not None and source.reader is catalog_from:
                keys += ["/StructTreeRoot", "/MarkInfo"]
            else:
                source = _Source(catalog_from)
            root_obj = catalog_from.trailer["/Root"].get_object()
            for key in keys:
                if key in root_obj:
                    catalog[_name(key)] = self._clone(source, root_obj.raw_get(key))
            if "/Info" in catalog_from.trailer:
                for key, value in catalog_from.trailer["/Info"].get_object().items():
                    info_dict[_name(key)] = self._clone(source, value)
            self._drain(source)
        for key, value in (info or {}).items():
            info_dict[_name(key)] = TextStringObject(value)
        viewer = DictionaryObject()
        viewer[_name("/DisplayDocTitle")] = BooleanObject(True)
        catalog[_name("/ViewerPreferences")] = viewer
        root_ref = self.add_object(catalog)
        info_ref = self.add_object(info_dict)

        xref_at = self._pos
        size = len(self._offsets)
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        lines.extend(b"%010d 00000 n \n" % offset for offset in self._offsets[1:])
        self._emit(b"".join(lines))
        file_id = hashlib.md5(  # noqa: S324 - a file identifier, not security
            b"%d-%d" % (xref_at, size), usedforsecurity=False
        ).hexdigest()
        trailer = DictionaryObject()
        trailer[_name("/Size")] = NumberObject(size)
        trailer[_name("/Root")] = root_ref
        trailer[_name("/Info")] = info_ref
        ident = ByteStringObject(bytes.fromhex(file_id))
        trailer[_name("/ID")] = ArrayObject([ident, ident])
        out = [b"trailer\n"]
        self._ser(trailer, None, out)
        self._emit(b"".join(out))
        self._emit(b"\nstartxref\n%d\n%%%%EOF\n" % xref_at)


class _Raw(PdfObject):
    """Bytes written as they are: a value copied from a source, already serialised (a list
    of bytes and reference slots while ``pdf_segments`` records a segment)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | list):
        self.data = data

    def write_to_stream(self, stream) -> None:
        stream.write(self.data)


_NAMES: dict[str, bytes] = {}
LONG_ARRAY = 32


def _long_array(value) -> bool:
    return isinstance(value, ArrayObject) and len(value) > LONG_ARRAY


def _name_bytes(name: str) -> bytes:
    """A name as PDF writes it (with # escapes), cached: names repeat in every object."""
    data = _NAMES.get(name)
    if data is None:
        buffer = io.BytesIO()
        NameObject(name).write_to_stream(buffer)
        data = buffer.getvalue()
        if len(_NAMES) < 50_000:
            _NAMES[name] = data
    return data


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _n(value: float) -> str:
    """A number as PDF writes it: no exponent, at most 4 decimals."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
