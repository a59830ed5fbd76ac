"""A bounded look into an uploaded PDF: does it open, is it encrypted, does it carry JavaScript,
how much data does it unpack to.

Both the upload check (``core.validators.validate_upload``) and the bundle
(``documents.bundles.parts``, for files stored before that check existed) use it, so it lives
below both. It never holds a decompressed stream in memory: each
stream is inflated in small pieces that are counted and dropped, and the whole file may unpack
to at most ``settings.WIR_PDF_MAX_INFLATED_BYTES``. A "PDF bomb" (a small file whose streams
inflate to gigabytes) is therefore refused after reading at most that many bytes, with the
memory of one piece.

pypdf itself decodes only the cross-reference and object streams of a file (when it opens it
and when it fetches an object); ``pdf_limits`` caps those too, and ``inspect_pdf`` counts object
streams against the same total before pypdf sees them.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from pypdf import PdfReader, apply_configuration, get_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import ASCII85Decode, ASCIIHexDecode, LZWDecode, RunLengthDecode
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
)

DEFAULT_MAX_INFLATED_BYTES = 200 * 1024 * 1024
# A PDF with more objects than this is refused as too complex (a 20 MB file of ordinary
# documents has some ten thousand).
MAX_OBJECTS = 500_000
# pypdf unpacks object streams itself and keeps them while the file is open: together they
# may unpack to at most this (ordinary PDFs: a few hundred KB).
MAX_OBJECT_STREAM_BYTES = 32 * 1024 * 1024
# %%EOF must be this close to the end (as Acrobat requires), after trailing blanks.
EOF_WINDOW = 1024

_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024

# Codes of PdfProblem
DAMAGED = "damaged"
ENCRYPTED = "encrypted"
TOO_LARGE = "too_much_data"
NO_PAGES = "no_pages"

# Full and abbreviated filter names (ISO 32000-1, tables 6 and 94).
_FLATE = {"/FlateDecode", "/Fl"}
_LZW = {"/LZWDecode", "/LZW"}
_RUN_LENGTH = {"/RunLengthDecode", "/RL"}
_ASCII_HEX = {"/ASCIIHexDecode", "/AHx"}
_ASCII_85 = {"/ASCII85Decode", "/A85"}
# Actions that run something when the document is opened or a page or field is used.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}


class PdfProblem(Exception):
    """The PDF cannot be opened, or opening it would cost too much; ``code`` says why."""

    def __init__(self, code: str, detail: str = "", *, inflated: int = 0):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.inflated = inflated


@dataclass(frozen=True)
class PdfReport:
    pages: int
    inflated: int  # bytes all streams unpack to (as far as the portal ever unpacks them)
    encrypted: bool  # encrypted, but opens without a password (permissions only)
    active_content: bool  # JavaScript or launch actions


def max_inflated_bytes() -> int:
    return int(getattr(settings, "WIR_PDF_MAX_INFLATED_BYTES", DEFAULT_MAX_INFLATED_BYTES))


@contextlib.contextmanager
def pdf_limits(limit: int | None = None) -> Iterator[None]:
    """pypdf's own decompression limits, per stream, no higher than ``limit`` nor
    ``MAX_OBJECT_STREAM_BYTES`` (pypdf unpacks only cross-reference and object streams of a
    file it copies). Use it around everything that reads an uploaded PDF with pypdf."""
    limit = min(max_inflated_bytes() if limit is None else limit, MAX_OBJECT_STREAM_BYTES)
    current = get_configuration()
    names = (
        "zlib_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "jbig2_maximum_output_length",
        "brotli_maximum_output_length",
        "array_based_stream_maximum_output_length",
    )
    overwrites = {name: min(getattr(current, name), limit) for name in names}
    with apply_configuration(**overwrites):
        yield


class _Budget:
    """Counts inflated bytes; raises once there are more than ``limit``."""

    def __init__(self, limit: int):
        self.limit = limit
        self.total = 0

    @property
    def remaining(self) -> int:
        return max(self.limit - self.total, 0)

    def add(self, count: int) -> None:
        self.total += count
        if self.total > self.limit:
            raise PdfProblem(TOO_LARGE, f"more than {self.limit} bytes", inflated=self.total)


def _inflate(data: bytes, budget: _Budget, *, keep: bool) -> bytes:
    """Inflates ``data`` piece by piece, counting each piece; returns the result only with
    ``keep`` (for a filter that follows), else b"". Garbage after the end of the data and a
    missing checksum are tolerated (as viewers do); broken data in between is damage."""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
    kept: list[bytes] = []
    view = memoryview(data)
    try:
        for start in range(0, len(view), _IN_CHUNK):
            chunk: bytes | memoryview = view[start : start + _IN_CHUNK]
            while chunk and not decompressor.eof:
                piece = decompressor.decompress(chunk, _OUT_CHUNK)
                budget.add(len(piece))
                if keep:
                    kept.append(piece)
                chunk = decompressor.unconsumed_tail
            if decompressor.eof:
                break
        while not decompressor.eof:
            piece = decompressor.decompress(b"", _OUT_CHUNK)
            if not piece:
                break
            budget.add(len(piece))
            if keep:
                kept.append(piece)
    except zlib.error as exc:
        raise PdfProblem(DAMAGED, f"broken compressed data: {exc}") from exc
    return b"".join(kept)


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _filters(stream: StreamObject) -> list[str]:
    value = _resolve(dict.get(stream, "/Filter"))
    if isinstance(value, ArrayObject):
        return [str(_resolve(v)) for v in value]
    return [str(value)] if isinstance(value, NameObject) else []


def _decode_parms(stream: StreamObject, index: int):
    value = _resolve(dict.get(stream, "/DecodeParms"))
    if isinstance(value, ArrayObject):
        value = _resolve(value[index]) if index < len(value) else None
    return value if isinstance(value, DictionaryObject) else None


def _count_stream(stream: StreamObject, budget: _Budget) -> None:
    """Decodes ``stream`` as far as text filters go, counting what comes out. Image filters
    (DCT, JPX, JBIG2, CCITT) end the count: the portal never decodes images."""
    data = stream._data
    filters = _filters(stream)
    for index, name in enumerate(filters):
        last = index == len(filters) - 1
        if name in _FLATE:
            data = _inflate(data, budget, keep=not last)
            continue
        if name in _LZW or name in _RUN_LENGTH:
            # pypdf's decoders return the whole result: rare old filters, capped per stream.
            cap = min(budget.remaining, MAX_OBJECT_STREAM_BYTES) + 1
            try:
                with apply_configuration(
                    lzw_maximum_output_length=cap, run_length_maximum_output_length=cap
                ):
                    decoder = LZWDecode if name in _LZW else RunLengthDecode
                    data = decoder.decode(data, _decode_parms(stream, index))
            except LimitReachedError as exc:
                raise PdfProblem(TOO_LARGE, f"{name} stream: {exc}"[:200]) from exc
            except Exception:  # noqa: BLE001 - a damaged stream: count what we have
                return
            budget.add(len(data))
        elif name in _ASCII_HEX or name in _ASCII_85:  # never longer than its input
            try:
                decoder = ASCIIHexDecode if name in _ASCII_HEX else ASCII85Decode
                data = decoder.decode(data)
            except Exception:  # noqa: BLE001
                return
            if isinstance(data, str):
                data = data.encode("latin-1")
        else:
            return
        if last:
            return


def _has_active_content(obj: DictionaryObject) -> bool:
    if "/JS" in obj or "/JavaScript" in obj:
        return True
    action = _resolve(dict.get(obj, "/S"))
    return isinstance(action, NameObject) and str(action) in ACTIVE_ACTIONS


def _has_eof_marker(fileobj: IO[bytes]) -> bool:
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(max(size - 8 * EOF_WINDOW, 0))
    tail = fileobj.read().rstrip(b"\x00\t\n\x0c\r ")
    fileobj.seek(0)
    return b"%%EOF" in tail[-EOF_WINDOW:]


def inspect_pdf(fileobj: IO[bytes], *, limit: int | None = None) -> PdfReport:
    """Opens the PDF in ``fileobj`` (seekable) and follows every object from its trailer.

    Raises ``PdfProblem`` when it is damaged or truncated (``DAMAGED``), cannot be opened
    without a password (``ENCRYPTED``), unpacks to more than ``limit`` bytes (``TOO_LARGE``,
    default ``settings.WIR_PDF_MAX_INFLATED_BYTES``) or has no pages (``NO_PAGES``)."""
    limit = max_inflated_bytes() if limit is None else limit
    budget = _Budget(limit)
    try:
        if not _has_eof_marker(fileobj):
            raise PdfProblem(DAMAGED, "no %%EOF at the end: the file is truncated")
        with pdf_limits(limit):
            report = _inspect(PdfReader(fileobj, strict=False), budget)
    except PdfProblem:
        raise
    except LimitReachedError as exc:
        raise PdfProblem(TOO_LARGE, str(exc)[:200], inflated=budget.total) from exc
    except Exception as exc:  # noqa: BLE001 - whatever pypdf stumbles over: damaged
        raise PdfProblem(DAMAGED, f"{type(exc).__name__}: {exc}"[:200]) from exc
    finally:
        fileobj.seek(0)
    return report


def _inspect(reader: PdfReader, budget: _Budget) -> PdfReport:
    encrypted = reader.is_encrypted
    if encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # noqa: BLE001 - e.g. an unsupported encryption method
            raise PdfProblem(ENCRYPTED, str(exc)[:200]) from exc
        if not opened:
            raise PdfProblem(ENCRYPTED, "a password is needed")
    # Object streams first, counted by us: pypdf inflates (and keeps) them as it fetches
    # the objects inside.
    object_streams = _Budget(min(budget.limit, MAX_OBJECT_STREAM_BYTES))
    for number in sorted({stream for stream, _index in reader.xref_objStm.values()}):
        stream = reader.get_object(number)
        if isinstance(stream, StreamObject):
            _count_stream(stream, object_streams)
    budget.add(object_streams.total)
    pages = len(reader.pages)
    if not pages:
        raise PdfProblem(NO_PAGES)
    active = False
    seen: set[tuple[int, int]] = set()
    todo: list = [v for k, v in reader.trailer.items() if k != "/Encrypt"]
    while todo:
        obj = todo.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_OBJECTS:
                raise LimitReachedError(f"more than {MAX_OBJECTS} objects")
            obj = obj.get_object()
        if obj is None or isinstance(obj, NullObject):
            continue
        if isinstance(obj, DictionaryObject):  # streams included
            active = active or _has_active_content(obj)
            if isinstance(obj, StreamObject) and dict.get(obj, "/Type") != "/ObjStm":
                _count_stream(obj, budget)
            todo.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            todo.extend(list.__iter__(obj))
    return PdfReport(pages=pages, inflated=budget.total, encrypted=encrypted, active_content=active)
