"""Benchmark of a deadline rush (issue 12, deliverable 2): one command, its own database.

    .venv/bin/python bench/deadline_rush.py                     # 200 municipalities in 60 s
    .venv/bin/python bench/deadline_rush.py --municipalities 30 # a quick run

It creates the database ``wir_bench_rush`` (dropped first, and at the end unless --keep-db),
imports the register and adds synthetic municipalities where the Hessian ones that may apply
alone (10,000 to 50,000 inhabitants) run out, and gives each municipality a member of staff and
a complete draft (everything ``application_validate_for_submission`` requires; checked before
the run). gunicorn (2 workers, production settings) serves on a free loopback port and one
real Celery worker (``--concurrency=2``, as in the Procfile) renders the receipts.

1. Idle: ``--idle`` submits one after the other (drafts in a second round), each after the
   receipt of the one before exists, so nothing else runs: the median of the submit request.
2. The rush: every municipality submits within ``--window`` seconds, the starts spread at
   random over the window, each as a person would: it opens the check page (for the CSRF token)
   and posts the submit form.

Then it prints errors (5xx, failed requests, submissions lost: a draft left or a success page
for an application not submitted), duplicate or missing reference numbers, p50/p95 of the
submit request, and the time from the last submission until every receipt exists, each with
the target of issue 12 beside.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from common import (
    SYNTHETIC_PREFIX,
    CeleryWorker,
    Gunicorn,
    HttpClient,
    collect_static,
    configure_environment,
    drop_database,
    import_register,
    load_line,
    median,
    migrate,
    p95,
    project_title,
    prose,
    recreate_database,
    synthetic_municipalities,
    verdict,
)

DB = "wir_bench_rush"
PASSWORD = "Benchmark-Passwort-2019"
TARGET_P95_VS_IDLE = 5.0
TARGET_RECEIPTS_SECONDS = 300
# The strategy call's question set (issue 14): the long answers live in Application.answers.
LONG_ANSWERS = (
    "starting_situation", "aims", "social_space", "municipal_identity",
    "participation", "participation_formats", "outreach", "external_moderation", "milestones",
    "council_resolution",
)  # fmt: skip


@dataclass
class Submit:
    application_id: int
    status: int = 0
    seconds: float = 0.0
    ended: float = 0.0  # perf_counter when the response arrived
    posted: float = 0.0  # perf_counter when the submit request was sent
    get_seconds: float = 0.0
    error: str = ""
    success: bool = False  # redirected to the confirmation page


# Seeding ----------------------------------------------------------------------------------------
def eligible_municipalities(count: int, rng: random.Random) -> list:
    """``count`` municipalities that may apply alone: Hessian ones first, then synthetic."""
    from municipalities.models import Municipality

    def pool():
        return list(
            Municipality.objects.filter(
                is_active=True, population__gte=10_000, population__lte=50_000
            )
            .exclude(kind__in=["gemeindefrei", "landkreis"])
            .order_by("ags")
        )

    found = pool()
    if len(found) < count:
        synthetic_municipalities(count - len(found), rng, population=(10_000, 50_000))
        found = pool()
    real = [m for m in found if not m.ags.startswith(SYNTHETIC_PREFIX)]
    rng.shuffle(real)
    synthetic = [m for m in found if m.ags.startswith(SYNTHETIC_PREFIX)]
    return (real + synthetic)[:count]


def make_round(prefix: str, title: str):
    from django.utils import timezone

    from applications.calls import round_add_standard_set
    from applications.models import CostCategory, FundingRound
    from questionnaires.definitions import strategy_question_set

    now = timezone.now()
    round_ = FundingRound.objects.create(
        question_set=strategy_question_set(),
        title=title,
        opens_at=now - dt.timedelta(days=60),
        deadline=now + dt.timedelta(hours=3),
        reference_prefix=prefix,
        max_grant=Decimal("20000.00"),
        budget=Decimal("4000000.00"),
        population_reference_date=dt.date(2020, 12, 31),
        joint_allowed=True,
    )
    round_add_standard_set(round_, required_kinds=["konzept"])
    categories = CostCategory.objects.bulk_create(
        CostCategory(round=round_, name=name, position=i)
        for i, name in enumerate(("Externe Prozessmoderation", "Beteiligungsformate", "Sachkosten"))
    )
    return round_, categories


def staff_users(municipalities) -> list:
    """A member of staff per municipality (one password hash for all: hashing is slow)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Role, User
    from municipalities.models import Membership

    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            email=f"integration-{m.ags}@kommune.bench.example",
            full_name=f"Integrationsbeauftragte {m.name.split(',')[0]}"[:200],
            role=Role.MUNICIPAL_STAFF,
            password=password,
            email_confirmed_at=timezone.now(),
        )
        for m in municipalities
    )
    Membership.objects.bulk_create(
        Membership(user=u, municipality=m) for u, m in zip(users, municipalities, strict=True)
    )
    return users


