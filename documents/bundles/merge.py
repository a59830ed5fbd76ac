"""The merge: front matter and parts streamed into one file (``pdf_writer.StreamingPdfWriter``),
the bundle's footer on each page, bookmarks, and the PDF/A metadata and OutputIntent of the
WeasyPrint-rendered front matter. Each part comes as its stamped segment
(``pdf_segments``, made by the part's render task and kept beside the cached part), so the
merge copies it as bytes and fills in only object numbers and footers: a re-bundle after one
changed application stamps only that application.

Memory: the bundle is written to a local temporary file and stored from there
(``files.output_file``); each segment is copied from the storage in chunks of about a MB
(``files.open_segment``), so a merge holds per part only the segment's tables (two numbers per
object and per reference) and the front matter, never a whole part or the bundle."""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import string
import time
from collections.abc import Sequence

from django.core.cache import caches
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from applications.models import Application
from core.outbox import outbox_enqueue
from documents.models import BundleJob, BundleJobPart, BundleStatus
from documents.pdf_pages import Footer, FooterFont
from documents.pdf_segments import splice_segment
from documents.pdf_writer import OutlineItem, StreamingPdfWriter
from documents.rendering import render_html_pdf

from . import dispatch, selection
from .content import load_applications
from .files import file_exists, open_segment, output_file, remove_file
from .front import Entry, front_outline, render_front
from .jobs import bundle_job_fail
from .parts import part_for, stamp_part

logger = logging.getLogger(__name__)

# What the cover and contents show of an application (the long answers stay in the database).
FRONT_FIELDS = (
    "pk", "reference", "title", "status", "requested_grant", "own_funds", "third_party_funds",
    "round__id", "round__title", "round__reference_prefix", "round__budget",
    "lead_municipality__id", "lead_municipality__name",
)  # fmt: skip


# The characters a footer usually needs (a reference is prefix-year-number, a round's prefix
# letters; German words of the label): one font per worker process instead of a WeasyPrint
# render per merge. A label with anything else gets a font of its own.
FOOTER_CHARS = string.ascii_letters + string.digits + "ÄÖÜäöüß-–_./()&,:;+#'"
# How long the front matter's page count of a round's bundle is kept as the next merge's
# first guess (a guess only: the front matter is laid out again until it settles).
FRONT_GUESS_SECONDS = 30 * 24 * 3600


class PartsMissing(Exception):
    """The merge ran before every application's PDF was recorded (e.g. a task delivered
    twice let the chord fire early). The merge task retries."""


def bundle_merge(job_id: int) -> BundleJob | None:
    """Merges the parts of a job into the bundle file and finishes the job."""
    job = BundleJob.objects.select_related("round", "requested_by").filter(pk=job_id).first()
    if job is None or not job.is_open:
        return None
    started = time.perf_counter()
    parts = {
        p.application_id: p for p in BundleJobPart.objects.filter(job=job).select_related("cache")
    }
    if any(pk not in parts for pk in job.application_ids):
        raise PartsMissing(f"{len(parts)} of {len(job.application_ids)} parts recorded")
    applications = {
        a.pk: a
        for a in Application.objects.filter(pk__in=job.application_ids)
        .with_totals()
        .select_related("round", "lead_municipality")
        .only(*FRONT_FIELDS)
    }
    entries = []
    for pk in job.application_ids:
        part, application = parts[pk], applications.get(pk)
        if application is None:
            continue
        if part.cache is None or not file_exists(part.cache.file.name):
            # The cached file went away (cleaned up by hand?): render it again, here.
            entry, _rendered = part_for(load_applications([pk])[pk])
            BundleJobPart.objects.filter(pk=part.pk).update(cache=entry)
            part.cache = entry
        entries.append(Entry(application, part.cache))
    if not entries:
        bundle_job_fail(job.pk, _("Keiner der ausgewählten Anträge ist mehr vorhanden."))
        return None
    rows = selection.ranking_rows(job.round)
    rows = rows if selection.ranking_has_scores(rows) else None
    now = timezone.now()
    guess_key = front_guess_key(job.round_id, len(entries), ranking=rows is not None)
    front_pdf, front_pages = render_front(
        job, entries, rows, now, guess=_guess_cache().get(guess_key, 2)
    )
    _guess_cache().set(guess_key, front_pages, timeout=FRONT_GUESS_SECONDS)
    total_pages = front_pages + sum(e.cache.pages for e in entries)

    front_label = _("Antragsbündel %(prefix)s") % {"prefix": job.round.reference_prefix}
    labels = [front_label, *(e.application.reference or "" for e in entries)]
    font = footer_font(labels, total_pages)

    def footer(label: str, page: int) -> Footer:
        return Footer(
            left=label,
            right=_("Seite %(page)s von %(pages)s") % {"page": page, "pages": total_pages},
        )

    filename = f"Antragsbuendel_{job.round.reference_prefix}_{job.pk}.pdf"
    final_name = job.file.field.generate_filename(job, filename)
    front_reader = PdfReader(io.BytesIO(front_pdf))
    outline = front_outline(front_reader)
    digest = hashlib.sha256()
    # Written to a local temporary file, then stored (files.output_file): never in memory.
    with output_file(final_name) as stored:
        out = _HashingFile(stored.file, digest)
        writer = StreamingPdfWriter(out, page_count=total_pages, footer_font=font)
        writer.add_pages_from(
            front_reader,
            footers=[footer(front_label, i + 1) for i in range(front_pages)],
            links=True,
            structure=True,
        )
        for entry in entries:
            # The part as stamped by its render task (or now, for a part cached before
            # segments existed); only the numbers and footers are filled in here.
            name = entry.cache.file.name
            label = entry.application.reference or ""
            footers = [footer(label, entry.start + i) for i in range(entry.cache.pages)]
            with open_segment(name) as segment:
                if segment is not None and segment.pages == entry.cache.pages:
                    splice_segment(writer, segment, footers)
                else:
                    splice_segment(writer, stamp_part(name), footers)
            outline.append(_application_outline(entry))
        writer.finish(outline=outline, catalog_from=front_reader)
        size = out.count
    final_name = stored.name
    seconds = time.perf_counter() - started
    with transaction.atomic():
        locked = BundleJob.objects.select_for_update().get(pk=job.pk)
        if not locked.is_open:  # failed (time limit) or finished by a twin meanwhile
            transaction.on_commit(lambda: remove_file(final_name))
            return None
        locked.status = BundleStatus.DONE
        locked.file = final_name
        locked.filename = filename
        locked.size = size
        locked.sha256 = digest.hexdigest()
        locked.pages = total_pages
        locked.finished_at = timezone.now()
        locked.merge_seconds = seconds
        locked.error = ""
        locked.save(
            update_fields=[
                "status", "file", "filename", "size", "sha256", "pages", "finished_at",
                "merge_seconds", "error",
            ]
        )  # fmt: skip
        outbox_enqueue(dispatch.SEND_MAIL, job.pk)
    logger.info(
        "Bundle job %s done: %s pages, %s bytes, merged in %.1f s",
        job.pk,
        total_pages,
        size,
        seconds,
    )
    return locked


