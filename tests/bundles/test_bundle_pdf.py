"""The bundle's content: pages, outline, contents, footer, attachments, PDF/A metadata."""

from __future__ import annotations

import io
import re
import tracemalloc

import pytest

from documents import rendering
from documents.bundles import content, jobs, parts, selection
from documents.models import ApplicationPdfCache, BundleSelection, BundleStatus
from tests.pdf_samples import MB, bomb_pdf

from .conftest import add_attachment, make_application, outline_pages, read_bundle, run_inline

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(
    bundle_round, officer, three_applications, django_capture_on_commit_callbacks, published
):
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_inline(job)
    published.run()  # what a worker does with the tasks owed: the mail
    return job


def test_page_count_is_front_matter_plus_the_parts(bundle, three_applications):
    reader = read_bundle(bundle)
    parts = [ApplicationPdfCache.objects.get(application=a).pages for a in three_applications]
    outline = outline_pages(reader)
    first_application = next(
        p for t, p, _c in outline if t.startswith(three_applications[0].reference)
    )
    assert first_application == 2  # cover and one page of contents
    assert len(reader.pages) == bundle.pages == first_application + sum(parts)
    assert bundle.status == BundleStatus.DONE
    assert bundle.done == bundle.total == 3
    assert bundle.rendered == 3
    assert bundle.sha256 and bundle.size == bundle.file.size


def test_outline_has_every_application_and_its_sections(bundle, three_applications):
    outline = outline_pages(read_bundle(bundle))
    titles = [t for t, _p, _c in outline]
    assert titles[:2] == ["Deckblatt", "Inhaltsverzeichnis"]
    for application, (title, _page, children) in zip(three_applications, outline[2:], strict=True):
        assert title == (
            f"{application.reference} – {application.lead_municipality.name}: {application.title}"
        )
        child_titles = [c for c, _ in children]
        assert child_titles == [
            "1. Antragstellende Kommune",
            "2. Partnerkommunen",
            "3. Vorhaben",
            "4. Kosten- und Finanzierungsplan",
            "5. Anlagen",
            "6. Erklärungen",
            "Anlage: konzept.pdf",
        ]
        pages = [p for _c, p in children]
        assert pages == sorted(pages)


def test_contents_page_numbers_match_and_the_text_is_on_its_pages(bundle, three_applications):
    reader = read_bundle(bundle)
    outline = {t.split(" – ")[0]: (p, c) for t, p, c in outline_pages(reader)}
    contents = reader.pages[1].extract_text()
    for application in three_applications:
        start, children = outline[application.reference]
        line = next(line for line in contents.splitlines() if application.reference in line)
        assert int(re.search(r"(\d+)\s*$", line).group(1)) == start + 1, line
        assert f"Antrag {application.reference}" in reader.pages[start].extract_text()
        assert application.title in reader.pages[start].extract_text()
        attachment_start = dict(children)["Anlage: konzept.pdf"]
        number = application.title.rsplit(" ", 1)[1]
        assert f"Konzept{number} Anlagenseite 1" in reader.pages[attachment_start].extract_text()
        assert (
            f"Konzept{number} Anlagenseite 2" in reader.pages[attachment_start + 1].extract_text()
        )


def test_contents_entries_link_to_their_pages(bundle, three_applications):
    reader = read_bundle(bundle)
    outline = {t.split(" – ")[0]: p for t, p, _c in outline_pages(reader)}
    page_ids = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    targets = set()
    for annot in reader.pages[1]["/Annots"]:
        annot = annot.get_object()
        assert annot["/F"] == 4  # printable, as PDF/A asks
        targets.add(page_ids[annot["/Dest"][0].idnum])
    assert {outline[a.reference] for a in three_applications} <= targets


def test_every_page_has_the_running_footer(bundle, three_applications):
    reader = read_bundle(bundle)
    total = len(reader.pages)
    outline = outline_pages(reader)
    owner = {}
    for title, start, _children in outline[2:]:
        owner[start] = title.split(" – ")[0]
    reference = None
    for k, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Seite {k} von {total}" in text, (k, text[-200:])
        reference = owner.get(k - 1, reference)
        if reference:
            assert reference in text
        else:
            assert f"Antragsbündel {bundle.round.reference_prefix}" in text


def test_pdfa_metadata_outputintent_and_document_information(bundle):
    reader = read_bundle(bundle)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert f"Antragsbündel {bundle.round.title}" in xmp
    assert "Regierungspräsidium Darmstadt" in xmp
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"  # ICC
    info = reader.metadata
    assert info.title == f"Antragsbündel {bundle.round.title}"
    assert info.author == "Regierungspräsidium Darmstadt – WIR-Portal"
    assert info.creation_date is not None
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]
    with bundle.file.open("rb") as fh:
        head = fh.read(16)
        fh.seek(-8, 2)
        tail = fh.read()
    assert head.startswith(b"%PDF-1.7\n%") and max(head[10:14]) >= 128
    assert tail.rstrip().endswith(b"%%EOF")


