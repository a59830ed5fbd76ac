"""Fixtures of the bundle tests: a round with submitted applications whose Konzept is a
multi-page PDF with known text, and helpers to run a bundle job in this process."""

from __future__ import annotations

import functools
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from applications.models import AttachmentKind
from applications.workflow import Status
from documents import rendering
from documents.bundles import jobs, merge, parts
from tests.factories import (
    STRATEGY_ANSWERS,
    ApplicationFactory,
    AttachmentFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
)


@functools.cache
def attachment_pdf(label: str, pages: int) -> bytes:
    """A PDF of ``pages`` pages saying "<label> Seite k" (rendered like the portal's PDFs).
    Rendered once per test process: the same label and page count give the same file."""
    body = "".join(
        f"<section style='break-before: page'><h1>{label} Anlagenseite {k}</h1></section>"
        for k in range(1, pages + 1)
    )
    html = (
        f"<!DOCTYPE html><html lang='de'><head><title>{label}</title></head>"
        f"<body>{body}</body></html>"
    )
    return rendering.render_html_pdf(html, title=label, created=timezone.now(), variant=None)


def add_attachment(application, content: bytes, name: str, content_type="application/pdf"):
    return AttachmentFactory(
        application=application,
        kind=AttachmentKind.KONZEPT,
        file=ContentFile(content, name=name),
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def make_application(round_, number: int, *, status=Status.IN_CHECK, attachment_pages=2):
    municipality = MunicipalityFactory(name=f"Bündelstadt {number}")
    application = ApplicationFactory(
        round=round_,
        lead_municipality=municipality,
        complete=True,
        with_attachments=False,
        status=status,
        title=f"Vielfalt gestalten {number}",
        answers={**STRATEGY_ANSWERS, "aims": f"Ziele des Vorhabens Nummer {number}. " * 40},
    )
    if attachment_pages:
        add_attachment(
            application, attachment_pdf(f"Konzept{number}", attachment_pages), "konzept.pdf"
        )
    return application


@pytest.fixture
def bundle_round(db):
    return FundingRoundFactory(title="KIV – Bündelrunde", required_attachment_kinds=["konzept"])


@pytest.fixture
def officer(db):
    return CaseOfficerFactory(full_name="Sven Sachbearbeitung")


@pytest.fixture
def three_applications(bundle_round):
    return [make_application(bundle_round, n) for n in (1, 2, 3)]


def run_inline(job):
    """Does in this process what the Celery tasks do: start, render each part, merge."""
    for pk in jobs.bundle_job_start(job.pk) or []:
        parts.bundle_part_render(job_id=job.pk, application_id=pk)
    merge.bundle_merge(job.pk)
    job.refresh_from_db()
    return job


def read_bundle(job) -> PdfReader:
    with job.file.open("rb") as fh:
        return PdfReader(io.BytesIO(fh.read()))


def outline_pages(reader: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Top-level bookmarks as (title, page index, [(child title, page index)])."""
    result = []
    items = list(reader.outline)
    for i, item in enumerate(items):
        if isinstance(item, list):
            continue
        children = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], list) else []
        result.append(
            (
                str(item.title),
                reader.get_destination_page_number(item),
                [(str(c.title), reader.get_destination_page_number(c)) for c in children],
            )
        )
    return result
