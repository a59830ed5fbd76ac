"""Benchmark of the PDF bundles (issue 5): one command, its own database and media folder.

    .venv/bin/python bench/pdf_bundle.py            # N = 50 and N = 200
    .venv/bin/python bench/pdf_bundle.py --sizes 20 # a quick run

It creates the database ``wir_bench`` (dropped first, and again at the end unless --keep-db),
seeds N synthetic submitted applications per size with realistic text lengths, a few cost
lines and one 5-page PDF attachment each, and then, for each size:

* baseline: one monolithic WeasyPrint render of the same content (every application's pages
  in one HTML document, with the running footer by CSS), in this process;
* the bundle through real Celery worker processes: first 1 process, then 2 processes, each
  ``celery worker --pool=prefork --concurrency=1`` (so "2 workers" = 2 separate worker
  processes, each with one pool process); every run starts with an empty PDF cache and fresh
  workers, so peak RSS is per run;
* an incremental re-bundle after changing one application (same workers, cache kept);
* the peak RSS (VmHWM from /proc) of the worker processes and their pool processes.

Before the bundles it measures the warm receipt render with today's font set-up (a copy kept
here, ``woff2_font_setup``) against the new one (``documents.rendering``) in the same process.

It prints the figures and the ratios against the targets of issue 12 (peak RSS: issue 5).
PostgreSQL and Redis come from DATABASE_URL's host and REDIS_URL, as for the portal.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

# The database and environment helpers shared with the other benchmarks (bench/common.py).
from common import configure_environment, drop_database, recreate_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# WIR_BENCH_DB: another name (wir_bench…) so that two runs on one machine do not collide.
BENCH_DB = os.environ.get("WIR_BENCH_DB", "wir_bench")
TARGET_BUNDLE_VS_BASELINE = 0.55  # issue 12 (issue 5: 0.6)
TARGET_INCREMENTAL = 0.08  # issue 12 (issue 5: 0.15)
TARGET_RSS = 1.2  # issue 5
TARGET_RECEIPT = 0.3  # issue 12: warm receipt render, new font set-up / today's


# Synthetic data -----------------------------------------------------------------------------
WORDS = [
    "Integration", "Teilhabe", "Sozialraum", "Beteiligung", "Kommune", "Strategie", "Vielfalt",
    "Bevölkerung", "Zugewanderte", "Werkstatt", "Moderation", "Quartier", "Verein", "Ehrenamt",
    "Verwaltung", "Stadtteil", "Jugend", "Familien", "Senioren", "Sprache", "Bildung",
    "Arbeitsmarkt", "Wohnen", "Nachbarschaft", "Begegnung", "Netzwerk", "Fachstelle",
    "Integrationsbeirat", "Migrantenorganisationen", "Kita", "Schule", "Sportverein",
    "Kirchengemeinde", "Willkommenskultur", "Gemeindevertretung", "Bürgermeisterin", "Leitbild",
    "Maßnahmen", "Ziele", "Zeitplan", "Auftaktveranstaltung", "Zukunftswerkstatt", "Befragung",
    "Dokumentation", "Evaluation", "Öffentlichkeitsarbeit",
]  # fmt: skip
# The strategy call's question set (issue 14): the long answers live in Application.answers.
LONG_ANSWERS = (
    "starting_situation", "aims", "social_space", "municipal_identity", "participation",
    "participation_formats", "outreach", "external_moderation", "milestones",
    "council_resolution",
)  # fmt: skip


def prose(rng: random.Random, chars: int) -> str:
    """German-looking prose of about ``chars`` characters in sentences and paragraphs."""
    out, length, sentence = [], 0, []
    while length < chars:
        word = rng.choice(WORDS)
        sentence.append(word)
        length += len(word) + 1
        if len(sentence) >= rng.randint(8, 16):
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if rng.random() < 0.2:
                out.append("\n\n")
    if sentence:
        out.append(" ".join(sentence) + ".")
    return " ".join(out).replace(" \n\n ", "\n\n")


def attachment_pdfs(count: int) -> list[bytes]:
    """``count`` different 5-page PDFs (a Konzept with text), rendered with WeasyPrint."""
    from django.utils import timezone

    from documents import rendering

    rng = random.Random(5)
    result = []
    for n in range(count):
        pages = "".join(
            f"<section style='break-before: page'><h1>Konzept {n + 1}, Seite {k}</h1>"
            f"<p>{prose(rng, 2600)}</p></section>"
            for k in range(1, 6)
        )
        html = (
            "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>Konzept</title>"
            f"<style>body {{ font-family: 'Fira Sans'; font-size: 10pt }}</style></head>"
            f"<body>{pages}</body></html>"
        )
        result.append(
            rendering.render_html_pdf(html, title="Konzept", created=timezone.now(), variant=None)
        )
    return result


def seed_round(label: str, size: int, pdfs: list[bytes], rng: random.Random):
    import datetime as dt
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from accounts.models import Role, User
    from applications.calls import STANDARD_DECLARATION_KEYS, round_add_standard_set
    from applications.models import (
        Application,
        Attachment,
        AttachmentKind,
        CostCategory,
        CostLine,
        FundingRound,
    )
    from applications.workflow import Status
    from municipalities.models import Municipality

    now = timezone.now()
    from questionnaires.definitions import strategy_question_set

    round_ = FundingRound.objects.create(
        question_set=strategy_question_set(),
        title=f"Benchmark-Runde {label}",
        opens_at=now - dt.timedelta(days=60),
        deadline=now - dt.timedelta(days=1),
        reference_prefix=f"BENCH-{label}",
        max_grant=Decimal("20000.00"),
        budget=Decimal("3000000.00"),
        population_reference_date=dt.date(2020, 12, 31),
        joint_allowed=True,
    )
    round_add_standard_set(round_, required_kinds=["konzept"])
    categories = [
        CostCategory.objects.create(round=round_, name=name, position=i)
        for i, name in enumerate(
            ["Externe Prozessmoderation", "Beteiligungsformate", "Öffentlichkeitsarbeit"]
        )
    ]
    officer, _ = User.objects.get_or_create(
        email="bench@rpda.example", defaults={"full_name": "Bench", "role": Role.CASE_OFFICER}
    )
    for n in range(size):
        municipality = Municipality.objects.create(
            ags=f"06{label[-2:].zfill(2)}{n:04d}",
            name=f"Benchstadt {label}-{n}",
            kind="gemeinde",
            kreis="Landkreis Darmstadt-Dieburg",
            regierungsbezirk="Darmstadt",
            population=rng.randint(10_000, 50_000),
            population_date=dt.date(2020, 12, 31),
            postcode="64283",
        )
        answers = {name: prose(rng, rng.randint(600, 2000)) for name in LONG_ANSWERS}
        application = Application.objects.create(
            round=round_,
            lead_municipality=municipality,
            status=Status.IN_CHECK,
            reference=f"BENCH-{label}-{n + 1:04d}",
            submitted_at=now,
            title=f"Vielfalt in Benchstadt {n}",
            summary=prose(rng, rng.randint(400, 900)),
            street="Marktplatz 1",
            postcode="64283",
            city=municipality.name,
            contact_name="Erika Mustermann",
            contact_function="Integrationsbeauftragte",
            contact_email="integration@bench.example",
            contact_phone="06151 12-3456",
            signatory_name="Max Mustermann",
            signatory_function="Bürgermeister",
            iban="DE89370400440532013000",
            account_holder="Gemeindekasse",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 12, 31),
            own_funds=Decimal("2000.00"),
            requested_grant=Decimal("18000.00"),
            declarations=dict.fromkeys(STANDARD_DECLARATION_KEYS, True),
            question_set_id=round_.question_set_id,
            answers=answers,
        )
        for i, amount in enumerate(("12000.00", "5000.00", "3000.00")):
            CostLine.objects.create(
                application=application,
                category=categories[i],
                description=prose(rng, 60)[:300],
                amount=Decimal(amount),
                budget_year=2027,
                position=i,
            )
        content = pdfs[n % len(pdfs)]
        attachment = Attachment(
            application=application,
            kind=AttachmentKind.KONZEPT,
            original_name="konzept.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        attachment.file.save("konzept.pdf", ContentFile(content), save=True)
    return round_, officer


# Baseline -----------------------------------------------------------------------------------
def baseline_render(round_) -> tuple[float, float, int]:
    """One monolithic WeasyPrint render of the same content: every application's pages (as in
    the bundle, with the footer done by CSS counters) in one document. Returns (seconds of the
    WeasyPrint render, seconds to append the attachments with pypdf as well, pages)."""
    import io
    import re

    from django.template.loader import render_to_string
    from django.utils import timezone
    from pypdf import PdfReader, PdfWriter

    from applications.models import Application
    from applications.progress import section_answers
    from documents import rendering
    from documents.bundles import content, parts

    ids = list(
        Application.objects.filter(round=round_).order_by("reference").values_list("pk", flat=True)
    )
    apps = content.load_applications(ids)
    bodies = []
    started = time.perf_counter()
    for pk in ids:
        application = apps[pk]
        checks = [parts.check_attachment(a) for a in application.attachments.all()]
        html = render_to_string(
            parts.APPLICATION_TEMPLATE,
            {
                "application": application,
                "answers": section_answers(application),
                "lines": list(application.cost_lines.all()),
                "partners": list(application.partners.all()),
                "checks": checks,
                "pdf_title": "x",
                "now": timezone.now(),
            },
        )
        body = re.search(r"<body>(.*)</body>", html, re.S).group(1)
        bodies.append(f"<section class='break'>{body}</section>")
    head = render_to_string(parts.APPLICATION_TEMPLATE, {"answers": {}, "checks": []})
    style = re.search(r"<style>(.*?)</style>", head, re.S).group(1)
    style = style.replace(
        "@page { @bottom-left { content: none; } @bottom-right { content: none; } }", ""
    )
    document = (
        f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>Baseline</title>"
        f"<style>{style}</style></head><body>{''.join(bodies)}</body></html>"
    )
    pdf = rendering.render_html_pdf(document, title="Baseline", created=timezone.now())
    weasy_seconds = time.perf_counter() - started
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for pk in ids:
        for attachment in apps[pk].attachments.all():
            writer.append(attachment.file.path)
    out = io.BytesIO()
    writer.write(out)
    total_seconds = time.perf_counter() - started
    return weasy_seconds, total_seconds, len(writer.pages)


# Receipt ------------------------------------------------------------------------------------
def woff2_font_setup():
    """The font set-up before issue 12, kept here as the baseline: the stylesheet names KERN's
    WOFF2 files, so building it makes WeasyPrint decode all four faces with fontTools (once per
    process, in ``documents.rendering._weasy``)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from documents import rendering

    faces = []
    for weight, style, name in rendering.FACES:
        path = rendering.kern_fonts_dir() / f"{name}.woff2"
        faces.append(
            "@font-face { font-family: 'Fira Sans'; "
            f"src: url('{path.as_uri()}') format('woff2'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    font_config = FontConfiguration()
    return font_config, CSS(string="\n".join(faces), font_config=font_config)


def truetype_font_setup():
    """The set-up of issue 12 as a new process does it: decoded TrueType files from the
    machine's font cache (filled by the first process), one FontConfiguration."""
    from documents import rendering

    rendering.fonts_css.cache_clear()
    rendering._weasy.cache_clear()
    return rendering._weasy()


def receipt_bench(round_, repeat: int = 7) -> dict:
    """The receipt of one seeded application, rendered with each font set-up in turn (the
    same process, alternating), and each set-up built afresh as a new worker process does."""
    from applications.models import Application
    from documents import receipts, rendering

    application = (
        Application.objects.with_related().with_totals().filter(round=round_).order_by("pk")[0]
    )
    setups = {"old": woff2_font_setup, "new": truetype_font_setup}
    built = {name: setup() for name, setup in setups.items()}
    setup_seconds: dict[str, list[float]] = {name: [] for name in setups}
    render_seconds: dict[str, list[float]] = {name: [] for name in setups}
    original = rendering._weasy
    try:
        for name in setups:  # each set-up's first render (WeasyPrint's lazy parts)
            rendering._weasy = lambda name=name: built[name]
            receipts.receipt_pdf(application)
        for _ in range(repeat):
            for name in setups:
                rendering._weasy = lambda name=name: built[name]
                started = time.perf_counter()
                receipts.receipt_pdf(application)
                render_seconds[name].append(time.perf_counter() - started)
        rendering._weasy = original
        for _ in range(3):
            for name, setup in setups.items():
                started = time.perf_counter()
                setup()
                setup_seconds[name].append(time.perf_counter() - started)
    finally:
        rendering._weasy = original
    return {
        "render": {k: statistics.median(v) for k, v in render_seconds.items()},
        "setup": {k: statistics.median(v) for k, v in setup_seconds.items()},
    }


def print_receipt(result: dict) -> float:
    render, setup = result["render"], result["setup"]
    ratio = render["new"] / render["old"]
    print(
        f"Receipt, warm render (median): today's WOFF2 set-up {render['old'] * 1000:.0f} ms, "
        f"decoded-font cache {render['new'] * 1000:.0f} ms"
    )
    print(
        f"Receipt, font set-up of a new worker process (median): today's "
        f"{setup['old'] * 1000:.0f} ms, decoded-font cache {setup['new'] * 1000:.0f} ms "
        f"(ratio {setup['new'] / setup['old']:.2f}); first receipt of a new process "
        f"(set-up + render) ratio "
        f"{(setup['new'] + render['new']) / (setup['old'] + render['old']):.2f}\n"
    )
    return ratio


# Workers ------------------------------------------------------------------------------------
class Workers:
    """``count`` separate ``celery worker`` processes, each --concurrency=1 (prefork)."""

    def __init__(self, count: int, env: dict, log_dir: Path):
        self.count = count
        self.env = {**os.environ, **{k: v for k, v in env.items() if isinstance(v, str)}}
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.queue = env["CELERY_QUEUE"]

    def start(self) -> None:
        for i in range(self.count):
            log = open(self.log_dir / f"worker-{self.count}-{i}.log", "ab")  # noqa: SIM115
            cmd = [
                sys.executable, "-m", "celery", "-A", "wir_portal", "worker",
                "--loglevel=WARNING", "--pool=prefork", "--concurrency=1", "-Q", self.queue,
                "-n", f"bench{i}-{uuid.uuid4().hex[:6]}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ]  # fmt: skip
            self.processes.append(
                subprocess.Popen(
                    cmd,
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        from wir_portal.celery import app, ping

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                replies = app.control.ping(timeout=1.0)
                names = {name for reply in replies for name in reply}
                if sum(1 for n in names if n.startswith("bench")) >= self.count:
                    ping.apply_async(queue=self.queue).get(timeout=10)
                    return
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(0.3)
        raise RuntimeError("The benchmark workers did not start; see their logs.")

    def pids(self) -> list[int]:
        result = []
        for process in self.processes:
            result.append(process.pid)
            try:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
                result.extend(int(p) for p in children.split())
            except OSError:
                pass
        return result

    def peak_rss_mb(self) -> tuple[float, float]:
        """(largest VmHWM of one process, sum of VmHWM over all) in MB."""
        values = []
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        values.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return (max(values) if values else 0.0, sum(values))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []


def run_job(round_, officer) -> tuple[float, object]:
    from django.db import transaction

    from documents.bundles import jobs
    from documents.models import BundleJob

    started = time.perf_counter()
    with transaction.atomic():
        job = jobs.bundle_job_request(round_=round_, user=officer, selection="submitted")
    while True:
        job = BundleJob.objects.get(pk=job.pk)
        if not job.is_open:
            break
        if time.perf_counter() - started > 3600:
            raise RuntimeError("bundle did not finish within an hour")
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if job.status != "done":
        raise RuntimeError(f"bundle failed: {job.error}")
    return seconds, job


def clear_cache(media: Path) -> None:
    from documents.models import ApplicationPdfCache

    ApplicationPdfCache.objects.all().delete()
    shutil.rmtree(media / "bundles", ignore_errors=True)


def change_one(round_) -> None:
    from applications.models import Application

    application = Application.objects.filter(round=round_).order_by("reference").first()
    Application.objects.filter(pk=application.pk).update(
        summary=application.summary + " Geändert für den Benchmark."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep-db", action="store_true", help="do not drop wir_bench at the end")
    args = parser.parse_args()

    env = configure_environment(BENCH_DB)
    recreate_database(env["database_url"])
    import django

    django.setup()
    from django.core.management import call_command

    from documents import rendering
    from documents.models import ApplicationPdfCache

    log_dir = Path(tempfile.mkdtemp(prefix="wir-bench-logs-"))
    load = os.getloadavg()
    print(f"PDF bundle benchmark – {os.cpu_count()} CPUs, load average {load[0]:.2f}")
    print(f"database {BENCH_DB}, media {env['media']}, worker logs {log_dir}")
    call_command("migrate", verbosity=0)
    rendering._weasy()  # this process's fonts, loaded once as in each worker
    rng = random.Random(2019)
    t = time.perf_counter()
    pdfs = attachment_pdfs(10)
    rounds = {n: seed_round(f"N{n}", n, pdfs, rng) for n in args.sizes}
    print(f"seeded {sum(args.sizes)} applications in {time.perf_counter() - t:.1f} s\n")

    results: dict[tuple[int, int], dict] = {}
    baselines = {}
    try:
        receipt_ratio = print_receipt(receipt_bench(rounds[args.sizes[0]][0]))
        for n in args.sizes:
            round_, officer = rounds[n]
            weasy, with_attachments, pages = baseline_render(round_)
            baselines[n] = weasy
            print(
                f"N={n}: baseline monolithic WeasyPrint render {weasy:.1f} s ({pages} pages "
                f"with the attachments appended by pypdf: {with_attachments:.1f} s)"
            )
            for count in args.workers:
                clear_cache(env["media"])
                workers = Workers(count, env, log_dir)
                workers.start()
                try:
                    full, job = run_job(round_, officer)
                    peak, peak_sum = workers.peak_rss_mb()
                    renders = list(
                        ApplicationPdfCache.objects.filter(application__round=round_).values_list(
                            "render_seconds", flat=True
                        )
                    )
                    change_one(round_)
                    incremental, job2 = run_job(round_, officer)
                finally:
                    workers.stop()
                results[(n, count)] = {
                    "full": full,
                    "incremental": incremental,
                    "rendered_again": job2.rendered,
                    "render_mean": statistics.mean(renders),
                    "render_sum": sum(renders),
                    "merge": job.merge_seconds,
                    "merge_incremental": job2.merge_seconds,
                    "pages": job.pages,
                    "size_mb": job.size / 1e6,
                    "peak": peak,
                    "peak_sum": peak_sum,
                }
                r = results[(n, count)]
                print(
                    f"N={n}, {count} worker process{'es' if count > 1 else ''}: bundle "
                    f"{full:.1f} s ({r['pages']} pages, {r['size_mb']:.1f} MB); per-application "
                    f"render {r['render_mean'] * 1000:.0f} ms (sum {r['render_sum']:.1f} s); "
                    f"merge {r['merge']:.1f} s; peak RSS {peak:.0f} MB per process "
                    f"({peak_sum:.0f} MB all worker processes); incremental re-bundle "
                    f"{incremental:.1f} s ({r['rendered_again']} application rendered again, "
                    f"merge {r['merge_incremental']:.1f} s)"
                )
            print()
    finally:
        if not args.keep_db:
            drop_database(env["database_url"])
            shutil.rmtree(env["media"], ignore_errors=True)

    print("Ratios (targets of issue 12; peak RSS: issue 5):")
    verdict = "met" if receipt_ratio <= TARGET_RECEIPT else "MISSED"
    print(
        f"  receipt warm render, new / today's font set-up = {receipt_ratio:.2f} "
        f"(target <= {TARGET_RECEIPT}: {verdict})"
    )
    two = max(args.workers)
    for n in args.sizes:
        ratio = results[(n, two)]["full"] / baselines[n]
        verdict = "met" if ratio <= TARGET_BUNDLE_VS_BASELINE else "MISSED"
        print(
            f"  N={n}: bundle with {two} workers / baseline = {ratio:.2f} "
            f"(target <= {TARGET_BUNDLE_VS_BASELINE}: {verdict}); with 1 worker "
            f"{results[(n, min(args.workers))]['full'] / baselines[n]:.2f}"
        )
    for n in args.sizes:
        ratio = results[(n, two)]["incremental"] / results[(n, two)]["full"]
        verdict = "met" if ratio <= TARGET_INCREMENTAL else "MISSED"
        print(
            f"  N={n}: incremental / full bundle ({two} workers) = {ratio:.2f} "
            f"(target <= {TARGET_INCREMENTAL}: {verdict})"
        )
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        for count in args.workers:
            ratio = results[(large, count)]["peak"] / results[(small, count)]["peak"]
            verdict = "met" if ratio <= TARGET_RSS else "MISSED"
            print(
                f"  peak worker RSS N={large} / N={small} ({count} worker"
                f"{'s' if count > 1 else ''}) = {ratio:.2f} (target <= {TARGET_RSS}: {verdict})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
