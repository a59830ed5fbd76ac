"""What the benchmarks share: an own database, the register, gunicorn and a Celery worker with
production-like settings, statistics, German text, and a small HTTP client.

Each benchmark is a script run as ``.venv/bin/python bench/<name>.py``; Python puts ``bench/``
on the path, so they import this module as ``common``. PostgreSQL and Redis come from
DATABASE_URL's host and user and REDIS_URL, as for the portal; the benchmark's database name
replaces DATABASE_URL's.
"""

from __future__ import annotations

import http.client
import io
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGISTER = ROOT.parent / "shared" / "data" / "GV100AD_301121.ASC"
# Synthetic municipalities get keys 069xxxxx: Land 06 (so the portal's "only Hessian
# municipalities" rule accepts them), but Regierungsbezirk 9, which does not exist in Hesse
# (the real ones are 4 Darmstadt, 5 Gießen, 6 Kassel), so they never collide with the register.
SYNTHETIC_PREFIX = "069"


# Environment and database -----------------------------------------------------------------------
def configure_environment(
    db_name: str, *, settings_module: str = "wir_portal.settings.local", production: bool = False
) -> dict:
    """Environment for this process and every process it starts: own database, media folder,
    Celery queue and cache prefix. ``production``: the variables wir_portal.settings.production
    needs (secret key, hosts, site address; no HTTPS redirect on loopback)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wir_portal")
    database_url = urlunparse(urlparse(base)._replace(path=f"/{db_name}"))
    media = Path(tempfile.mkdtemp(prefix=f"{db_name}-media-"))
    env = {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_DEBUG": "false",  # no query log growing in long-running processes
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CELERY_QUEUE": f"{db_name}_{uuid.uuid4().hex[:8]}",
        "WIR_MEDIA_ROOT": str(media),
        "EMAIL_URL": "dummymail://",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": db_name.replace("_", "-"),
    }
    if production:
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "wir_portal.settings.production",
                "DJANGO_SECRET_KEY": f"bench-{uuid.uuid4().hex}{uuid.uuid4().hex}",
                # testserver: the in-process test client that counts queries.
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                "WIR_SITE_URL": "https://127.0.0.1",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_SECURE_HSTS_SECONDS": "0",
            }
        )
    os.environ.update(env)
    return {"database_url": database_url, "media": media, **env}


def _admin_connection(database_url: str):
    import psycopg2

    parsed = urlparse(database_url)
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    return admin


def _db_name(database_url: str) -> str:
    name = urlparse(database_url).path.lstrip("/")
    if not re.fullmatch(r"wir_bench\w*", name):
        raise ValueError(f"refusing to drop a database not named wir_bench…: {name!r}")
    return name


def recreate_database(database_url: str) -> None:
    """Drops (closing other sessions) and creates the benchmark's database."""
    name = _db_name(database_url)
    admin = _admin_connection(database_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    admin.close()


def drop_database(database_url: str) -> None:
    from django.db import connections

    connections.close_all()
    name = _db_name(database_url)
    admin = _admin_connection(database_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def collect_static() -> None:
    """The production settings serve static files through a manifest (whitenoise): without
    ``collectstatic`` every page fails on its first ``{% static %}``. Skipped when the manifest
    is newer than every source file (it takes a minute on a busy machine)."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        built = manifest.stat().st_mtime
        newest = max(
            (
                Path(storage.path(path)).stat().st_mtime
                for finder in get_finders()
                for path, storage in finder.list([])
            ),
            default=0.0,
        )
        if newest < built:
            return
    call_command("collectstatic", interactive=False, verbosity=0)


def import_register() -> int:
    """The 426 Hessian municipalities of the GV100AD register (Gebietsstand 30.11.2021)."""
    from django.core.management import call_command

    from municipalities.models import Municipality

    call_command(
        "import_municipalities", str(REGISTER), land="06", verbosity=0, stdout=io.StringIO()
    )
    return Municipality.objects.count()


def synthetic_municipalities(count: int, rng: random.Random, *, population=(10_000, 50_000)):
    """``count`` more municipalities, clearly marked as made up: "Synthetische Gemeinde 0427
    (Benchmark)" with key 069xxxxx (see SYNTHETIC_PREFIX). Kreis and Regierungsbezirk are
    copied from real municipalities, so the overview's filters select as they would."""
    import datetime as dt

    from municipalities.models import Municipality, MunicipalityKind

    real = list(
        Municipality.objects.exclude(ags__startswith=SYNTHETIC_PREFIX).values_list(
            "kreis", "regierungsbezirk", "postcode"
        )
    ) or [("Synthetischer Kreis (Benchmark)", "Darmstadt", "64283")]
    start = Municipality.objects.count() + 1
    existing = Municipality.objects.filter(ags__startswith=SYNTHETIC_PREFIX).count()
    rows = []
    for i in range(count):
        n = start + i
        kreis, bezirk, postcode = rng.choice(real)
        low, high = population
        rows.append(
            Municipality(
                ags=f"{SYNTHETIC_PREFIX}{existing + i:05d}",
                name=f"Synthetische Gemeinde {n:04d} (Benchmark)",
                kind=MunicipalityKind.GEMEINDE,
                kreis=kreis,
                regierungsbezirk=bezirk,
                population=rng.randint(low, high),
                population_date=dt.date(2020, 12, 31),
                territory_date=dt.date(2021, 11, 30),
                area_ha=rng.randint(800, 9_000),
                postcode=postcode or "64283",
            )
        )
    return Municipality.objects.bulk_create(rows, batch_size=1000)


# Processes --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _process_env(env: dict) -> dict:
    return {**os.environ, **{k: v for k, v in env.items() if isinstance(v, str) and k.isupper()}}


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Gunicorn:
    """gunicorn with ``workers`` sync workers on a free loopback port, production settings."""

    def __init__(self, env: dict, log_dir: Path, workers: int = 2):
        self.env, self.log_dir, self.workers = env, log_dir, workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Gunicorn:
        log = open(self.log_dir / "gunicorn.log", "ab")  # noqa: SIM115 - the process keeps it
        cmd = [
            sys.executable, "-m", "gunicorn", "wir_portal.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--log-level", "warning", "--timeout", "120",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=_process_env(self.env), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        client = HttpClient(self.port)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ended; see {self.log_dir / 'gunicorn.log'}")
            try:
                if client.get("/healthz/live/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer; see {self.log_dir / 'gunicorn.log'}")

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


class CeleryWorker:
    """One real ``celery worker`` (prefork, ``concurrency`` processes) on the benchmark's queue."""

    def __init__(self, env: dict, log_dir: Path, concurrency: int = 2):
        self.env, self.log_dir, self.concurrency = env, log_dir, concurrency
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> CeleryWorker:
        log = open(self.log_dir / "worker.log", "ab")  # noqa: SIM115 - the process keeps it
        cmd = [
            sys.executable, "-m", "celery", "-A", "wir_portal", "worker", "--loglevel=WARNING",
            "--pool=prefork", f"--concurrency={self.concurrency}", "-Q", self.env["CELERY_QUEUE"],
            "-n", f"{self.env['CELERY_QUEUE']}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=_process_env(self.env), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        from wir_portal.celery import ping

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker ended; see {self.log_dir / 'worker.log'}")
            try:
                ping.apply_async(queue=self.env["CELERY_QUEUE"]).get(timeout=3)
                return self
            except Exception:  # noqa: BLE001 - not up yet
                pass
        raise RuntimeError(f"the worker did not start; see {self.log_dir / 'worker.log'}")

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


# Figures ----------------------------------------------------------------------------------------
def load_line(title: str) -> str:
    load = os.getloadavg()
    quiet = "quiet" if load[0] < 1 else "BUSY: figures are not comparable, run again when quiet"
    return (
        f"{title} – {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} at the start ({quiet})"
    )


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values) -> float:
    """Nearest-rank 95th percentile (of 30 values: the 29th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# German text ------------------------------------------------------------------------------------
SUBJECTS = (
    "Die Gemeinde", "Die Stadtverwaltung", "Das Integrationsbüro", "Der Integrationsbeirat",
    "Ein externes Moderationsbüro", "Die Steuerungsgruppe", "Der Runde Tisch Vielfalt",
    "Die Fachstelle für Integration", "Das Netzwerk der Migrantenorganisationen",
    "Die Bürgermeisterin", "Der Seniorenbeirat", "Das Jugendparlament",
)  # fmt: skip
VERBS = (
    "erarbeitet", "begleitet", "koordiniert", "dokumentiert", "organisiert", "bündelt",
    "stärkt", "vernetzt", "bewertet", "verankert", "plant", "lädt ein zu",
)  # fmt: skip
OBJECTS = (
    "eine kommunale Vielfalts- und Integrationsstrategie", "Quartierswerkstätten in drei "
    "Stadtteilen", "die Beteiligung von Zugewanderten", "mehrsprachige Informationsabende",
    "eine Befragung der Vereine und Kirchengemeinden", "die Angebote für Familien und Kinder",
    "den Dialog zwischen Verwaltung und Zivilgesellschaft", "eine Zukunftswerkstatt",
    "die Zusammenarbeit mit Schulen und Kitas", "die Ergebnisse in einem Leitbild",
    "Maßnahmen für den Arbeitsmarkt und das Ehrenamt", "Begegnungsorte im Sozialraum",
)  # fmt: skip
ENDINGS = (
    "", " bis zum Ende des Jahres", " gemeinsam mit den Ortsbeiräten", " in leichter Sprache",
    " mit Unterstützung des Landkreises", ", damit alle Teile der Bevölkerung erreicht werden",
    " und legt sie der Gemeindevertretung zur Beschlussfassung vor",
    " auf der Grundlage einer Sozialraumanalyse", " über den gesamten Förderzeitraum",
)  # fmt: skip
TITLES = (
    "{name} – gemeinsam für Vielfalt", "Vielfalt gestalten in {name}", "WIR in {name}",
    "Integrationsstrategie {name} 2027", "{name} verbindet: Teilhabe im Quartier",
    "Heimat für alle: {name}", "Zusammenleben in {name} stärken",
)  # fmt: skip


def prose(rng: random.Random, chars: int) -> str:
    """German sentences about an integration strategy, in paragraphs, about ``chars`` long."""
    paragraphs, sentences, length = [], [], 0
    while length < chars:
        sentence = (
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            f"{rng.choice(ENDINGS)}."
        )
        sentences.append(sentence)
        length += len(sentence) + 1
        if len(sentences) >= rng.randint(3, 6):
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def project_title(rng: random.Random, municipality_name: str) -> str:
    name = municipality_name.split(",")[0]
    return rng.choice(TITLES).format(name=name)[:200]


# HTTP -------------------------------------------------------------------------------------------
@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float
    location: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class HttpClient:
    """A client of the server on loopback that keeps its own cookies.

    Production sets Secure cookies and trusts ``X-Forwarded-Proto`` (SECURE_PROXY_SSL_HEADER),
    as behind the TLS proxy: the client says https in that header and in ``Origin`` (CSRF checks
    it for secure requests), and sends every cookie back itself, Secure or not. One connection
    per request, as gunicorn's sync workers close it anyway."""

    port: int
    cookies: dict = field(default_factory=dict)
    host: str = "127.0.0.1"

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "wir-bench",
            "Accept-Language": "de",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or {}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            seconds = time.perf_counter() - started
            for header in raw.headers.get_all("Set-Cookie") or []:
                self._store(header)
            location = raw.headers.get("Location", "")
            return Response(raw.status, dict(raw.headers), content, seconds, location)
        finally:
            connection.close()

    def _store(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def csrf_token(self, response: Response) -> str:
        match = CSRF_FIELD.search(response.text)
        if not match:
            raise RuntimeError(f"no CSRF token on the page (status {response.status})")
        return match.group(1)

    def form_post(self, path: str, data: dict) -> Response:
        """GET the form page for its CSRF token, then POST ``data`` with it."""
        page = self.get(path)
        return self.post(path, {"csrfmiddlewaretoken": self.csrf_token(page), **data})


def login(client: HttpClient, email: str, password: str, totp_device=None) -> None:
    """Logs in through the pages: e-mail and password, then (if given) the TOTP code of
    ``totp_device`` computed as the person's app would."""
    response = client.form_post("/konto/anmelden/", {"username": email, "password": password})
    if response.status != 302:
        raise RuntimeError(f"login of {email} failed: status {response.status}")
    if totp_device is None:
        return
    from django_otp.oath import TOTP

    totp = TOTP(totp_device.bin_key, totp_device.step, totp_device.t0, totp_device.digits)
    code = f"{totp.token():0{totp_device.digits}d}"
    response = client.form_post("/konto/zwei-faktor/pruefen/", {"token": code, "next": "/konto/"})
    if response.status != 302:
        raise RuntimeError(f"second factor of {email} failed: status {response.status}")


def throughput(
    client: HttpClient, path: str, seconds: float, concurrency: int
) -> tuple[float, int]:
    """wrk-style: ``concurrency`` threads request ``path`` back to back for ``seconds``.
    Returns (successful requests per second, number of responses that were not 200)."""
    stop_at = time.perf_counter() + seconds
    counts = [0] * concurrency
    failures = [0] * concurrency

    def run(i: int) -> None:
        mine = HttpClient(client.port, dict(client.cookies))
        while time.perf_counter() < stop_at:
            try:
                ok = mine.get(path).status == 200
            except OSError:
                ok = False
            if ok:
                counts[i] += 1
            else:
                failures[i] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started), sum(failures)
