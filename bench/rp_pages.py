"""Benchmark of the RP pages at programme scale (issue 12, deliverable 1): one command, its own
database.

    .venv/bin/python bench/rp_pages.py              # N = 300 and N = 5,000
    .venv/bin/python bench/rp_pages.py --sizes 300  # a quick run

It creates the database ``wir_bench_rp`` (dropped first, and at the end unless --keep-db),
imports the register (426 Hessian municipalities) and adds synthetic ones, seeds one round per
N of submitted applications (``rp_seed.py``), starts gunicorn with 2 workers and the production
settings on a free loopback port, and logs in through the pages: a case officer and a jury
member with their second factor (TOTP), a member of municipal staff with the password.

For each page it prints the number of queries (counted in this process with Django's test
client against the same database, as the server runs with DEBUG off), median and p95 of
sequential requests against gunicorn, and wrk-style throughput (several concurrent clients)
as a ratio against ``/impressum/`` of the same server with the same session, page and baseline
alternating (baseline, page, page, baseline), with the targets of issue 12 beside.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from common import (
    SYNTHETIC_PREFIX,
    Gunicorn,
    HttpClient,
    collect_static,
    configure_environment,
    drop_database,
    import_register,
    load_line,
    login,
    median,
    migrate,
    p95,
    recreate_database,
    throughput,
    verdict,
)

DB = "wir_bench_rp"
PASSWORD = "Benchmark-Passwort-2019"
BASELINE = "/impressum/"
TARGET_SIZE = 5_000
TARGET_OVERVIEW_QUERIES = 8
TARGET_OVERVIEW_RATIO = 0.5
TARGET_VARIANT_RATIO = 0.35  # searched and sorted overview
TARGET_RANKING_VS_OVERVIEW = 5.0


@dataclass
class Page:
    key: str
    label: str
    who: str  # "officer", "jury", "staff"
    path: str
    expect: str = ""  # text the page must contain (a check that it shows what it should)


@dataclass
class Result:
    page: Page
    queries: int = -1
    median: float = float("nan")
    p95: float = float("nan")
    size_kb: float = 0.0
    ratio: float = float("nan")
    rps: float = 0.0
    baseline_rps: float = 0.0
    errors: list[str] = field(default_factory=list)


PAGE_KEYS = (
    "overview", "overview_search", "overview_sorted", "overview_filtered",
    "ranking", "jury", "applicant", "detail",
)  # fmt: skip


def concept_pdf() -> bytes:
    """A one-page PDF shared by every attachment row (the pages list attachments only)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def people_for_round(seeded):
    """The jury member who logs in (with a TOTP device) and a member of municipal staff of a
    lead municipality of the round (and of a partner municipality of another application)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Role, User
    from applications.models import Application, ApplicationPartner
    from municipalities.models import Membership

    juror = seeded.reviewers[0]
    device = TOTPDevice.objects.filter(user=juror, name="Bench").first()
    reused = device is not None  # --reuse-db: made by an earlier run
    if not reused:
        device = TOTPDevice.objects.create(user=juror, name="Bench", confirmed=True)
    app = (
        Application.objects.filter(round=seeded.round, status="in_review")
        .exclude(lead_municipality__ags__startswith=SYNTHETIC_PREFIX)
        .order_by("reference")
        .first()
    ) or Application.objects.filter(round=seeded.round).order_by("reference").first()
    if reused:
        return juror, device, User.objects.get(email=f"kommune-{seeded.size}@bench.example"), app
    staff = User.objects.create_user(
        f"kommune-{seeded.size}@bench.example",
        PASSWORD,
        full_name="Karin Kommunal",
        role=Role.MUNICIPAL_STAFF,
    )
    Membership.objects.create(user=staff, municipality=app.lead_municipality)
    partner = ApplicationPartner.objects.filter(application__round=seeded.round).first()
    if partner and partner.municipality_id != app.lead_municipality_id:
        Membership.objects.create(user=staff, municipality=partner.municipality)
    return juror, device, staff, app


def pages_for_round(seeded, staff_app, juror) -> list[Page]:
    """The pages, each with a text it must show: the searched municipality's application, the
    best mean score first, the juror's first assignment, and so on."""
    from django.db.models import Avg, Count, Q
    from django.urls import reverse

    from applications.models import Application
    from reviews.models import Assignment

    round_ = seeded.round
    overview = reverse("reviews:overview", args=[round_.pk])
    # A case officer looks for a municipality by the start of its name.
    lead = staff_app.lead_municipality
    term = lead.name.split(",")[0].split()[0][:6]
    detail = (
        Application.objects.filter(round=round_, status="in_review")
        .annotate(n=Count("assignments__review", filter=Q(assignments__review__status="final")))
        .order_by("-n", "reference")
        .first()
    )
    final = Q(assignments__status="active", assignments__review__status="final")
    best = (
        Application.objects.filter(round=round_)
        .annotate(mean=Avg("assignments__review__score", filter=final))
        .filter(mean__isnull=False)
        .order_by("-mean", "reference")
        .values_list("reference", flat=True)
        .first()
    )
    first_assigned = (
        Assignment.objects.filter(reviewer=juror, status="active", application__round=round_)
        .order_by("application__reference")
        .values_list("application__reference", flat=True)
        .first()
    )
    filtered = urlencode({"status": "in_review", "regierungsbezirk": lead.regierungsbezirk})
    return [
        Page("overview", "RP overview", "officer", overview, round_.reference_prefix),
        Page(
            "overview_search",
            f"RP overview, search „{term}“",
            "officer",
            f"{overview}?{urlencode({'q': term})}",
            staff_app.reference,
        ),
        Page(
            "overview_sorted",
            "RP overview, sorted by mean score",
            "officer",
            f"{overview}?sort=-mean_score",
            best,
        ),
        Page(
            "overview_filtered",
            f"RP overview, in review in {lead.regierungsbezirk}",
            "officer",
            f"{overview}?{filtered}",
        ),
        Page(
            "ranking",
            "ranking",
            "officer",
            reverse("reviews:ranking", args=[round_.pk]),
            round_.reference_prefix,
        ),
        Page(
            "jury", "jury list (jury member)", "jury", reverse("reviews:jury_list"), first_assigned
        ),
        Page(
            "applicant",
            "applicant list (municipal staff)",
            "staff",
            reverse("applications:list"),
            staff_app.reference,
        ),
        Page(
            "detail",
            "RP application detail",
            "officer",
            reverse("reviews:detail", args=[detail.pk]),
            detail.reference,
        ),
    ]


