"""The one PDF renderer: WeasyPrint, shared by receipts, decision letters and bundles.

Every PDF uses KERN's Fira Sans from node_modules, so letters and portal look alike. KERN ships
it as WOFF2, which WeasyPrint would decode (fontTools, about half a second per face) in every
process that builds a font configuration. So:

* the four faces are decoded to TrueType once per machine into ``WIR_PDF_FONT_CACHE`` (named by
  the hash of their WOFF2 file, written atomically, so worker processes share them; a process
  that cannot write there decodes into a private temporary folder), and the font stylesheet
  points at those files;
* the font configuration and its stylesheet are built once per process (``_weasy``) and reused
  by every receipt, letter and bundle part; a worker process does that when it starts
  (``warm_up``, called by ``documents.tasks``).

WeasyPrint subsets the embedded fonts when it writes a PDF; with HarfBuzz-Subset that is quick,
without it fontTools re-reads each whole face on every render (seconds per PDF), which
``warm_up`` reports.

Only task-side modules import this one (receipts, letters, the parts and merge of bundles), so
the web process never loads WeasyPrint.

Variant: PDF/A-3a that also identifies itself as PDF/UA-1
---------------------------------------------------------
WeasyPrint 70 writes one variant per document: PDF/A-1b/2b/3b (archive, untagged), 2u/3u/4u
(archive, text extractable), 1a/2a/3a (archive *and* tagged: level "a" requires the logical
structure, Unicode text and a natural language), 4e/4f, and PDF/UA-1/2 (tagged for
accessibility, but no PDF/A identification, OutputIntent or PDF/A restrictions). Neither
family alone is both. So every portal PDF is written as ``pdf/a-3a`` (tags, MarkInfo, Lang,
DisplayDocTitle, sRGB OutputIntent, embedded fonts) and the XMP packet additionally carries
the PDF/UA-1 identification (``pdfuaid:part=1``) with the PDF/A extension schema that declares
that property, as PDF/A requires for a property outside its predefined schemas
(``PortalMetadata``). Part 3 rather than 2: it is what the portal wrote before (PDF/A-3b), and
it allows embedded files of any kind (a machine-readable copy of a letter, later). PDF/UA-2
and PDF/A-4 need PDF 2.0, which many readers and archive validators still handle less well.

Fonts: Fira Sans first, then Noto Sans (Latin, Greek, Cyrillic beyond Fira's), Noto Sans
Arabic and Hebrew from Debian's ``fonts-noto-core`` (``FALLBACK_FAMILIES``); for emoji and
whatever else none of them has, fontconfig's fallback picks an installed face: Noto Color Emoji
(``fonts-noto-color-emoji``), the other Noto scripts, DejaVu Sans (symbols). All of them are
embedded (subset). Emoji of the colour font are drawn as images over an embedded font of empty
glyphs (WeasyPrint's way for bitmap emoji), so their text stays extractable."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import hashlib
import io
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from fontTools.ttLib import woff2
from weasyprint import CSS, HTML
from weasyprint.pdf.metadata import NS as XMP_NS
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text import ffi as weasy_ffi
from weasyprint.text.fonts import FontConfiguration

logger = logging.getLogger(__name__)

# Archival and tagged (see the docstring): receipts, letters, every PDF of the portal.
PDF_VARIANT = "pdf/a-3a"
# Written with tags but identified as PDF/A-3b only: a bundle's front matter, whose catalog the
# merged bundle takes over while most of its pages (the parts, the attachments) stay untagged.
PDF_VARIANT_MERGED = "pdf/a-3b"
# The PDF/UA part the XMP packet names next to the PDF/A identification.
PDF_UA_PART = 1
# Families tried after Fira Sans for characters it lacks (Debian: fonts-noto-core), named in
# templates/pdf/_base.css (``font_stack``). Not the emoji font: named in the list, Pango would
# draw digits and "#" with it (they start keycap emoji), and page numbers would change width;
# fontconfig's own fallback finds it (fonts-noto-color-emoji) for real emoji only.
FALLBACK_FAMILIES = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew")
EMOJI_FAMILY = "Noto Color Emoji"
AUTHOR = "Regierungspräsidium Darmstadt – WIR-Portal"

# The faces of Fira Sans the PDFs use: (weight, style, file name without ".woff2").
FACES = (
    (400, "normal", "FiraSans-Regular"),
    (400, "italic", "FiraSans-Italic"),
    (600, "normal", "FiraSans-SemiBold"),
    (700, "normal", "FiraSans-Bold"),
)
# Allocations between two collections of the youngest generation while a PDF is rendered
# (``fewer_collections``; Python's default is 700).
GC_THRESHOLD = 20_000
TRUETYPE_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO")


def kern_fonts_dir() -> Path:
    return Path(settings.NODE_MODULES) / "@kern-ux" / "native" / "dist" / "fonts" / "fira-sans"


@cache
def _private_font_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="wir-pdf-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _is_truetype(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) in TRUETYPE_MAGIC
    except OSError:
        return False


def decoded_font(source: Path) -> Path:
    """The TrueType file of the WOFF2 font ``source``: from the font cache, or decoded now and
    stored there (atomically: a concurrent process finds the whole file or none)."""
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:32]
    decoded: bytes | None = None
    for folder in (Path(settings.WIR_PDF_FONT_CACHE), None):
        folder = folder or _private_font_dir()
        target = folder / f"{source.stem}-{digest}.ttf"
        if _is_truetype(target):
            return target
        if decoded is None:
            out = io.BytesIO()
            woff2.decompress(io.BytesIO(data), out)
            decoded = out.getvalue()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as fh:
                fh.write(decoded)
            os.chmod(fh.name, 0o644)
            os.replace(fh.name, target)
            return target
        except OSError:
            logger.warning("Cannot write the decoded font to %s", folder, exc_info=True)
    raise OSError(f"No folder to store the decoded font {source.name} in.")


@cache
def fonts_css() -> str:
    """``@font-face`` rules for Fira Sans, pointing at the decoded TrueType files."""
    faces = []
    for weight, style, name in FACES:
        path = kern_fonts_dir() / f"{name}.woff2"
        if path.exists():
            faces.append(
                "@font-face { font-family: 'Fira Sans'; "
                f"src: url('{decoded_font(path).as_uri()}') format('truetype'); "
                f"font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(faces)


def font_stack() -> str:
    """The CSS ``font-family`` value of every PDF: Fira Sans, then the fallbacks."""
    return ", ".join(f'"{name}"' for name in ("Fira Sans", *FALLBACK_FAMILIES)) + ", sans-serif"


_PDFUA_EXTENSION = f"""<rdf:Description rdf:about=""
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"
    xmlns:rdf="{XMP_NS["rdf"]}">
  <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>{XMP_NS["pdfuaid"]}</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
      <pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
      <pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
  </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""  # noqa: E501


