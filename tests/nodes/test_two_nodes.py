"""The portal as two nodes (issue 17): two gunicorn web processes and two Celery worker
processes on loopback that share only PostgreSQL, Redis and the object store. Each has its own
empty local media folder (WIR_MEDIA_ROOT), so whatever one node wrote and another reads must
have gone through the object store.

- An application submitted through node A shows its receipt through node B.
- A bundle requested on node B is built by both workers (and downloaded through node A).
- A worker killed in the middle of a bundle loses nothing: the other one finishes it.

The object store is the S3 test server of ``tests/s3.py`` (moto, a process of its own on a
free loopback port, so parallel test processes never share one). Run with ``-s`` to see which
worker built which part and that every node's media folder stayed empty."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Application
from applications.workflow import Status
from documents.models import BundleJob, BundleStatus, DocumentKind, GeneratedDocument
from tests import s3
from tests.accounts.factories import PASSWORD, totp_code, totp_device
from tests.bundles.conftest import make_application
from tests.bundles.test_worker import wait_for, wait_mid_part
from tests.conftest import ROOT, CeleryWorker, free_port
from tests.factories import (
    ApplicationFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    staff_for,
)

# One cluster of four nodes (a module fixture) for the three tests, so one xdist process
# runs them all (scripts/test: --dist loadgroup). Each test process starts its own moto
# server on a free port (tests/s3.py): parallel processes never share a bucket.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("two_nodes"),
]


# The object store ----------------------------------------------------------------------------
@dataclass
class ObjectStore:
    env: dict[str, str]  # what every node (web and worker) gets in its environment
    storages: dict  # settings.STORAGES of this test process (it writes attachments too)
    stop: Callable[[], None]


def object_store() -> ObjectStore:
    """The one place the nodes' object store comes from: a moto S3 server (tests/s3.py)."""
    endpoint, stop = s3.start_s3_server()
    return ObjectStore(env=s3.s3_env(endpoint), storages=s3.s3_storages(endpoint), stop=stop)


# The nodes -----------------------------------------------------------------------------------
class Worker(CeleryWorker):
    """A worker node: its own media folder, the shared queue, the object store's environment
    and a broker visibility timeout of seconds (a killed worker's task comes back soon)."""

    def env(self) -> dict:
        env = super().env()
        env["DJANGO_SETTINGS_MODULE"] = "tests.bundles.worker_settings"
        return env

    def wait_ready(self, timeout: float = 90) -> None:
        # Two workers share one queue, so a ping may be answered by the other one: wait for
        # this one's own "ready" first.
        deadline = time.monotonic() + timeout
        while " ready." not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start: {self.log.read_text()[-3000:]}")
            time.sleep(0.1)
        super().wait_ready(timeout)

    def succeeded(self, task: str) -> int:
        text = self.log.read_text(errors="replace")
        return len(re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", text))


class Web(CeleryWorker):
    """A web node: gunicorn on a loopback port of its own, the same environment as a worker
    (database, Redis, queue, object store) and its own media folder."""

    def start(self) -> None:
        self.port = free_port()
        self._logfile = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "wir_portal.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "120",
                "--access-logfile", "-",
            ],
            cwd=ROOT, env=self.env(), stdout=self._logfile, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url("/healthz/live/"), timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not up yet
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@dataclass
class Cluster:
    web_a: Web
    web_b: Web
    worker_1: Worker
    worker_2: Worker
    store: ObjectStore

    @property
    def nodes(self) -> list[CeleryWorker]:
        return [self.web_a, self.web_b, self.worker_1, self.worker_2]

    @property
    def workers(self) -> list[Worker]:
        return [self.worker_1, self.worker_2]

    def media_files(self) -> dict[str, list[str]]:
        """Every file in each node's own media folder (all should stay empty)."""
        return {
            node.log.stem: sorted(str(p.relative_to(node.media_root)) for p in files_in(node))
            for node in self.nodes
        }

    def report_media(self) -> None:
        found = self.media_files()
        print("media folders:", ", ".join(f"{n} {len(f)} files" for n, f in found.items()))
        assert not any(found.values()), f"files in a node's own media folder: {found}"


def files_in(node: CeleryWorker) -> list:
    return [p for p in node.media_root.rglob("*") if p.is_file()]


