"""The front matter of a bundle: cover, contents with page numbers and links, and the ranking
when scores exist, rendered until its own page count settles."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from applications.models import Application
from documents.models import ApplicationPdfCache
from documents.pdf_writer import OutlineItem
from documents.rendering import PDF_VARIANT_MERGED, render_html_document, write_document

from .parts import UNREADABLE
from .selection import selection_label

FRONT_TEMPLATE = "pdf/bundle_front.html"
# A link to page n of the bundle in the contents (rewritten to an internal link at merge).
PAGE_LINK = "https://bundle.invalid/seite/{}"


@dataclass
class Entry:
    """An application in the bundle: its part and where it starts (1-based page)."""

    application: Application
    cache: ApplicationPdfCache
    start: int = 0


def render_front(job, entries, rows, now, *, guess: int = 2) -> tuple[bytes, int]:
    """Cover, contents and ranking, with the page numbers of the parts. Their own length
    shifts those numbers, so lay it out until the page count no longer changes, starting
    from ``guess`` pages (the previous bundle's front matter, when there is one: then one
    layout is enough). Only the last layout is written as PDF."""
    front_pages = max(guess, 1)
    for _attempt in range(6):
        page = front_pages + 1
        for entry in entries:
            entry.start = page
            page += entry.cache.pages
        document = render_html_document(
            render_to_string(FRONT_TEMPLATE, front_context(job, entries, rows, now)),
            title=_("Antragsbündel %(round)s") % {"round": job.round.title},
            created=now,
        )
        count = len(document.pages)
        if count == front_pages:
            # Tagged, but identified as PDF/A-3b: the merged bundle takes over this catalog,
            # and its parts stay untagged (see documents.pdf_writer).
            return write_document(document, variant=PDF_VARIANT_MERGED, tagged=True), count
        front_pages = count
    raise RuntimeError("The page count of the contents does not settle.")


def front_context(job, entries, rows, now) -> dict:
    apps = [e.application for e in entries]
    starts = {e.application.pk: e.start for e in entries}
    ranking = []
    for row in rows or []:
        ranking.append({"row": row, "page": starts.get(row.application.pk)})
    return {
        "job": job,
        "round": job.round,
        "now": timezone.localtime(now),
        "entries": [
            {
                "application": e.application,
                "page": e.start,
                "link": PAGE_LINK.format(e.start),
                "pages": e.cache.pages,
                "attachments": e.cache.attachments,
                "unreadable": [a for a in e.cache.attachments if a["state"] == UNREADABLE],
            }
            for e in entries
        ],
        "count": len(apps),
        "requested_total": sum((a.requested_grant for a in apps), Decimal("0.00")),
        "cost_total": sum((a.total_cost for a in apps), Decimal("0.00")),
        "own_total": sum((a.own_funds for a in apps), Decimal("0.00")),
        "third_total": sum((a.third_party_funds for a in apps), Decimal("0.00")),
        "ranking": ranking,
        "selection_label": selection_label(job),
        "pdf_title": _("Antragsbündel %(round)s") % {"round": job.round.title},
    }


def front_outline(reader: PdfReader) -> list[OutlineItem]:
    items = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        items.append(OutlineItem(str(item.title), reader.get_destination_page_number(item)))
    return items
