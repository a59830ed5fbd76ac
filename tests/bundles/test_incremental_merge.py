"""Issue 12: the merge reuses the stamped, serialised part of every unchanged application, so a
re-bundle after one change stamps only that application again; the bundle stays correct."""

from __future__ import annotations

import io
import os
import re
import subprocess
from array import array

import pytest
from pypdf import PdfReader

from applications.models import Application
from documents import pdf_segments
from documents.bundles import files, jobs, merge, parts
from documents.models import ApplicationPdfCache, BundleSelection
from documents.pdf_pages import Footer
from documents.pdf_writer import StreamingPdfWriter

from .conftest import outline_pages, read_bundle, run_inline

pytestmark = pytest.mark.django_db


def _bundle(bundle_round, officer):
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    return run_inline(job)


def _segment_state(application) -> tuple:
    """The cache row and the stamped segment file of an application, as they are on disk
    (the file system storage; tests/storage/test_s3.py checks the same in a bucket)."""
    entry = ApplicationPdfCache.objects.get(application=application)
    stat = os.stat(files.storage().path(files.segment_name(entry.file.name)))
    return (entry.pk, entry.content_hash, entry.created_at, stat.st_ino, stat.st_mtime_ns)


def _assert_correct(job, applications) -> None:
    """Page count, bookmarks and the footer of every page agree with the parts."""
    reader = read_bundle(job)
    total = len(reader.pages)
    outline = outline_pages(reader)
    starts = {title.split(" – ")[0]: page for title, page, _c in outline[2:]}
    part_pages = {
        a.reference: ApplicationPdfCache.objects.get(application=a).pages for a in applications
    }
    assert [title.split(" – ")[0] for title, _p, _c in outline[2:]] == [
        a.reference for a in applications
    ]
    assert total == job.pages == starts[applications[0].reference] + sum(part_pages.values())
    for previous, following in zip(applications, applications[1:], strict=False):
        assert starts[following.reference] == (
            starts[previous.reference] + part_pages[previous.reference]
        )
    owner = {page: reference for reference, page in starts.items()}
    reference = None
    for k, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Seite {k} von {total}" in text, (k, text[-200:])
        reference = owner.get(k - 1, reference)
        assert (reference or f"Antragsbündel {job.round.reference_prefix}") in text
    for application in applications:
        page = reader.pages[starts[application.reference]].extract_text()
        assert f"Antrag {application.reference}" in page


def test_rebundle_after_one_change_reuses_the_other_stamped_parts(
    bundle_round, officer, three_applications, monkeypatch
):
    first = _bundle(bundle_round, officer)
    _assert_correct(first, three_applications)
    before = {a.pk: _segment_state(a) for a in three_applications}

    changed = three_applications[1]
    # A longer text: the changed part gets more pages, so the later parts move.
    Application.objects.filter(pk=changed.pk).update(
        summary="Eine geänderte, viel längere Kurzbeschreibung. " * 150
    )
    stamped = []
    original = parts.stamp_part
    for module in (parts, merge):
        monkeypatch.setattr(
            module,
            "stamp_part",
            lambda name, **local: stamped.append(name) or original(name, **local),
        )
    second = _bundle(bundle_round, officer)

    assert (second.rendered, second.done) == (1, 3)
    new_entry = ApplicationPdfCache.objects.get(application=changed)
    assert stamped == [new_entry.file.name]  # only the changed application was stamped
    for application in (three_applications[0], three_applications[2]):
        assert _segment_state(application) == before[application.pk]  # row and file untouched
    assert _segment_state(changed)[0] != before[changed.pk][0]
    assert (
        new_entry.pages > ApplicationPdfCache.objects.get(application=three_applications[0]).pages
    )
    _assert_correct(second, three_applications)
    assert second.pages > first.pages


def test_a_part_without_its_segment_is_stamped_by_the_merge(
    bundle_round, officer, three_applications
):
    """Parts cached before segments existed (or whose segment went away or is of an older
    format) are stamped when a merge needs them; the bundle is the same."""
    first = _bundle(bundle_round, officer)
    entries = list(ApplicationPdfCache.objects.order_by("pk"))
    files.storage().delete(files.segment_name(entries[0].file.name))
    with files.output_file(files.segment_name(entries[1].file.name)) as stale:
        stale.file.write(b"WIRSEG\n{}\n")
    second = _bundle(bundle_round, officer)
    assert second.rendered == 0
    for entry in entries[:2]:
        assert files.read_segment(entry.file.name) is not None
    _assert_correct(second, three_applications)
    assert second.pages == first.pages


def test_the_bundle_reads_without_errors(bundle_round, officer, three_applications):
    """Poppler reads the spliced file (cross-reference table, object numbers with padding)
    without complaint, as pypdf does in strict mode."""
    job = _bundle(bundle_round, officer)
    with job.file.open("rb") as fh:
        data = fh.read()
    reader = PdfReader(io.BytesIO(data), strict=True)
    for page in reader.pages:
        page.extract_text()
    result = subprocess.run(
        ["pdfinfo", "-"], input=data, capture_output=True, check=False, timeout=60
    )
    if result.returncode == 127:  # pragma: no cover - poppler-utils not installed
        pytest.skip("pdfinfo is not installed")
    assert result.returncode == 0, result.stderr
    assert b"Syntax" not in result.stderr and b"rror" not in result.stderr, result.stderr
    assert re.search(rb"^Pages:\s+%d$" % job.pages, result.stdout, re.M), result.stdout


def test_segment_round_trip_and_older_formats():
    segment = pdf_segments.Segment(
        data=b"       0 obj\nnull\nendobj\n",
        private=1,
        pages=0,
        objects=array("q", [0, 1]),
        fixups=array("q", [0, 1]),
    )
    copy = pdf_segments.Segment.from_bytes(segment.to_bytes())
    assert copy == segment
    stale = segment.to_bytes().replace(
        b'"format": %d' % pdf_segments.FORMAT, b'"format": %d' % (pdf_segments.FORMAT - 1)
    )
    assert pdf_segments.Segment.from_bytes(stale) is None
    assert pdf_segments.Segment.from_bytes(b"%PDF-1.7") is None


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_a_segment_spliced_from_its_file_in_windows_is_the_same(
    bundle_round, officer, three_applications, monkeypatch, chunk
):
    """The merge copies a segment from the storage in windows of ``CHUNK`` bytes (never the
    whole part in memory); whatever the window, slots across a window's edge included, the
    bytes are those of the segment spliced from memory."""
    _bundle(bundle_round, officer)
    name = ApplicationPdfCache.objects.filter(application=three_applications[0]).get().file.name

    def spliced(segment) -> bytes:
        out = io.BytesIO()
        writer = StreamingPdfWriter(out, page_count=segment.pages)
        writer.pages_num, writer._open_num, writer._footer_font_num = 1, 2, 3
        monkeypatch.setattr(writer, "_footer_content", lambda footer: b"q Q")
        pdf_segments.splice_segment(writer, segment, [Footer("", "")] * segment.pages)
        return out.getvalue()

    whole = spliced(files.read_segment(name))
    monkeypatch.setattr(pdf_segments, "CHUNK", chunk)
    with files.open_segment(name) as segment:
        assert segment is not None and not isinstance(segment.data, bytes)
        assert spliced(segment) == whole
