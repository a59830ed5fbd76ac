"""PDF rendering with WeasyPrint, shared by receipts, decision letters and bundles.

Every PDF is PDF/A-3b (archival, fonts embedded) with title, author and creation date, and uses
KERN's Fira Sans from node_modules, so letters and portal look alike."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

PDF_VARIANT = "pdf/a-3b"


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


def render_pdf(
    template_name: str,
    context: dict,
    *,
    title: str,
    author: str = "Regierungspräsidium Darmstadt – WIR-Portal",
    created: dt.datetime | None = None,
    language: str = "de",
) -> bytes:
    """Render a Django template to PDF/A bytes. User text is escaped by the template engine."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    created = created or timezone.now()
    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_title": title})
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[CSS(string=fonts_css(), font_config=font_config)],
        font_config=font_config,
    )
    document.metadata.title = title
    document.metadata.authors = [author]
    document.metadata.created = created.isoformat()
    document.metadata.modified = created.isoformat()
    document.metadata.lang = language
    return document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