@pytest.fixture(scope="module")
def _cluster(tmp_path_factory):
    """Started by the first test that asks for ``cluster`` (the test database's name is known
    only inside a test); stopped after the module."""
    state: dict = {}

    def start(database_name: str) -> Cluster:
        if "cluster" in state:
            return state["cluster"]
        base = tmp_path_factory.mktemp("nodes")
        store = object_store()
        extra = store.env
        queue = f"wir_nodes_{uuid.uuid4().hex[:8]}"

        def node(cls, name: str):
            media = base / name / "media"
            media.mkdir(parents=True)  # empty: nothing is shared through a folder
            started = cls(database_name, media, extra_env=dict(extra))
            started.queue, started.log = queue, base / f"{name}.log"
            return started

        cluster = Cluster(
            web_a=node(Web, "web-a"),
            web_b=node(Web, "web-b"),
            worker_1=node(Worker, "worker-1"),
            worker_2=node(Worker, "worker-2"),
            store=store,
        )
        state["cluster"] = cluster
        for started in cluster.nodes:
            started.start()
        return cluster

    from django.conf import settings

    from wir_portal.celery import app

    saved = app.conf.task_default_queue, settings.CELERY_TASK_DEFAULT_QUEUE
    yield start
    cluster = state.get("cluster")
    if cluster:
        for started in cluster.nodes:
            started.stop(signal.SIGKILL)
        cluster.store.stop()
    # The workers pointed this process's tasks at their queue: back to the session worker's.
    app.conf.task_default_queue, settings.CELERY_TASK_DEFAULT_QUEUE = saved


@pytest.fixture
def cluster(_cluster, settings) -> Cluster:
    started = _cluster(connection.settings_dict["NAME"])
    settings.STORAGES = started.store.storages  # what this test process writes goes there too
    return started