# PDF/A wants these prefixes for the extension schema (veraPDF checks them).
for _prefix, _uri in (
    ("pdfaExtension", "http://www.aiim.org/pdfa/ns/extension/"),
    ("pdfaSchema", "http://www.aiim.org/pdfa/ns/schema#"),
    ("pdfaProperty", "http://www.aiim.org/pdfa/ns/property#"),
):
    ElementTree.register_namespace(_prefix, _uri)


class PortalMetadata(DocumentMetadata):
    """WeasyPrint's metadata, whose XMP packet of a PDF/A document also names PDF/UA-1 (see
    the module's docstring), inside the one ``rdf:RDF`` element."""

    ua_part: int | None = PDF_UA_PART

    def generate_rdf_metadata(self, variant, version, conformance):
        xml = super().generate_rdf_metadata(variant, version, conformance)
        if variant != "a" or not self.ua_part:
            return xml
        # Both parsed texts are ours (WeasyPrint's packet, the constant), not user input.
        rdf = ElementTree.fromstring(xml)  # noqa: S314
        ua = ElementTree.SubElement(rdf, f"{{{XMP_NS['rdf']}}}Description")
        ua.attrib[f"{{{XMP_NS['rdf']}}}about"] = ""
        ua.attrib[f"{{{XMP_NS['pdfuaid']}}}part"] = str(self.ua_part)
        rdf.append(ElementTree.fromstring(_PDFUA_EXTENSION))  # noqa: S314
        return ElementTree.tostring(rdf, encoding="utf-8")