def _application_outline(entry: Entry) -> OutlineItem:
    app = entry.application
    base = entry.start - 1
    title = f"{app.reference} – {app.lead_municipality.name}"
    if app.title:
        title += f": {app.title}"
    return OutlineItem(
        title,
        base,
        [OutlineItem(o["title"], base + int(o["page"])) for o in entry.cache.outline],
    )


def front_guess_key(round_id: int, count: int, *, ranking: bool) -> str:
    """Cache key of the front matter's last page count for a round's bundle of ``count``."""
    return f"documents.bundle.front-pages:{round_id}:{count}:{ranking}"


def footer_font(labels: Sequence[str], total_pages: int) -> FooterFont:
    """The footer font for these labels and page count: the process's font of the usual
    characters (``_standard_footer_font``, rendered once per worker process), or, when a
    label has a character outside them, one rendered for this bundle."""
    sample = _("Seite %(page)s von %(pages)s") % {"page": "0123456789", "pages": total_pages}
    text = sample + "".join(labels)
    font = _standard_footer_font(translation.get_language() or "")
    if not font.missing(text.replace(" ", "")):
        return font
    return FooterFont(io.BytesIO(_footer_sample(text)))


@functools.cache
def _standard_footer_font(_language: str) -> FooterFont:
    """The footer font with the characters of references, round prefixes and page numbers
    (per language: the page label is translated); reused by every merge of the process."""
    sample = _("Seite %(page)s von %(pages)s") % {"page": "0123456789", "pages": ""}
    return FooterFont(io.BytesIO(_footer_sample(sample + FOOTER_CHARS)))


def footer_font_warm_up() -> None:
    """Renders the process's footer font now (a worker process when it starts)."""
    _standard_footer_font(translation.get_language() or "")


def _footer_sample(text: str) -> bytes:
    """A one-page PDF that shows every character of ``text`` in the footer's font, so that
    WeasyPrint embeds exactly those glyphs once for the whole bundle."""
    chars = sorted(set(text) - {" "})
    html = render_to_string("pdf/bundle_footer_sample.html", {"chars": chars})
    return render_html_pdf(html, title="footer", created=timezone.now(), variant=None)


def _guess_cache():
    return caches["default"]


class _HashingFile:
    """Writes through to ``fh`` and feeds a SHA-256 on the way (one pass over the bytes)."""

    def __init__(self, fh, digest):
        self.fh = fh
        self.digest = digest
        self.count = 0

    def write(self, data) -> int:
        self.fh.write(data)
        self.digest.update(data)
        self.count += len(data)
        return len(data)
