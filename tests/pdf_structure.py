"""Looks into a PDF's accessibility structure with pikepdf (issue 16): the catalog's tags and
language, the XMP identification, the embedded fonts and which characters they map, the
structure tree's elements, and content outside marked content."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pikepdf

# Operators that paint something (text, paths, images, shadings, inline images).
PAINTING = {
    "Tj", "TJ", "'", '"', "Do", "sh", "BI", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*",
}  # fmt: skip
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")


@dataclass
class StructureReport:
    catalog: pikepdf.Dictionary
    xmp: str
    tags: list[str] = field(default_factory=list)  # every structure element's /S, in order
    figures_alt: list[str | None] = field(default_factory=list)
    fonts: dict[str, dict] = field(default_factory=dict)  # BaseFont -> {embedded, chars}
    unmarked: list[tuple[int, str]] = field(default_factory=list)  # (page, operator)
    pages_without_struct_parents: list[int] = field(default_factory=list)

    @property
    def mapped_chars(self) -> set[str]:
        chars: set[str] = set()
        for font in self.fonts.values():
            chars |= font["chars"]
        return chars


def _utf16(hex_bytes: bytes) -> str:
    return bytes.fromhex(hex_bytes.decode()).decode("utf-16-be", errors="replace")


def to_unicode_chars(font: pikepdf.Dictionary) -> set[str]:
    """The characters a font's ToUnicode CMap maps its glyphs to."""
    if "/ToUnicode" not in font:
        return set()
    data = font.ToUnicode.read_bytes()
    chars: set[str] = set()
    for block in _BFCHAR.findall(data):
        values = _HEX.findall(block)
        for target in values[1::2]:
            chars.update(_utf16(target))
    for block in _BFRANGE.findall(data):
        for line in block.strip().splitlines():
            values = _HEX.findall(line)
            if len(values) < 3:
                continue
            low, high = int(values[0], 16), int(values[1], 16)
            if b"[" in line:
                for target in values[2:]:
                    chars.update(_utf16(target))
            else:
                start = _utf16(values[2])
                for offset in range(high - low + 1):
                    chars.add(start[:-1] + chr(ord(start[-1]) + offset))
    return chars


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams of the font itself
    descriptor_owner = font.DescendantFonts[0] if "/DescendantFonts" in font else font
    descriptor = descriptor_owner.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _walk_structure(element, report: StructureReport, depth: int = 0) -> None:
    if depth > 200:
        raise AssertionError("structure tree too deep (a cycle?)")
    if isinstance(element, pikepdf.Array):
        for child in element:
            _walk_structure(child, report, depth + 1)
        return
    if not isinstance(element, pikepdf.Dictionary):
        return  # a marked-content identifier (an integer)
    if element.get("/Type") in ("/MCR", "/OBJR"):
        return
    if "/S" in element:
        tag = str(element.S)[1:]
        report.tags.append(tag)
        if tag == "Figure":
            report.figures_alt.append(str(element.Alt) if "/Alt" in element else None)
    if "/K" in element:
        _walk_structure(element.K, report, depth + 1)


def _unmarked_operators(page: pikepdf.Page) -> list[str]:
    depth = 0
    found = []
    for _operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            depth += 1
        elif name == "EMC":
            depth -= 1
        elif name in PAINTING and depth <= 0:
            found.append(name)
    return found


def structure_report(pdf: bytes) -> StructureReport:
    document = pikepdf.open(io.BytesIO(pdf))
    catalog = document.Root
    xmp = catalog.Metadata.read_bytes().decode() if "/Metadata" in catalog else ""
    report = StructureReport(catalog=catalog, xmp=xmp)
    if "/StructTreeRoot" in catalog:
        _walk_structure(catalog.StructTreeRoot.get("/K"), report)
    for number, page in enumerate(document.pages, start=1):
        if "/StructParents" not in page.obj:
            report.pages_without_struct_parents.append(number)
        report.unmarked.extend((number, op) for op in _unmarked_operators(page))
        fonts = page.obj.Resources.get("/Font", {})
        for font in fonts.values():
            name = str(font.get("/BaseFont", font.objgen))
            entry = report.fonts.setdefault(name, {"embedded": _embedded(font), "chars": set()})
            entry["chars"] |= to_unicode_chars(font)
    report._document = document  # keep the file open while the catalog is used
    return report


def significant_chars(text: str) -> set[str]:
    """The characters of ``text`` a font must draw (not spaces or joiners, which are
    spacing or shaping, not glyphs of their own)."""
    invisible = {"\u200d", "\ufe0f", "\ufe0e", "\u200c", "\u200e", "\u200f"}
    return {c for c in text if not c.isspace() and c not in invisible}
