"""Parts of a bundle: the PDF of one application (WeasyPrint, without footer) followed by its
readable PDF attachments scaled onto A4, cached under its content hash."""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader

from applications.models import Application, Attachment
from applications.progress import section_answers
from core import pdf_inspection
from documents.models import (
    ApplicationPdfCache,
    BundleJob,
    BundleJobPart,
    BundleStatus,
    pdf_cache_upload_to,
)
from documents.pdf_pages import fit_to_a4
from documents.pdf_segments import Segment, record_segment
from documents.pdf_writer import StreamingPdfWriter
from documents.rendering import render_html_pdf

from .content import content_hash, load_applications
from .files import (
    file_exists,
    open_file,
    output_file,
    read_index,
    remove_file,
    write_index,
    write_segment,
)
from .jobs import record_parts

logger = logging.getLogger(__name__)

APPLICATION_TEMPLATE = "pdf/bundle_application.html"
# Free band at the bottom of attachment pages for the bundle's footer (12 mm).
FOOTER_BAND = 34.0

# Attachment states in a part
MERGED = "merged"
UNREADABLE = "unreadable"
LISTED = "listed"


def outline_pages(reader: PdfReader) -> list[dict]:
    """Flattened bookmarks of a WeasyPrint PDF below the top level: [{title, page}]."""
    result = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            if depth >= 1:
                result.append(
                    {"title": str(item.title), "page": reader.get_destination_page_number(item)}
                )

    walk(reader.outline, 0)
    return result


@dataclass
class AttachmentCheck:
    attachment: Attachment
    state: str
    pages: int = 0
    problem: str = ""

    def as_json(self) -> dict:
        a = self.attachment
        return {
            "name": a.original_name,
            "kind": a.get_kind_display(),
            "sha256": a.sha256,
            "size": a.size,
            "state": self.state,
            "pages": self.pages,
        }


def _is_pdf(attachment: Attachment) -> bool:
    return (
        attachment.content_type == "application/pdf"
        or attachment.original_name.lower().endswith(".pdf")
    )


def check_attachment(attachment: Attachment) -> AttachmentCheck:
    """Can the attachment's pages be merged? PDFs that do not open (damaged, truncated,
    needing a password, missing) or that unpack to more than ``WIR_PDF_MAX_INFLATED_BYTES``
    (files stored before the upload check refused such bombs) are listed as unreadable; other
    formats are listed only. The check counts what the streams unpack to without keeping it
    (``pdf_inspection``), so it costs a bounded amount of memory whatever the file."""
    if not _is_pdf(attachment):
        return AttachmentCheck(attachment, LISTED)
    try:
        with open_file(attachment.file.name) as fh:
            report = pdf_inspection.inspect_pdf(fh)
    except Exception as exc:  # noqa: BLE001 - any failure means: cannot be merged
        logger.info("Attachment %s is not readable: %r", attachment.pk, exc)
        return AttachmentCheck(attachment, UNREADABLE, problem=str(exc)[:200])
    return AttachmentCheck(attachment, MERGED, pages=report.pages)


