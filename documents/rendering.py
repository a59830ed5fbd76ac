"""The one PDF renderer: WeasyPrint, shared by receipts, decision letters and bundles.

Every PDF uses KERN's Fira Sans from node_modules, so letters and portal look alike. The font
configuration and its stylesheet are built once per process (``_weasy``): loading and decoding
Fira Sans is the largest fixed cost of a small PDF. A worker process does it when it starts
(``warm_up``, called by ``documents.tasks``).

Only task-side modules import this one (receipts, letters, the parts and merge of bundles), so
the web process never loads WeasyPrint."""

from __future__ import annotations

import atexit
import datetime as dt
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

# Archival PDF with fonts embedded: receipts, letters and a bundle's front matter.
PDF_VARIANT = "pdf/a-3b"
AUTHOR = "Regierungspräsidium Darmstadt – WIR-Portal"


@cache
def fonts_css() -> str:
    fonts = Path(settings.NODE_MODULES) / "@kern-ux" / "native" / "dist" / "fonts" / "fira-sans"
    faces = []
    for weight, style, name in (
        (400, "normal", "FiraSans-Regular"),
        (400, "italic", "FiraSans-Italic"),
        (600, "normal", "FiraSans-SemiBold"),
        (700, "normal", "FiraSans-Bold"),
    ):
        path = fonts / f"{name}.woff2"
        if path.exists():
            faces.append(
                "@font-face { font-family: 'Fira Sans'; "
                f"src: url('{path.as_uri()}') format('woff2'); "
                f"font-weight: {weight}; font-style: {style}; }}"
            )
    return "\n".join(faces)


@cache
def _weasy() -> tuple[FontConfiguration, CSS]:
    """One FontConfiguration and font stylesheet per process."""
    font_config = FontConfiguration()
    # Dropped before the interpreter tears down the modules its destructor needs.
    atexit.register(_weasy.cache_clear)
    return font_config, CSS(string=fonts_css(), font_config=font_config)


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
    font_config, fonts = _weasy()
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[fonts], font_config=font_config
    )
    document.metadata.title = title
    document.metadata.authors = [author]
    document.metadata.created = created.isoformat()
    document.metadata.modified = created.isoformat()
    document.metadata.lang = language
    return document.write_pdf(pdf_variant=variant, uncompressed_pdf=False)


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
    html = (
        "<!DOCTYPE html><html lang='de'><head><title>x</title></head><body><p>x</p></body></html>"
    )
    render_html_pdf(html, title="x", created=timezone.now(), variant=None)
