"""Pages and footers for ``pdf_writer.StreamingPdfWriter``: the A4 page, the running footer of a
page and the font it is drawn with (glyphs taken from a PDF rendered by WeasyPrint), and the
transformation that shows any page on A4. No Django in here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

A4 = (595.275591, 841.889764)


class FooterFont:
    """The glyphs of a font embedded by WeasyPrint, for drawing short footer texts.

    ``sample_pdf`` must be a PDF whose first page shows every character the footers will use
    in one font (see ``documents.bundles.merge._footer_sample``). Its ToUnicode map tells
    which glyph (CID) shows which character, its /W array how wide each glyph is."""

    def __init__(self, sample_pdf: str | BinaryIO):
        self.reader = PdfReader(sample_pdf)
        page = self.reader.pages[0]
        fonts = page["/Resources"]["/Font"].get_object()
        best: tuple[int, str, dict[str, int], dict[int, float]] | None = None
        for key, ref in fonts.items():
            font = ref.get_object()
            cids = _to_unicode_map(font)
            widths = _cid_widths(font)
            if best is None or len(cids) > best[0]:
                best = (len(cids), key, cids, widths)
        if best is None:
            raise ValueError("The footer sample has no font.")
        _, key, self.cids, self.widths = best
        self.font_ref = fonts.raw_get(key)
        self.default_width = 1000.0
        self.space = self.cids.get(" ")

    def encode(self, text: str) -> tuple[bytes, float]:
        """Hex string of the glyphs of ``text`` and its width in 1/1000 em. Characters the
        font does not have are left out."""
        out = []
        width = 0.0
        for char in text:
            cid = self.cids.get(char)
            if cid is None:
                continue
            out.append(b"%04x" % cid)
            width += self.widths.get(cid, self.default_width)
        return b"<" + b"".join(out) + b">", width

    def missing(self, text: str) -> set[str]:
        return {c for c in text if c not in self.cids}


def _to_unicode_map(font: DictionaryObject) -> dict[str, int]:
    """Character -> CID from a font's ToUnicode CMap (bfchar and bfrange, single chars)."""
    if "/ToUnicode" not in font:
        return {}
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    result: dict[str, int] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for cid, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            text = bytes.fromhex(uni).decode("utf-16-be", errors="ignore")
            if len(text) == 1:
                result.setdefault(text, int(cid, 16))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, uni in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(uni, 16)
            for offset, cid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                result.setdefault(chr(start + offset), cid)
    return result


def _cid_widths(font: DictionaryObject) -> dict[int, float]:
    widths: dict[int, float] = {}
    if "/DescendantFonts" not in font:
        return widths
    cid_font = font["/DescendantFonts"][0].get_object()
    w = cid_font.get("/W")
    if w is None:
        return widths
    w = list(w.get_object())
    i = 0
    while i < len(w):
        first = int(w[i])
        nxt = w[i + 1].get_object() if isinstance(w[i + 1], IndirectObject) else w[i + 1]
        if isinstance(nxt, ArrayObject | list):
            for offset, value in enumerate(nxt):
                widths[first + offset] = float(value)
            i += 2
        else:
            for cid in range(first, int(nxt) + 1):
                widths[cid] = float(w[i + 2])
            i += 3
    return widths


@dataclass(frozen=True)
class Footer:
    """What the running footer of one page says, and where (points from the bottom-left)."""

    left: str
    right: str
    left_x: float = 62.36  # 22 mm, the left page margin of the portal's PDFs
    right_x: float = A4[0] - 56.69  # 20 mm from the right edge
    y: float = 34.0  # 12 mm from the bottom
    size: float = 8.0
    gray: float = 0.333


def fit_to_a4(page, *, bottom_band: float) -> tuple[float, ...]:
    """The transformation for ``StreamingPdfWriter``: shows ``page`` (any size, any /Rotate)
    on an A4 page, centred and scaled down so that it leaves ``bottom_band`` points free at
    the bottom for the footer. Returns (a, b, c, d, e, f, x0, y0, x1, y1)."""
    box = page.cropbox
    x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))
    width, height = x1 - x0, y1 - y0
    rotate = int(page.get("/Rotate", 0) or 0) % 360
    if rotate in (90, 270):
        shown_w, shown_h = height, width
    else:
        shown_w, shown_h = width, height
    avail_w, avail_h = A4[0], A4[1] - bottom_band
    scale = min(avail_w / shown_w, avail_h / shown_h) if shown_w and shown_h else 1.0
    # Rotation (clockwise, as /Rotate is) of the box about its origin, then the shift that
    # puts the rotated box's lower-left corner at (0, 0).
    if rotate == 90:
        rot = (0, -1, 1, 0, -y0, x1)
    elif rotate == 180:
        rot = (-1, 0, 0, -1, x1, y1)
    elif rotate == 270:
        rot = (0, 1, -1, 0, y1, -x0)
    else:
        rot = (1, 0, 0, 1, -x0, -y0)
    dx = (avail_w - shown_w * scale) / 2
    dy = bottom_band + (avail_h - shown_h * scale) / 2
    a, b, c, d, e, f = rot
    matrix = (a * scale, b * scale, c * scale, d * scale, e * scale + dx, f * scale + dy)
    return (*matrix, x0, y0, x1, y1)