# A browser without a browser: one cookie jar for all nodes (cookies ignore the port) ---------
class Browser:
    def __init__(self):
        self.session = requests.Session()

    def get(self, node: Web, path: str, **kwargs) -> requests.Response:
        return self.session.get(node.url(path), timeout=60, **kwargs)

    def submit(self, node: Web, path: str, data: dict) -> requests.Response:
        """Opens the page on ``node`` and sends its form with ``data`` (and its CSRF token)."""
        page = self.get(node, path)
        assert page.status_code == 200, (path, page.status_code, page.text[-2000:])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no form on {path}"
        return self.session.post(
            node.url(path),
            data={"csrfmiddlewaretoken": token.group(1), **data},
            headers={"Referer": node.url(path)},
            timeout=60,
            allow_redirects=False,
        )

    def login(self, node: Web, user, device=None) -> None:
        response = self.submit(
            node, reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302, response.text[-2000:]
        if device is not None:
            response = self.submit(
                node, reverse("accounts:two_factor_verify"), {"token": totp_code(device)}
            )
            assert response.status_code == 302, response.text[-2000:]


def pdf_pages(response: requests.Response) -> int:
    assert response.status_code == 200, response.status_code
    assert response.content.startswith(b"%PDF"), response.content[:100]
    return len(PdfReader(io.BytesIO(response.content)).pages)


def wait_until(condition, timeout: float = 90, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


# The behaviour -------------------------------------------------------------------------------
def test_application_submitted_through_node_a_shows_its_receipt_through_node_b(cluster):
    round_ = FundingRoundFactory(required_attachment_kinds=[])
    lead = MunicipalityFactory(name="Zwingenberg", population=20_000)
    applicant = staff_for(lead, full_name="Erika Zweiknoten")
    draft = ApplicationFactory(round=round_, lead_municipality=lead, complete=True)

    browser = Browser()
    browser.login(cluster.web_a, applicant)
    response = browser.submit(cluster.web_a, reverse("applications:check", args=[draft.pk]), {})
    assert response.status_code == 302, response.text[-2000:]
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.reference

    # A worker renders the receipt (the outbox sent the task when the submission committed).
    receipt = wait_until(
        lambda: GeneratedDocument.objects.filter(
            application=draft, kind=DocumentKind.RECEIPT
        ).first(),
        what="the receipt is rendered",
    )
    # Node B, which served nothing of this so far, shows it with the same login (the session
    # lives in the shared database).
    download = reverse("documents:document", args=[draft.pk, DocumentKind.RECEIPT])
    page = browser.get(cluster.web_b, reverse("applications:detail", args=[draft.pk]))
    assert page.status_code == 200
    assert draft.reference in page.text and download in page.text
    pages = pdf_pages(browser.get(cluster.web_b, download))
    assert pages >= 1
    print(f"\nreceipt {receipt.pk} of {draft.reference}: submitted on web-a, read on web-b")
    for node in cluster.nodes:  # no node keeps the receipt in its own folder
        assert not any(node.media_root.rglob("*.pdf")), node.media_root
    cluster.report_media()


def bundle_round(count: int):
    round_ = FundingRoundFactory(title="KIV – Zwei Knoten", required_attachment_kinds=["konzept"])
    return round_, [make_application(round_, n, attachment_pages=3) for n in range(count)]


def request_bundle_on(browser: Browser, node: Web, round_) -> BundleJob:
    response = browser.submit(
        node, reverse("documents:bundle_request", args=[round_.pk]), {"selection": "submitted"}
    )
    assert response.status_code == 302, response.text[-2000:]
    return BundleJob.objects.filter(round=round_).latest("pk")


def assert_bundle_downloads(browser: Browser, node: Web, job: BundleJob) -> None:
    assert job.status == BundleStatus.DONE, job.error
    response = browser.get(node, reverse("documents:bundle_download", args=[job.pk]))
    assert pdf_pages(response) == job.pages


@pytest.fixture
def officer_browser():
    officer = CaseOfficerFactory(full_name="Sven Zweiknoten")
    device = totp_device(officer)
    browser = Browser()
    return officer, device, browser


def built_by(workers: list[Worker], offsets: dict, applications) -> dict[str, list[str]]:
    """Which worker rendered which application's part, from the workers' logs since
    ``offsets`` (``parts.part_for`` logs each part it renders), by reference."""
    reference = {a.pk: a.reference for a in applications}
    result = {}
    for worker in workers:
        text = worker.log.read_text(errors="replace")[offsets[worker] :]
        found = re.findall(r"Bundle part of application (\d+) rendered", text)
        result[worker.log.stem] = sorted(reference.get(int(pk), pk) for pk in found)
    return result


def merged_by(workers: list[Worker], offsets: dict, job: BundleJob) -> list[str]:
    return [
        w.log.stem
        for w in workers
        if f"Bundle job {job.pk} done" in w.log.read_text(errors="replace")[offsets[w] :]
    ]


def log_offsets(workers: list[Worker]) -> dict:
    return {w: len(w.log.read_text(errors="replace")) for w in workers}


def test_bundle_requested_on_node_b_is_built_by_both_workers(cluster, officer_browser):
    officer, device, browser = officer_browser
    round_, applications = bundle_round(8)
    browser.login(cluster.web_b, officer, device)
    before = {w: w.succeeded("documents.bundle_render_application") for w in cluster.nodes[2:]}
    offsets = log_offsets(cluster.workers)
    job = request_bundle_on(browser, cluster.web_b, round_)
    job = wait_for(job.pk, lambda j: not j.is_open, timeout=180)
    assert job.done == job.total == len(applications)
    rendered = {
        w: w.succeeded("documents.bundle_render_application") - before[w] for w in cluster.nodes[2:]
    }
    assert all(count >= 1 for count in rendered.values()), rendered
    assert sum(rendered.values()) >= len(applications)
    assert_bundle_downloads(browser, cluster.web_a, job)
    assert not Application.objects.filter(round=round_, status=Status.DRAFT).exists()
    built = built_by(cluster.workers, offsets, applications)
    print(f"\nbundle {job.pk} ({job.pages} pages) requested on web-b, downloaded from web-a")
    for name, references in built.items():
        print(f"  {name} built {len(references)} parts: {', '.join(references)}")
    print(f"  merged by {merged_by(cluster.workers, offsets, job)}")
    assert all(built.values()), built
    cluster.report_media()


def test_worker_killed_mid_bundle_loses_nothing(cluster, officer_browser):
    officer, device, browser = officer_browser
    round_, applications = bundle_round(8)
    browser.login(cluster.web_b, officer, device)
    offsets = log_offsets(cluster.workers)
    job = request_bundle_on(browser, cluster.web_b, round_)
    job = wait_mid_part(job.pk)
    cluster.worker_1.stop(signal.SIGKILL)  # the whole process group, mid-part
    job.refresh_from_db()
    assert job.status == BundleStatus.RUNNING and job.done < job.total
    # The other worker takes the killed one's task back after the visibility timeout.
    job = wait_for(job.pk, lambda j: not j.is_open, timeout=180)
    assert job.done == job.total == len(applications)
    assert_bundle_downloads(browser, cluster.web_a, job)
    built = built_by(cluster.workers, offsets, applications)
    print(f"\nbundle {job.pk} ({job.pages} pages): worker-1 killed mid-part")
    for name, references in built.items():
        print(f"  {name} built {len(references)} parts: {', '.join(references)}")
    print(f"  merged by {merged_by(cluster.workers, offsets, job)}")
    assert merged_by(cluster.workers, offsets, job) == ["worker-2"]
    cluster.report_media()
