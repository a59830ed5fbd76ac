"""Every file through an S3-compatible object store: a real S3 server (moto in server mode on
a loopback port, ``tests/s3.py``), a real Celery worker that gets the same storage settings
through its environment, nothing of the portal mocked. An upload and its download (streamed,
and as a redirect to a signed URL), the receipt, the decision letter and a bundle (its cached
parts, the index beside each part and the merged file) all end up in the bucket, private, and
never in a local folder of the web or the worker process; no page shows a bucket URL."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Application, Section
from applications.workflow import Status
from documents.bundles import jobs
from documents.bundles.files import open_file, read_index, read_segment, segment_name
from documents.models import (
    ApplicationPdfCache,
    BundleJob,
    BundleSelection,
    BundleStatus,
    DocumentKind,
)
from documents.models import GeneratedDocument as Document
from reviews import services as review_services
from tests.accounts.factories import login_verified
from tests.bundles.conftest import attachment_pdf, make_application, run_inline
from tests.conftest import CeleryWorker
from tests.factories import (
    ApplicationFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)
from tests.reviews.conftest import assign_and_declare, make_round, score_all, to_in_review
from tests.s3 import BUCKET, REGION, s3_client, s3_env, s3_storages

# One S3 worker (a module fixture) for the tests, so one xdist process runs them all
# (scripts/test: --dist loadgroup). Each test process starts its own moto server on a free
# port (tests/s3.py): parallel processes never share a bucket.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("s3_storage"),
]

PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


@pytest.fixture(scope="module")
def s3_worker(s3_server, django_db_setup, django_db_blocker, tmp_path_factory, _redis_test_db):
    """A real worker whose environment names the bucket (WIR_STORAGE_URL and companions)
    and whose own media folder stays empty."""
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    worker = CeleryWorker(
        name, tmp_path_factory.mktemp("s3-worker-media"), extra_env=s3_env(s3_server)
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(autouse=True)
def _s3_storage(settings, s3_server):
    settings.STORAGES = s3_storages(s3_server)
    settings.WIR_STORAGE_SIGNED_REDIRECT = False


def keys(endpoint: str) -> set[str]:
    pages = s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def assert_private(endpoint: str, key: str) -> None:
    """In the bucket, no grant to everybody, and a GET without signature is refused."""
    grants = s3_client(endpoint).get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GROUPS], grants
    assert requests.get(f"{endpoint}/{BUCKET}/{key}", timeout=10).status_code == 403


def local_files(folder) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def assert_no_bucket_url(content: bytes, endpoint: str) -> None:
    text = content.decode()
    for needle in (urlsplit(endpoint).netloc, f"/{BUCKET}/", "X-Amz-", "s3://"):
        assert needle not in text, needle


def streamed(response) -> bytes:
    assert response.status_code == 200, response
    assert response.streaming and "Location" not in response
    content = b"".join(response.streaming_content)
    response.close()
    assert int(response["Content-Length"]) == len(content)
    return content


def signed(response, endpoint: str, filename: str) -> bytes:
    """Follows a redirect to a signed URL of the object store, as a browser would."""
    assert response.status_code == 302, response
    url = response["Location"]
    assert url.startswith(f"{endpoint}/{BUCKET}/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    got = requests.get(url, timeout=30)
    assert got.status_code == 200
    assert filename in got.headers["Content-Disposition"]
    # the same address without its signature is refused
    assert requests.get(url.split("?")[0], timeout=10).status_code == 403
    return got.content


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def wait_for(predicate, worker, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(worker.log.read_text()[-3000:])


def test_upload_download_and_receipt_in_the_bucket(client, s3_server, s3_worker, settings):
    round_ = FundingRoundFactory(required_attachment_kinds=["konzept"])
    lead = MunicipalityFactory(name="Bensheim")
    applicant = staff_for(lead)
    stranger = staff_for(MunicipalityFactory(name="Lorsch"))
    app = ApplicationFactory(
        round=round_, lead_municipality=lead, complete=True, with_attachments=False
    )
    login_verified(client, applicant)
    content = attachment_pdf("Konzept S3", 2)
    page = client.post(
        reverse(f"applications:{Section.ATTACHMENTS}", args=[app.pk]),
        {"kind": "konzept", "file": SimpleUploadedFile("konzept.pdf", content)},
    )
    assert page.status_code == 302
    attachment = app.attachments.get()
    assert attachment.file.name in keys(s3_server)
    assert_private(s3_server, attachment.file.name)
    download = reverse("applications:attachment_download", args=[app.pk, attachment.pk])
    assert streamed(client.get(download)) == content

    # submitted through the page: the worker renders the receipt into the bucket
    assert client.post(reverse("applications:check", args=[app.pk])).status_code == 302
    receipt = wait_for(
        lambda: Document.objects.filter(application=app, kind=DocumentKind.RECEIPT).first(),
        s3_worker,
    )
    assert receipt.file.name in keys(s3_server)
    assert_private(s3_server, receipt.file.name)
    pdf = streamed(client.get(reverse("documents:document", args=[app.pk, "receipt"])))
    assert hashlib.sha256(pdf).hexdigest() == receipt.sha256
    app.refresh_from_db()
    assert "Eingangsbestätigung" in pdf_text(pdf) and app.reference in pdf_text(pdf)

    for url in (
        reverse("applications:detail", args=[app.pk]),
        reverse("applications:submitted", args=[app.pk]),
        reverse("documents:documents", args=[app.pk]),
        reverse("applications:check", args=[app.pk]),
    ):
        assert_no_bucket_url(client.get(url).content, s3_server)

    # the permission check stays: somebody else gets a 404, not the file nor a URL
    client.force_login(stranger)
    assert client.get(download).status_code == 404
    settings.WIR_STORAGE_SIGNED_REDIRECT = True
    assert client.get(download).status_code == 404
    # nothing of it was written to a local folder, by the web process or by the worker
    assert local_files(settings.MEDIA_ROOT) == [] and local_files(s3_worker.media_root) == []


def test_decision_letter_through_a_signed_redirect(client, s3_server, s3_worker, settings):
    settings.WIR_STORAGE_SIGNED_REDIRECT = True
    round_ = make_round()
    criteria = list(round_.criteria.order_by("position"))
    lead = MunicipalityFactory(name="Heppenheim (Bergstraße)")
    applicant = staff_for(lead)
    case_officer = CaseOfficerFactory()
    app = ApplicationFactory(
        round=round_, lead_municipality=lead, complete=True, status=Status.SUBMITTED
    )
    to_in_review(app, case_officer)
    reviewer = ReviewerFactory()
    score_all(assign_and_declare(app, reviewer, case_officer), reviewer, criteria, 8)
    review_services.application_mark_ready(application=app, user=case_officer)
    review_services.decision_approve(
        application=app,
        user=case_officer,
        granted_amount=Decimal("15000.00"),
        financing_adjustment="reduce_cost",
        reason="Ein überzeugendes Beteiligungskonzept.",
    )
    letter = wait_for(
        lambda: Document.objects.filter(application=app, kind=DocumentKind.DECISION).first(),
        s3_worker,
    )
    assert letter.file.name in keys(s3_server)
    assert_private(s3_server, letter.file.name)
    login_verified(client, applicant)
    response = client.get(reverse("documents:document", args=[app.pk, "decision"]))
    pdf = signed(response, s3_server, letter.filename)
    assert hashlib.sha256(pdf).hexdigest() == letter.sha256
    assert "Zuwendungsbescheid" in pdf_text(pdf)
    assert_no_bucket_url(
        client.get(reverse("applications:detail", args=[app.pk])).content, s3_server
    )
    # streamed again when the setting is off
    settings.WIR_STORAGE_SIGNED_REDIRECT = False
    assert streamed(client.get(reverse("documents:document", args=[app.pk, "decision"]))) == pdf
    assert local_files(settings.MEDIA_ROOT) == [] and local_files(s3_worker.media_root) == []


def test_bundle_parts_and_merge_in_the_bucket(client, s3_server, s3_worker, settings):
    round_ = FundingRoundFactory(title="KIV – S3-Runde", required_attachment_kinds=["konzept"])
    officer = CaseOfficerFactory()
    applications = [make_application(round_, n, attachment_pages=2) for n in (1, 2)]
    login_verified(client, officer)
    url = reverse("documents:bundle_request", args=[round_.pk])
    assert client.post(url, {"selection": BundleSelection.SUBMITTED}).status_code == 302
    job = BundleJob.objects.get(round=round_)
    job = wait_for(
        lambda: (j := BundleJob.objects.get(pk=job.pk)) and not j.is_open and j, s3_worker
    )
    assert job.status == BundleStatus.DONE, job.error
    stored = keys(s3_server)
    parts = [p.cache.file.name for p in job.parts.select_related("cache")]
    assert len(parts) == 2
    for name in [*parts, job.file.name]:
        assert name in stored
        assert_private(s3_server, name)
    # each part has its index and its stamped segment beside it, read back from the bucket
    assert all(read_index(name) for name in parts)
    assert all(segment_name(name) in stored and read_segment(name) for name in parts)

    download = reverse("documents:bundle_download", args=[job.pk])
    content = streamed(client.get(download))
    assert hashlib.sha256(content).hexdigest() == job.sha256 and len(content) == job.size
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == job.pages
    text = pdf_text(content)
    assert all(app.reference in text for app in applications)
    assert "Konzept1 Anlagenseite 2" in text and "Konzept2 Anlagenseite 1" in text

    settings.WIR_STORAGE_SIGNED_REDIRECT = True
    assert signed(client.get(download), s3_server, job.filename) == content
    for page in (reverse("documents:bundles"), reverse("documents:bundle_status", args=[job.pk])):
        assert_no_bucket_url(client.get(page).content, s3_server)
    assert local_files(settings.MEDIA_ROOT) == [] and local_files(s3_worker.media_root) == []

    # a file gone from the bucket is a 404 in both modes, never a 500 or a dead link
    s3_client(s3_server).delete_object(Bucket=BUCKET, Key=job.file.name)
    assert client.get(download).status_code == 404
    settings.WIR_STORAGE_SIGNED_REDIRECT = False
    assert client.get(download).status_code == 404


def test_rebundle_in_the_bucket_reuses_the_untouched_segments(s3_server, settings, published):
    """tests/bundles/test_incremental_merge.py's check in a bucket, where a file has no inode:
    the bucket keeps versions (each PUT makes a new VersionId), so an untouched application's
    segment object keeps its version, ETag and LastModified while only the changed one is
    stamped again. Run in this process (the tasks' work inline, nothing sent to a worker)."""
    bucket = f"wir-test-versions-{uuid.uuid4().hex[:8]}"
    client = s3_client(s3_server)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    settings.STORAGES = s3_storages(s3_server, bucket)
    round_ = FundingRoundFactory(title="KIV – S3-Neubündel", required_attachment_kinds=["konzept"])
    officer = CaseOfficerFactory()
    applications = [make_application(round_, n, attachment_pages=1) for n in (1, 2, 3)]

    def bundle() -> BundleJob:
        job = jobs.bundle_job_request(
            round_=round_, user=officer, selection=BundleSelection.SUBMITTED
        )
        job = run_inline(job)
        assert job.status == BundleStatus.DONE, job.error
        with open_file(job.file.name) as fh:
            assert len(PdfReader(fh).pages) == job.pages
        return job

    def segment_state(application) -> tuple:
        entry = ApplicationPdfCache.objects.get(application=application)
        head = client.head_object(Bucket=bucket, Key=segment_name(entry.file.name))
        return (entry.pk, head["VersionId"], head["ETag"], head["LastModified"])

    first = bundle()
    before = {a.pk: segment_state(a) for a in applications}
    changed = applications[1]
    Application.objects.filter(pk=changed.pk).update(
        summary="Eine geänderte, viel längere Kurzbeschreibung. " * 150
    )
    second = bundle()
    assert (second.rendered, second.done) == (1, 3)
    for application in (applications[0], applications[2]):
        assert segment_state(application) == before[application.pk]  # not written again
    assert segment_state(changed)[0] != before[changed.pk][0]
    assert second.pages > first.pages
    assert local_files(settings.MEDIA_ROOT) == []