def in_process_client(user, device=None):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def count_queries(client, path: str) -> tuple[int, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, secure=True)  # the first request of a session may write it
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, secure=True)
    return len(context.captured_queries), response.status_code, response.content.decode()


def measure(page: Page, client: HttpClient, local, args) -> Result:
    result = Result(page)
    result.queries, status, content = count_queries(local, page.path)
    if status != 200:
        result.errors.append(f"in-process status {status}")
    elif page.expect and page.expect not in content:
        result.errors.append(f"in-process page does not show „{page.expect}“")
    for _ in range(2):  # warm-up: caches, connections, the first session write
        client.get(page.path)
    times, statuses = [], []
    for _ in range(args.requests):
        response = client.get(page.path)
        times.append(response.seconds)
        statuses.append(response.status)
        result.size_kb = len(response.body) / 1024
    bad = [s for s in statuses if s != 200]
    if bad:
        result.errors.append(f"{len(bad)} of {len(times)} sequential: {sorted(set(bad))}")
    result.median, result.p95 = median(times), p95(times)
    # Baseline, page, page, baseline: a drift of the machine's load cancels out.
    base = page_rps = 0.0
    failures = 0
    for path in (BASELINE, page.path, page.path, BASELINE):
        rps, failed = throughput(client, path, args.seconds, args.concurrency)
        failures += failed
        if path == BASELINE:
            base += rps / 2
        else:
            page_rps += rps / 2
    if failures:
        result.errors.append(f"{failures} responses not 200 under load")
    result.rps, result.baseline_rps = page_rps, base
    result.ratio = page_rps / base if base else float("nan")
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report_line(r: Result, size: int, overview: Result | None) -> str:
    targets = []
    applies = "" if size == TARGET_SIZE else f" at N={TARGET_SIZE:,}"
    if r.page.key == "overview":
        targets.append(
            f"queries <= {TARGET_OVERVIEW_QUERIES}{applies}: "
            f"{verdict(r.queries <= TARGET_OVERVIEW_QUERIES)}"
        )
        targets.append(
            f"ratio >= {TARGET_OVERVIEW_RATIO}{applies}: "
            f"{verdict(r.ratio >= TARGET_OVERVIEW_RATIO)}"
        )
    if r.page.key in ("overview_search", "overview_sorted"):
        targets.append(
            f"ratio >= {TARGET_VARIANT_RATIO}{applies}: {verdict(r.ratio >= TARGET_VARIANT_RATIO)}"
        )
    if r.page.key == "ranking" and overview is not None:
        factor = r.median / overview.median
        targets.append(
            f"median = {factor:.1f} x overview's (<= {TARGET_RANKING_VS_OVERVIEW:g}{applies}: "
            f"{verdict(factor <= TARGET_RANKING_VS_OVERVIEW)})"
        )
    line = (
        f"  {r.page.label:<46} {r.queries:>4} queries | median {ms(r.median):>8}, "
        f"p95 {ms(r.p95):>8} | {r.size_kb:7.0f} KB | {r.rps:6.1f} req/s vs impressum "
        f"{r.baseline_rps:6.1f} = {r.ratio:.2f} x"
    )
    if targets:
        line += "\n  " + " " * 46 + " targets: " + "; ".join(targets)
    if r.errors:
        line += "\n  " + " " * 46 + " ERRORS: " + "; ".join(r.errors)
    return line


