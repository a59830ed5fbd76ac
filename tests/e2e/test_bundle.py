"""A case officer requests a PDF bundle of the demo round in the browser, watches the progress
(htmx polling, rendered by the real Celery worker) reach 100 % and downloads the PDF/A bundle
with contents and bookmarks. axe-core checks the bundle pages."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import FundingRound
from demo.seed import DEMO_ACCOUNTS
from documents.models import BundleJob, BundleStatus
from tests.bundles.conftest import make_application

from .conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)

CASE_OFFICER = next(a for a in DEMO_ACCOUNTS if a.email.startswith("sachbearbeitung@"))


@pytest.fixture
def demo_round(worker_media):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    round_ = FundingRound.objects.get(title__contains="Demo, offen")
    applications = [make_application(round_, n) for n in (1, 2, 3)]
    return round_, applications


def test_case_officer_requests_watches_and_downloads_a_bundle(page, demo_round):
    round_, applications = demo_round
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Antragsbündel"
    ).click()
    expect(page.locator("h1")).to_have_text("Antragsbündel")
    assert_no_axe_violations(page, "bundle list (empty)")

    page.get_by_role("link", name=re.compile(rf"Bündel der {re.escape(round_.title)}")).click()
    expect(page.locator("h1")).to_contain_text("anfordern")
    assert_no_axe_violations(page, "bundle request form")
    page.get_by_label("Alle eingereichten Anträge").check()
    page.get_by_role("button", name="Bündel anfordern").click()

    expect(page.get_by_text("Das Bündel wurde angefordert.")).to_be_visible()
    job = BundleJob.objects.get()
    progress = page.locator(f"#bundle-progress-{job.pk}")
    expect(progress).to_be_visible()
    assert_no_axe_violations(page, "bundle list (job open)")
    # The box updates itself (htmx, every 2 s) until the worker has finished.
    expect(page.get_by_test_id("bundle-percent")).to_have_text("100 %", timeout=90_000)
    expect(progress).to_have_attribute("value", "100")  # percent, like the text beside it
    expect(page.get_by_text("fertig", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "bundle list (job done)")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Bündel herunterladen")).click()
    download = info.value
    content = open(download.path(), "rb").read()  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == BundleStatus.DONE
    assert download.suggested_filename == job.filename
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == job.pages
    titles = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    assert titles[:2] == ["Deckblatt", "Inhaltsverzeichnis"]
    assert all(any(t.startswith(a.reference) for t in titles) for a in applications)
    assert 'pdfaid:part="3"' in reader.trailer["/Root"]["/Metadata"].get_data().decode()
    assert "Inhalt" in reader.pages[1].extract_text()