def drafts(round_, categories, municipalities, users, pdf_name: str, pdf: bytes, rng) -> list:
    """A complete draft per municipality, as the forms would have left it."""
    from django.utils import timezone

    from applications.calls import STANDARD_DECLARATION_KEYS
    from applications.models import (
        Application,
        ApplicationEvent,
        Attachment,
        CostLine,
        RoundParticipation,
    )

    start = timezone.localdate() + dt.timedelta(days=90)
    apps = []
    for m, user in zip(municipalities, users, strict=True):
        name = m.name.split(",")[0]
        apps.append(
            Application(
                round=round_,
                lead_municipality=m,
                created_by=user,
                street="Rathausplatz 1",
                postcode=m.postcode or "64283",
                city=name[:100],
                contact_name=user.full_name,
                contact_function="Integrationsbeauftragte",
                contact_email=user.email,
                contact_phone="06151 12-3456",
                signatory_name="Petra Schulz",
                signatory_function="Bürgermeisterin",
                iban="DE89370400440532013000",
                account_holder=f"Gemeindekasse {name}"[:200],
                title=project_title(rng, m.name),
                start_date=start,
                end_date=start + dt.timedelta(days=364),
                own_funds=Decimal("2000.00"),
                third_party_funds=Decimal("0.00"),
                requested_grant=Decimal("18000.00"),
                declarations=dict.fromkeys(STANDARD_DECLARATION_KEYS, True),
                summary=prose(rng, rng.randint(300, 1500))[:2000],
                question_set_id=round_.question_set_id,
                answers={f: prose(rng, rng.randint(300, 1500))[:2000] for f in LONG_ANSWERS},
            )
        )
    Application.objects.bulk_create(apps)
    RoundParticipation.objects.bulk_create(
        RoundParticipation(
            round=round_, municipality=a.lead_municipality, application=a, role="lead"
        )
        for a in apps
    )
    CostLine.objects.bulk_create(
        CostLine(
            application=a,
            category=categories[i],
            description=text,
            amount=Decimal(amount),
            budget_year=start.year,
            position=i,
        )
        for a in apps
        for i, (text, amount) in enumerate(
            (("Moderation durch ein Fachbüro", "14000.00"), ("Werkstätten", "6000.00"))
        )
    )
    Attachment.objects.bulk_create(
        Attachment(
            application=a,
            kind="konzept",
            file=pdf_name,
            original_name="Konzept.pdf",
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            uploaded_by=a.created_by,
        )
        for a in apps
    )
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application=a, actor=a.created_by, action="created", to_status="draft")
        for a in apps
    )
    return apps


def check_complete(apps) -> None:
    from applications.models import Application
    from applications.services import application_validate_for_submission

    for app in apps:
        errors = application_validate_for_submission(Application.objects.get(pk=app.pk))
        if errors:
            raise SystemExit(f"draft {app.pk} is not complete: {errors}")


def session_cookies(users) -> dict[int, dict]:
    """Logged-in sessions, made in this process (a web login per person would spend minutes on
    password hashing before the rush; the submission itself goes through the web form)."""
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for user in users:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies[user.pk] = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
        }
    return cookies


def pdf_bytes() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# Submitting -------------------------------------------------------------------------------------
def submit(port: int, cookies: dict, application_id: int) -> Submit:
    """What a person does: open the check page, press "Antrag einreichen"."""
    result = Submit(application_id)
    client = HttpClient(port, dict(cookies))
    path = f"/antraege/{application_id}/pruefen/"
    try:
        page = client.get(path)
        result.get_seconds = page.seconds
        if page.status != 200:
            result.status, result.error = page.status, f"check page {page.status}"
            result.ended = time.perf_counter()
            return result
        result.posted = time.perf_counter()
        response = client.post(path, {"csrfmiddlewaretoken": client.csrf_token(page)})
    except Exception as exc:  # noqa: BLE001 - any failure is an error of the run
        result.error = f"{type(exc).__name__}: {exc}"
        result.ended = time.perf_counter()
        return result
    result.status, result.seconds, result.ended = (
        response.status,
        response.seconds,
        time.perf_counter(),
    )
    result.success = response.status == 302 and response.location.endswith(
        f"/antraege/{application_id}/eingereicht/"
    )
    if not result.success:
        result.error = f"submit answered {response.status} {response.location}".strip()
    return result