@cache
def _weasy() -> tuple[FontConfiguration, CSS]:
    """One FontConfiguration and font stylesheet per process, for every PDF it renders."""
    font_config = FontConfiguration()
    # Dropped before the interpreter tears down the modules its destructor needs.
    atexit.register(_weasy.cache_clear)
    return font_config, CSS(string=fonts_css(), font_config=font_config)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector less often while WeasyPrint lays out and writes:
    its boxes and styles are hundreds of thousands of young objects, and with the default
    threshold (700) the collector runs so often that its older generations, which hold the
    whole of Django and the fonts, are scanned again and again (about a fifth of a render).
    Cycles are still collected, in fewer, larger batches."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def render_html_document(
    html: str, *, title: str, created: dt.datetime, author: str = AUTHOR, language: str = "de"
):
    """Lays ``html`` out (a WeasyPrint ``Document``: its ``pages`` are known) without writing
    the PDF yet; ``write_document`` writes it. For a caller that needs the page count first
    (a bundle's front matter)."""
    font_config, fonts = _weasy()
    with fewer_collections():
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[fonts], font_config=font_config
        )
    metadata = PortalMetadata(**vars(document.metadata))
    document.metadata = metadata
    metadata.title = title
    metadata.authors = [author]
    metadata.created = created.isoformat()
    metadata.modified = created.isoformat()
    metadata.lang = language
    return document


def write_document(
    document, *, variant: str | None = PDF_VARIANT, tagged: bool | None = None
) -> bytes:
    """The PDF bytes of a document from ``render_html_document``. ``tagged`` (default: as the
    variant says) writes the structure tree for a variant without one, e.g. the front matter
    of a bundle (``PDF_VARIANT_MERGED``)."""
    if isinstance(document.metadata, PortalMetadata):
        # Only the full variant (tagged PDF/A-3a) claims PDF/UA.
        document.metadata.ua_part = PDF_UA_PART if variant == PDF_VARIANT else None
    options = {} if tagged is None else {"pdf_tags": tagged}
    with fewer_collections():
        return document.write_pdf(pdf_variant=variant, uncompressed_pdf=False, **options)


def render_html_pdf(
    html: str,
    *,
    title: str,
    created: dt.datetime,
    variant: str | None = PDF_VARIANT,
    author: str = AUTHOR,
    language: str = "de",
) -> bytes:
    """Renders ``html`` to PDF bytes with title, author, language and creation date;
    ``variant=None`` for a plain PDF (a bundle's parts, whose catalog the bundle replaces)."""
    document = render_html_document(
        html, title=title, created=created, author=author, language=language
    )
    return write_document(document, variant=variant)


def render_pdf(
    template_name: str,
    context: dict,
    *,
    title: str,
    author: str = AUTHOR,
    created: dt.datetime | None = None,
    language: str = "de",
) -> bytes:
    """Renders a Django template to PDF/A bytes. User text is escaped by the template
    engine."""
    created = created or timezone.now()
    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_title": title})
    return render_html_pdf(html, title=title, created=created, author=author, language=language)


def warm_up() -> None:
    """Loads fonts and WeasyPrint's lazy parts by rendering a tiny document."""
    if getattr(weasy_ffi, "harfbuzz_subset", True) is None:
        logger.warning(
            "HarfBuzz-Subset is missing: WeasyPrint subsets fonts with fontTools, which takes "
            "seconds per PDF. Install libharfbuzz-subset0."
        )
    html = (
        "<!DOCTYPE html><html lang='de'><head><title>x</title></head><body><p>x</p></body></html>"
    )
    render_html_pdf(html, title="x", created=timezone.now(), variant=None)