def test_every_font_is_embedded(bundle):
    reader = read_bundle(bundle)
    for number, page in enumerate(reader.pages, start=1):
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), number


def test_done_mail_goes_to_the_requester(bundle, mailoutbox):
    assert [m.to for m in mailoutbox] == [[bundle.requested_by.email]]
    assert "Antragsbündel fertig" in mailoutbox[0].subject
    assert bundle.sha256 in mailoutbox[0].body


def test_corrupt_and_non_pdf_attachments_do_not_break_the_bundle(
    bundle_round, officer, django_capture_on_commit_callbacks
):
    good = make_application(bundle_round, 1)
    broken = make_application(bundle_round, 2, attachment_pages=0)
    add_attachment(broken, b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage", "kaputt.pdf")
    sheet = add_attachment(
        broken,
        b"PK\x03\x04 not really a spreadsheet",
        "finanzplan.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    run_inline(job)
    assert job.status == BundleStatus.DONE, job.error
    entry = ApplicationPdfCache.objects.get(application=broken)
    states = {a["name"]: a["state"] for a in entry.attachments}
    assert states == {"kaputt.pdf": "unreadable", "finanzplan.xlsx": "listed"}
    reader = read_bundle(job)
    outline = {t.split(" – ")[0]: (p, c) for t, p, c in outline_pages(reader)}
    start, children = outline[broken.reference]
    assert not [c for c, _ in children if c.startswith("Anlage:")]
    text = " ".join(reader.pages[i].extract_text() for i in range(start, start + entry.pages))
    text = re.sub(r"\s+", " ", text)
    assert "nicht lesbar – nicht eingefügt" in text
    assert "kein PDF – nur aufgeführt" in text
    assert sheet.sha256 in text.replace(" ", "")
    assert "Anlage nicht lesbar: kaputt.pdf" in re.sub(r"\s+", " ", reader.pages[1].extract_text())
    assert outline[good.reference][1][-1][0] == "Anlage: konzept.pdf"


def test_pdf_bomb_attachment_is_listed_as_unreadable(
    settings, bundle_round, officer, django_capture_on_commit_callbacks
):
    """A file stored before uploads were checked, whose pages unpack to more than the limit,
    is not merged: the bundle lists it as unreadable."""
    settings.WIR_PDF_MAX_INFLATED_BYTES = 8 * MB
    good = make_application(bundle_round, 1)
    legacy = make_application(bundle_round, 2, attachment_pages=0)
    add_attachment(legacy, bomb_pdf(pages=3, inflated_per_page=4 * MB), "bombe.pdf")
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    run_inline(job)
    assert job.status == BundleStatus.DONE, job.error
    entry = ApplicationPdfCache.objects.get(application=legacy)
    assert [(a["name"], a["state"]) for a in entry.attachments] == [("bombe.pdf", "unreadable")]
    reader = read_bundle(job)
    assert "Anlage nicht lesbar: bombe.pdf" in re.sub(r"\s+", " ", reader.pages[1].extract_text())
    outline = {t.split(" – ")[0]: c for t, _p, c in outline_pages(reader)}
    assert not [c for c, _ in outline[legacy.reference] if c.startswith("Anlage:")]
    assert outline[good.reference][-1][0] == "Anlage: konzept.pdf"


def _part_with_peak_memory(application):
    application = content.load_applications([application.pk])[application.pk]
    tracemalloc.start()
    try:
        entry, _rendered = parts.part_for(application)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return entry, peak


def test_merging_an_attachment_does_not_unpack_its_pages(bundle_round):
    """An attachment of 60 KB whose two pages unpack to 30 MB each (within the limit) is
    merged, and rendering the part takes no more memory than with an ordinary attachment: the
    pages are checked piece by piece and copied as stored, never unpacked as a whole."""
    rendering.warm_up()
    ordinary = make_application(bundle_round, 1)
    heavy = make_application(bundle_round, 2, attachment_pages=0)
    add_attachment(heavy, bomb_pdf(pages=2, inflated_per_page=30 * MB), "gross.pdf")
    ordinary_entry, ordinary_peak = _part_with_peak_memory(ordinary)
    heavy_entry, heavy_peak = _part_with_peak_memory(heavy)
    assert [(a["name"], a["state"], a["pages"]) for a in heavy_entry.attachments] == [
        ("gross.pdf", "merged", 2)
    ]
    assert heavy_entry.pages == ordinary_entry.pages
    assert heavy_peak < ordinary_peak + 10 * MB, (heavy_peak / MB, ordinary_peak / MB)


def test_selection_by_status(bundle_round, officer):
    from applications.workflow import Status

    in_check = make_application(bundle_round, 1, attachment_pages=0)
    make_application(bundle_round, 2, status=Status.IN_REVIEW, attachment_pages=0)
    make_application(bundle_round, 3, status=Status.DRAFT, attachment_pages=0)
    job = jobs.bundle_job_request(
        round_=bundle_round,
        user=officer,
        selection=BundleSelection.STATUS,
        statuses=[Status.IN_CHECK],
    )
    assert job.application_ids == [in_check.pk]
    assert job.total == 1


def test_ranking_table_when_scores_exist(bundle_round, officer, three_applications, monkeypatch):
    from decimal import Decimal
    from types import SimpleNamespace

    best, second, unscored = three_applications[2], three_applications[0], three_applications[1]
    rows = [
        SimpleNamespace(
            application=app, rank=rank, mean_score=score, final_reviews=2 if score else 0,
            spread=Decimal("0.50") if score else None, flagged=rank == 2,
            cumulative_requested=Decimal("18000.00") * rank, within_budget=rank < 3,
            budget_line_before=rank == 3,
        )
        for rank, (app, score) in enumerate(
            [(best, Decimal("8.50")), (second, Decimal("7.25")), (unscored, None)], start=1
        )
    ]  # fmt: skip
    monkeypatch.setattr(selection, "ranking_rows", lambda round_: rows)
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.RANKING
    )
    assert job.application_ids == [best.pk, second.pk, unscored.pk]
    run_inline(job)
    reader = read_bundle(job)
    outline = outline_pages(reader)
    assert [t for t, _p, _c in outline[:3]] == ["Deckblatt", "Inhaltsverzeichnis", "Rangliste"]
    ranking_page = outline[2][1]
    text = re.sub(r"\s+", " ", reader.pages[ranking_page].extract_text())
    starts = {t.split(" – ")[0]: p for t, p, _c in outline[3:]}
    assert list(starts) == [best.reference, second.reference, unscored.reference]
    assert (
        f"1 {best.reference} – {best.lead_municipality.name} 8,50 2 0,50 18.000,00 € "
        f"{starts[best.reference] + 1} "
    ) in text
    assert "0,50 ! 36.000,00 €" in text  # a flagged spread
    assert "54.000,00 € (über den Mitteln)" in text
    contents = re.sub(r"\s+", " ", reader.pages[1].extract_text())
    assert f"Rangliste {ranking_page + 1}" in contents


def test_merged_bundle_keeps_the_front_matter_tagged(bundle):
    """Issue 16.1: the cover, contents and ranking keep their structure tree in the merged
    bundle (headings, the contents table, links to the pages), the running footer is a
    pagination artifact; the bundle claims PDF/A-3b, not PDF/UA: its parts stay untagged."""
    import pikepdf

    from tests.pdf_structure import structure_report

    with bundle.file.open("rb") as fh:
        data = fh.read()
    report = structure_report(data)
    catalog = report.catalog
    assert catalog.MarkInfo.Marked is True and str(catalog.Lang) == "de"
    assert catalog.ViewerPreferences.DisplayDocTitle is True
    assert 'pdfaid:conformance="B"' in report.xmp and "pdfuaid" not in report.xmp
    for tag in ("H1", "Table", "TH", "TD", "Link"):
        assert tag in report.tags, tag
    front = 2  # cover and contents
    assert report.pages_without_struct_parents[0] == front + 1
    assert not [page for page, _op in report.unmarked if page <= front]
    # Every page a structure element names is a page of this file (not a dangling copy).
    document = pikepdf.open(io.BytesIO(data))
    pages = {page.obj.objgen for page in document.pages}
    seen = set()

    def walk(element):
        if isinstance(element, pikepdf.Array):
            for child in element:
                walk(child)
        elif isinstance(element, pikepdf.Dictionary):
            if "/Pg" in element:
                seen.add(element.Pg.objgen)
            if "/Obj" in element and element.get("/Type") == "/OBJR":
                annots = {a.objgen for a in element.Pg.get("/Annots", [])}
                assert element.Obj.objgen in annots
            if "/K" in element:
                walk(element.K)

    walk(document.Root.StructTreeRoot.K)
    assert seen and seen <= pages
    assert len(document.Root.StructTreeRoot.ParentTree.Nums) >= 2 * front