def receipts_of(round_) -> int:
    from documents.models import GeneratedDocument

    return (
        GeneratedDocument.objects.filter(application__round=round_, kind="receipt")
        .values("application")
        .distinct()
        .count()
    )


def wait_for_receipts(round_, expected: int, timeout: float) -> float | None:
    """The perf_counter moment when ``expected`` receipts of the round exist (None: timeout)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if receipts_of(round_) >= expected:
            return time.perf_counter()
        time.sleep(0.25)
    return None


def rush(port: int, jobs: list[tuple[int, dict]], window: float, rng) -> list[Submit]:
    offsets = sorted(rng.uniform(0, window) for _ in jobs)
    results: list[Submit | None] = [None] * len(jobs)
    t0 = time.perf_counter() + 0.5

    def run(i: int) -> None:
        application_id, cookies = jobs[i]
        time.sleep(max(0.0, t0 + offsets[i] - time.perf_counter()))
        results[i] = submit(port, cookies, application_id)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for r in results if r is not None]


def verify(round_, prefix: str, count: int, results: list[Submit]) -> dict:
    from applications.models import Application

    rows = list(Application.objects.filter(round=round_).values_list("pk", "status", "reference"))
    submitted = {pk for pk, status, _ in rows if status != "draft"}
    references = [ref for _, status, ref in rows if status != "draft"]
    expected = {f"{prefix}-{n:04d}" for n in range(1, count + 1)}
    told_success_not_submitted = [
        r for r in results if r.success and r.application_id not in submitted
    ]
    return {
        "drafts_left": sum(1 for _, status, _ in rows if status == "draft"),
        "false_success": len(told_success_not_submitted),
        "duplicates": sum(n - 1 for n in Counter(references).values() if n > 1),
        "missing": sorted(expected - set(references)),
        "unexpected": sorted(set(references) - expected),
        "submitted": len(submitted),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", type=int, default=200)
    parser.add_argument("--window", type=float, default=60.0, help="seconds of the rush")
    parser.add_argument("--idle", type=int, default=10, help="single submits on the idle server")
    parser.add_argument("--receipt-timeout", type=float, default=900.0)
    parser.add_argument("--keep-db", action="store_true", help=f"do not drop {DB} at the end")
    args = parser.parse_args()

    print(load_line("Deadline rush benchmark"))
    started = time.perf_counter()
    env = configure_environment(DB, production=True)
    recreate_database(env["database_url"])
    import django

    django.setup()
    try:
        run(args, env, started)
    finally:
        if not args.keep_db:
            drop_database(env["database_url"])
            shutil.rmtree(env["media"], ignore_errors=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


def run(args, env: dict, started: float) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    log_dir = Path(tempfile.mkdtemp(prefix="wir-bench-rush-logs-"))
    print(f"database {DB}, media {env['media']}, logs {log_dir}")
    migrate()
    collect_static()
    import_register()
    rng = random.Random(2019)
    n = args.municipalities
    municipalities = eligible_municipalities(n, rng)
    synthetic = sum(1 for m in municipalities if m.ags.startswith(SYNTHETIC_PREFIX))
    users = staff_users(municipalities)
    pdf = pdf_bytes()
    pdf_name = default_storage.save("bench/konzept.pdf", ContentFile(pdf))
    rush_round, rush_categories = make_round("RUSH", "Förderrunde Benchmark (Fristende)")
    idle_round, idle_categories = make_round("RUSH-IDLE", "Förderrunde Benchmark (ruhig)")
    rush_apps = drafts(rush_round, rush_categories, municipalities, users, pdf_name, pdf, rng)
    k = min(args.idle, n)
    idle_apps = drafts(
        idle_round, idle_categories, municipalities[:k], users[:k], pdf_name, pdf, rng
    )
    check_complete(rush_apps + idle_apps)
    cookies = session_cookies(users)
    print(
        f"{n} municipalities ({n - synthetic} Hessian, {synthetic} synthetic), each with a "
        f"member of staff and a complete draft; setup {time.perf_counter() - started:.0f} s"
    )
    server = worker = None
    try:
        worker = CeleryWorker(env, log_dir, concurrency=2).start()
        server = Gunicorn(env, log_dir, workers=2).start()
        print(f"gunicorn: 2 workers on 127.0.0.1:{server.port}; Celery worker --concurrency=2\n")

        idle = []
        for i, app in enumerate(idle_apps):
            result = submit(server.port, cookies[users[i].pk], app.pk)
            if result.error:
                print(f"  idle submit of {app.pk} failed: {result.error}")
            idle.append(result)
            wait_for_receipts(idle_round, i + 1, 120)
        idle_median = median([r.seconds for r in idle if r.success])
        print(
            f"idle: {len(idle)} single submits, median {idle_median * 1000:.0f} ms "
            f"(p95 {p95([r.seconds for r in idle]) * 1000:.0f} ms)"
        )

        jobs = [(a.pk, cookies[u.pk]) for a, u in zip(rush_apps, users, strict=True)]
        print(f"rush: {n} submissions within {args.window:g} s …", flush=True)
        t = time.perf_counter()
        results = rush(server.port, jobs, args.window, rng)
        last = max(r.ended for r in results)
        receipts_done = wait_for_receipts(rush_round, n, args.receipt_timeout)
        outcome = verify(rush_round, "RUSH", n, results)
    finally:
        if server is not None:
            server.stop()
        if worker is not None:
            worker.stop()
    report(args, results, outcome, idle_median, last - t, receipts_done, last, rush_round)


def most_in_flight(results: list[Submit]) -> int:
    """The largest number of submit requests waiting for their answer at the same moment."""
    edges = sorted(
        [(r.posted, 1) for r in results if r.posted] + [(r.ended, -1) for r in results if r.posted]
    )
    current = most = 0
    for _, step in edges:
        current += step
        most = max(most, current)
    return most


def report(args, results, outcome, idle_median, took, receipts_done, last, rush_round) -> None:
    n = args.municipalities
    errors_5xx = sum(1 for r in results if r.status >= 500)
    failed = [r for r in results if r.error]
    times = [r.seconds for r in results if r.success]
    rush_p50, rush_p95 = median(times), p95(times)
    lost = outcome["drafts_left"] + outcome["false_success"]
    errors = len(failed) + outcome["false_success"]
    print(
        f"  every request answered {took:.1f} s after the start; at most "
        f"{most_in_flight(results)} submit requests in flight at once"
    )
    print(
        f"  errors: {errors} ({errors_5xx} responses 5xx, {len(failed)} failed requests, "
        f"{lost} submissions lost: {outcome['drafts_left']} drafts left, "
        f"{outcome['false_success']} confirmed but not submitted) (target 0: "
        f"{verdict(errors == 0 and lost == 0)})"
    )
    for r in failed[:10]:
        print(f"    application {r.application_id}: {r.error}")
    bad_refs = outcome["duplicates"] + len(outcome["missing"]) + len(outcome["unexpected"])
    print(
        f"  reference numbers: {outcome['submitted']} submitted, {outcome['duplicates']} "
        f"duplicates, {len(outcome['missing'])} missing, {len(outcome['unexpected'])} "
        f"unexpected (target 0: {verdict(bad_refs == 0)})"
    )
    factor = rush_p95 / idle_median if idle_median else float("nan")
    print(
        f"  submit request during the rush: p50 {rush_p50 * 1000:.0f} ms, p95 "
        f"{rush_p95 * 1000:.0f} ms = {factor:.1f} x the idle median (target <= "
        f"{TARGET_P95_VS_IDLE:g} x: {verdict(factor <= TARGET_P95_VS_IDLE)}); the check page "
        f"before it p50 {median([r.get_seconds for r in results]) * 1000:.0f} ms"
    )
    if receipts_done is None:
        print(
            f"  receipts: only {receipts_of(rush_round)} of {n} after waiting "
            f"{args.receipt_timeout:.0f} s (target <= {TARGET_RECEIPTS_SECONDS} s: MISSED)"
        )
    else:
        seconds = max(0.0, receipts_done - last)
        ok = verdict(seconds <= TARGET_RECEIPTS_SECONDS)
        print(
            f"  every receipt rendered {seconds:.0f} s after the last submission "
            f"(target <= {TARGET_RECEIPTS_SECONDS} s: {ok})"
        )


if __name__ == "__main__":
    sys.exit(main())