def seed(args, connection, started):
    """Migrates, imports the register, seeds a round per N; (officer, device, rounds)."""
    import rp_seed

    from municipalities.models import Municipality

    t = time.perf_counter()
    migrate()
    collect_static()
    print(
        f"migrated and collected static files in {time.perf_counter() - t:.0f} s; register: "
        f"{import_register()} municipalities (Hesse, GV100AD 30.11.2021)"
    )
    rng = random.Random(2019)
    officer, officer_device = rp_seed.people(PASSWORD)
    rp_seed.ensure_municipalities(max(args.sizes), rng)
    pdf = concept_pdf()
    seeded_rounds = []
    for size in args.sizes:
        t = time.perf_counter()
        seeded = rp_seed.seed_round(size, officer, PASSWORD, rng, pdf)
        people = people_for_round(seeded)
        seeded_rounds.append((seeded, people))
        counts = ", ".join(f"{v:,} {k}" for k, v in sorted(seeded.counts.items()))
        print(f"seeded N={size:,} in {time.perf_counter() - t:.1f} s: {counts}")
    synthetic = Municipality.objects.filter(ags__startswith=SYNTHETIC_PREFIX).count()
    print(f"municipalities: {Municipality.objects.count():,} ({synthetic:,} synthetic)")
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have done on a live database
    print(f"VACUUM ANALYZE {time.perf_counter() - t:.1f} s; setup took "
          f"{time.perf_counter() - started:.0f} s\n")  # fmt: skip
    return officer, officer_device, seeded_rounds


def seeded_sizes(database_url: str, sizes: list[int]) -> bool:
    """Whether the database exists and holds a seeded round of every N (``--reuse-db``)."""
    import psycopg2
    from common import _admin_connection

    admin = _admin_connection(database_url)
    with admin.cursor() as cursor:
        name = database_url.rsplit("/", 1)[1]
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    admin.close()
    if not exists:
        return False
    parsed_dsn = database_url
    try:
        conn = psycopg2.connect(parsed_dsn)
    except psycopg2.Error:
        return False
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT a.round_id) FROM applications_application a "
                "JOIN applications_fundinground r ON r.id = a.round_id "
                "WHERE r.reference_prefix = ANY(%s) AND EXISTS (SELECT 1 FROM "
                "accounts_user u WHERE u.email = 'kommune-' || substr(r.reference_prefix, 7) "
                "|| '@bench.example')",
                [[f"BENCH-{size}" for size in sizes]],
            )
            found = cursor.fetchone()[0]
    except psycopg2.Error:
        found = 0
    finally:
        conn.close()
    return found == len(set(sizes))


def reused_officer():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    officer = User.objects.get(email="sachbearbeitung@rpda.bench.example")
    return officer, TOTPDevice.objects.get(user=officer, name="Bench")