def append_attachment(writer: StreamingPdfWriter, check: AttachmentCheck) -> None:
    """Copies the pages of a checked (``MERGED``) attachment, scaled onto A4 with room for the
    footer, as the next pages of ``writer``. Its page contents, images and fonts are copied as
    stored, never unpacked; pypdf unpacks only object and cross-reference streams, within
    ``pdf_limits``. The file is read while it is copied and let go afterwards."""
    with open_file(check.attachment.file.name) as fh, pdf_inspection.pdf_limits():
        reader = PdfReader(fh, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        if len(reader.pages) != check.pages:
            raise ValueError(f"Attachment {check.attachment.pk} changed since it was checked.")
        writer.add_pages_from(
            reader, transform=[fit_to_a4(p, bottom_band=FOOTER_BAND) for p in reader.pages]
        )


def bundle_part_render(*, job_id: int | None, application_id: int) -> ApplicationPdfCache | None:
    """Renders (or finds in the cache) the PDF of one application and records it as done for
    the job. Idempotent: the cache is keyed by content hash, progress by a unique row."""
    job = BundleJob.objects.filter(pk=job_id).only("status").first() if job_id else None
    if job_id and (job is None or not job.is_open):
        return None
    application = load_applications([application_id]).get(application_id)
    if application is None:  # deleted meanwhile: the merge notices the gap
        return None
    entry, rendered = part_for(application)
    if job_id:
        record_parts(job_id, [(application_id, entry, rendered)])
    return entry


def part_for(application: Application) -> tuple[ApplicationPdfCache, bool]:
    """The cached part of ``application`` (prefetched as by ``load_applications``), rendered
    if needed. Returns (entry, rendered now)."""
    digest = content_hash(application)
    entry = ApplicationPdfCache.objects.filter(content_hash=digest).first()
    if entry is not None and file_exists(entry.file.name):
        return entry, False
    started = time.perf_counter()
    checks = [check_attachment(a) for a in application.attachments.all()]
    now = timezone.now()
    html = render_to_string(
        APPLICATION_TEMPLATE,
        {
            "application": application,
            "answers": section_answers(application),
            "lines": list(application.cost_lines.all()),
            "partners": list(application.partners.all()),
            "checks": checks,
            "thread_messages": list(application.messages.all()),
            "pdf_title": _("Antrag %(reference)s") % {"reference": application.reference},
            "now": timezone.localtime(now),
        },
    )
    # No PDF/A variant for a part: it changes only the catalog (metadata, OutputIntent), which
    # the bundle takes from its front matter; the pages are the same.
    pdf = render_html_pdf(
        html,
        title=_("Antrag %(reference)s") % {"reference": application.reference},
        created=now,
        variant=None,
    )
    reader = PdfReader(io.BytesIO(pdf))
    own_pages = len(reader.pages)
    outline = outline_pages(reader)
    merged = [c for c in checks if c.state == MERGED]
    page = own_pages
    for c in merged:
        outline.append(
            {"title": _("Anlage: %(name)s") % {"name": c.attachment.original_name}, "page": page}
        )
        page += c.pages
    name = pdf_cache_upload_to(ApplicationPdfCache(content_hash=digest), "part.pdf")
    with output_file(name) as out:
        writer = StreamingPdfWriter(out.file, page_count=page, index=True)
        writer.add_pages_from(reader)
        for c in merged:
            append_attachment(writer, c)
        writer.finish()
        out.file.flush()
        # Beside the part, before it is stored (so that a stored part has both): its index
        # and its stamped segment, made here, in parallel with the other parts, from the
        # local file just written, so that the merge only copies it.
        write_index(name, writer.raw_index)
        with open(out.file.name, "rb") as part:
            stamp_part(name, part=part, raw_index=writer.raw_index)
    name = out.name
    seconds = time.perf_counter() - started
    with transaction.atomic():
        entry, created = ApplicationPdfCache.objects.update_or_create(
            content_hash=digest,
            defaults={
                "application": application,
                "file": name,
                "pages": page,
                "outline": outline,
                "attachments": [c.as_json() for c in checks],
                "render_seconds": seconds,
            },
        )
    _prune_cache(application.pk, keep=entry.pk)
    logger.info(
        "Bundle part of application %s rendered: %s pages in %.1f s", application.pk, page, seconds
    )
    return entry, True


def stamp_part(
    name: str,
    *,
    part: IO[bytes] | None = None,
    raw_index: dict[int, tuple[int, int]] | None = None,
) -> Segment:
    """Makes and stores the stamped segment of the cached part ``name``: its pages as a merge
    writes them, with the bundle's numbers and footers left open (``pdf_segments``). It
    depends only on the part's file, so one segment serves every bundle the part is in.
    The part is read from the storage, or from ``part`` (with its ``raw_index``), the local
    file the render task has just written and not yet stored."""
    if part is None:
        with open_file(name) as fh:
            return stamp_part(name, part=fh, raw_index=read_index(name))
    # pypdf and the copies of objects without references both seek before they read, so
    # they share the handle.
    segment = record_segment(PdfReader(part), raw_index=raw_index, raw_file=part)
    write_segment(name, segment)
    return segment


def _prune_cache(application_id: int, *, keep: int) -> None:
    """Older PDFs of an application go once no open job still needs them."""
    needed = BundleJobPart.objects.filter(
        job__status__in=[BundleStatus.PENDING, BundleStatus.RUNNING], cache_id__isnull=False
    ).values("cache_id")
    old = ApplicationPdfCache.objects.filter(application_id=application_id).exclude(pk=keep)
    for entry in old.exclude(pk__in=needed):
        name = entry.file.name
        entry.delete()
        transaction.on_commit(lambda name=name: remove_file(name))