def reused_rounds(sizes: list[int]):
    """The SeededRound of each N from the database (counts: statuses and final reviews)."""
    import rp_seed
    from django.db.models import Count

    from accounts.models import User
    from applications.models import Application, FundingRound
    from reviews.models import Review

    rounds = []
    for size in sizes:
        round_ = FundingRound.objects.get(reference_prefix=f"BENCH-{size}")
        reviewers = [
            User.objects.get(email=f"jury{k + 1}-{size}@bench.example")
            for k in range(rp_seed.JURY_SIZE)
        ]
        seeded = rp_seed.SeededRound(round_, size, reviewers)
        by_status = Application.objects.filter(round=round_).values("status")
        seeded.counts.update({r["status"]: r["n"] for r in by_status.annotate(n=Count("pk"))})
        seeded.counts["final reviews"] = Review.objects.filter(
            assignment__application__round=round_, status="final"
        ).count()
        rounds.append(seeded)
    return rounds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, TARGET_SIZE])
    parser.add_argument("--requests", type=int, default=30, help="sequential requests per page")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one load slot")
    parser.add_argument("--concurrency", type=int, default=4, help="clients under load")
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database at the end"
    )
    parser.add_argument(
        "--db", default=DB, help=f"database name (wir_bench…; default {DB}), e.g. one per person"
    )
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="reuse the database of an earlier --keep-db run when it holds a round of every N "
        "(migrates it, skips seeding; implies --keep-db)",
    )
    parser.add_argument(
        "--pages", nargs="+", metavar="KEY", help=f"only these pages ({', '.join(PAGE_KEYS)})"
    )
    args = parser.parse_args()
    if args.reuse_db:
        args.keep_db = True

    print(load_line("RP pages benchmark"))
    started = time.perf_counter()
    env = configure_environment(args.db, production=True)
    reuse = args.reuse_db and seeded_sizes(env["database_url"], args.sizes)
    if not reuse:
        recreate_database(env["database_url"])
    import django

    django.setup()
    from django.db import connection

    log_dir = Path(tempfile.mkdtemp(prefix="wir-bench-rp-logs-"))
    print(f"database {args.db}, media {env['media']}, logs {log_dir}")
    server = None
    try:
        if reuse:
            t = time.perf_counter()
            migrate()  # applies migrations added since the database was seeded
            collect_static()
            officer, officer_device = reused_officer()
            seeded_rounds = [(s, people_for_round(s)) for s in reused_rounds(args.sizes)]
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # statistics for what a new migration added
            print(f"reused the seeded database (migrated, ANALYZE) in "
                  f"{time.perf_counter() - t:.0f} s\n")  # fmt: skip
        else:
            officer, officer_device, seeded_rounds = seed(args, connection, started)

        server = Gunicorn(env, log_dir, workers=2).start()
        officer_client = HttpClient(server.port)
        login(officer_client, officer.email, PASSWORD, officer_device)
        local_officer = in_process_client(officer, officer_device)
        print(f"gunicorn: 2 workers on 127.0.0.1:{server.port}; logged in\n")

        for seeded, (juror, juror_device, staff, staff_app) in seeded_rounds:
            jury_client = HttpClient(server.port)
            login(jury_client, juror.email, PASSWORD, juror_device)
            staff_client = HttpClient(server.port)
            login(staff_client, staff.email, PASSWORD)
            clients = {
                "officer": (officer_client, local_officer),
                "jury": (jury_client, in_process_client(juror, juror_device)),
                "staff": (staff_client, in_process_client(staff)),
            }
            print(
                f"N={seeded.size:,} ({seeded.counts['final reviews']:,} final reviews; "
                f"{args.requests} sequential requests, then {args.concurrency} clients for "
                f"4 x {args.seconds:g} s alternating with {BASELINE})"
            )
            overview = None
            for page in pages_for_round(seeded, staff_app, juror):
                if args.pages and page.key not in args.pages:
                    continue
                http_client, local = clients[page.who]
                result = measure(page, http_client, local, args)
                if page.key == "overview":
                    overview = result
                print(report_line(result, seeded.size, overview), flush=True)
            print()
    finally:
        if server is not None:
            server.stop()
        if not args.keep_db:
            drop_database(env["database_url"])
            shutil.rmtree(env["media"], ignore_errors=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
