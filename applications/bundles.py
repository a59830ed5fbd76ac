"""PDF bundles (Antragsbündel) of a funding round for RP Darmstadt and the jury.

A bundle is: a cover page, the contents with page numbers (and the ranking when scores
exist), then for each application its PDF in the receipt's layout with the current state,
followed by its PDF attachments; bookmarks for every application and its sections; a running
footer with the reference number and "Seite x von y"; PDF/A-3b metadata.

How it is made (the Celery side is in ``tasks.py``):

1. ``bundle_job_request`` fixes the selection (application ids, in bundle order) in a
   ``BundleJob`` and, after the commit, enqueues ``bundle_start``.
2. ``bundle_job_start`` marks the job as running, takes every application whose PDF is in the
   cache (``ApplicationPdfCache``, keyed by ``content_hash``: a hash of everything the PDF
   shows) as done and returns the others; the task renders those in parallel (a chord).
3. ``bundle_part_render`` renders one application (WeasyPrint, without footer) and appends its
   readable PDF attachments, scaled onto A4 with room for the footer, into one cached part.
4. ``bundle_merge`` knows every part's page count, so it renders cover and contents (again if
   their own page count changed the numbers, until stable), then streams front matter and
   parts page by page into one file (``bundle_writer.StreamingPdfWriter``), stamping the
   footer of the whole bundle on each page, and copies the PDF/A metadata and OutputIntent of
   the WeasyPrint-rendered front matter into the catalog.

Every step may run twice (late acknowledgement, retries): parts are keyed by hash, progress
is a unique row per application, the final state change locks the job row.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import importlib
import io
import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from core.outbox import outbox_enqueue

from . import pdf_inspection
from .bundle_writer import Footer, FooterFont, OutlineItem, StreamingPdfWriter, fit_to_a4
from .models import (
    FINANCING_FIELDS,
    SECTION_FIELDS,
    Application,
    ApplicationPartner,
    ApplicationPdfCache,
    Attachment,
    BundleJob,
    BundleJobPart,
    BundleSelection,
    BundleStatus,
    CostLine,
    FundingRound,
    pdf_cache_upload_to,
)
from .workflow import Status

logger = logging.getLogger(__name__)

# Part of every content hash: raise it when the layout of an application's PDF changes, so
# that every cached PDF is rendered again.
TEMPLATE_VERSION = "bundle-application-2"
APPLICATION_TEMPLATE = "pdf/bundle_application.html"
FRONT_TEMPLATE = "pdf/bundle_front.html"
AUTHOR = "Regierungspräsidium Darmstadt – WIR-Portal"
# Free band at the bottom of attachment pages for the bundle's footer (12 mm).
FOOTER_BAND = 34.0
# A link to page n of the bundle in the contents (rewritten to an internal link at merge).
PAGE_LINK = "https://bundle.invalid/seite/{}"

# What the cover and contents show of an application (the long answers stay in the database).
FRONT_FIELDS = (
    "pk", "reference", "title", "status", "requested_grant", "own_funds", "third_party_funds",
    "round__id", "round__title", "round__reference_prefix", "round__budget",
    "lead_municipality__id", "lead_municipality__name",
)  # fmt: skip

# Applications hashed per query when a job starts.
HASH_CHUNK = 50

# Attachment states in a part
MERGED = "merged"
UNREADABLE = "unreadable"
LISTED = "listed"


def timeout_minutes() -> int:
    """After this long a job that is still waiting or running is failed (setting
    ``WIR_BUNDLE_TIMEOUT_MINUTES``). Longer than the broker's visibility timeout, so that a
    task lost with a killed worker is delivered again before the job is given up."""
    return settings.WIR_BUNDLE_TIMEOUT_MINUTES


# Permissions ------------------------------------------------------------------------------------
def can_manage_bundles(user) -> bool:
    """Case officers and admins request, see and download bundles."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_rp)


# Selection --------------------------------------------------------------------------------------
def ranking_rows(round_: FundingRound) -> list | None:
    """The round's ranking from the reviews app (``reviews.selectors.round_ranking``), or
    None while that app does not provide one."""
    try:
        selectors = importlib.import_module("reviews.selectors")
    except ImportError:
        return None
    round_ranking = getattr(selectors, "round_ranking", None)
    if round_ranking is None:
        return None
    return list(round_ranking(round_))


def ranking_has_scores(rows: Sequence | None) -> bool:
    return bool(rows) and any(getattr(r, "mean_score", None) is not None for r in rows)


def bundle_statuses() -> list[tuple[str, str]]:
    """Statuses a bundle may be filtered by: everything after submission but withdrawn."""
    return [(s.value, s.label) for s in Status if s not in (Status.DRAFT, Status.WITHDRAWN)]


def select_application_ids(
    round_: FundingRound, selection: str, statuses: Sequence[str] = ()
) -> list[int]:
    """The applications of a bundle in bundle order: by reference number, or by rank."""
    if selection == BundleSelection.RANKING:
        rows = ranking_rows(round_) or []
        return [r.application.pk for r in rows if r.application.status != Status.DRAFT]
    qs = Application.objects.filter(round=round_).submitted()
    if selection == BundleSelection.STATUS:
        qs = qs.filter(status__in=list(statuses))
    return list(qs.order_by("reference", "pk").values_list("pk", flat=True))


# Services: the job's life -----------------------------------------------------------------------
@transaction.atomic
def bundle_job_request(
    *, round_: FundingRound, user, selection: str, statuses: Sequence[str] = ()
) -> BundleJob:
    """A case officer or admin asks for a bundle; the selection is fixed now."""
    if not can_manage_bundles(user):
        raise PermissionDenied
    if selection not in BundleSelection.values:
        raise ValidationError(_("Unbekannte Auswahl."), code="selection")
    statuses = [s for s in statuses if s in dict(bundle_statuses())]
    if selection == BundleSelection.STATUS and not statuses:
        raise ValidationError(_("Bitte wählen Sie mindestens einen Status."), code="statuses")
    ids = select_application_ids(round_, selection, statuses)
    if not ids:
        raise ValidationError(_("Die Auswahl enthält keine eingereichten Anträge."), code="empty")
    job = BundleJob.objects.create(
        round=round_,
        requested_by=user,
        selection=selection,
        statuses=statuses if selection == BundleSelection.STATUS else [],
        application_ids=ids,
        total=len(ids),
    )
    outbox_enqueue("applications.bundle_start", job.pk)
    return job


def bundle_job_start(job_id: int) -> list[int] | None:
    """Marks the job as running and records every application whose PDF is already cached.
    Returns the ids that still need a PDF (None if the job is over). Safe to call again: it
    only returns what is still missing."""
    with transaction.atomic():
        job = BundleJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_open:
            return None
        fields = []
        if job.status == BundleStatus.PENDING:
            job.status = BundleStatus.RUNNING
            job.started_at = timezone.now()
            fields += ["status", "started_at"]
        existing = set(
            Application.objects.filter(pk__in=job.application_ids).values_list("pk", flat=True)
        )
        if len(existing) != len(job.application_ids):
            # Applications deleted since the request are left out of the bundle.
            job.application_ids = [pk for pk in job.application_ids if pk in existing]
            job.total = len(job.application_ids)
            fields += ["application_ids", "total"]
        if fields:
            job.save(update_fields=fields)
    if not job.application_ids:
        bundle_job_fail(job_id, _("Keiner der ausgewählten Anträge ist mehr vorhanden."))
        return None
    done = set(BundleJobPart.objects.filter(job_id=job_id).values_list("application_id", flat=True))
    missing = [pk for pk in job.application_ids if pk not in done]
    to_render = []
    # In chunks, so that the memory of this step does not grow with the size of the round.
    for start in range(0, len(missing), HASH_CHUNK):
        chunk = missing[start : start + HASH_CHUNK]
        hashes = {pk: content_hash(app) for pk, app in _load_applications(chunk).items()}
        cached = {
            c.content_hash: c
            for c in ApplicationPdfCache.objects.filter(content_hash__in=hashes.values())
            if _file_exists(c.file.name)
        }
        _record_parts(job_id, [(pk, cached[h], False) for pk, h in hashes.items() if h in cached])
        to_render += [pk for pk in chunk if pk in hashes and hashes[pk] not in cached]
    return to_render


def _record_parts(job_id: int, items: Sequence[tuple[int, ApplicationPdfCache, bool]]) -> int:
    """Progress: one row per application of a job, counted exactly once however often a task
    runs. The job row's lock orders the writers."""
    if not items:
        return 0
    with transaction.atomic():
        if not BundleJob.objects.select_for_update().filter(pk=job_id).exists():
            return 0
        present = set(
            BundleJobPart.objects.filter(
                job_id=job_id, application_id__in=[pk for pk, _e, _r in items]
            ).values_list("application_id", flat=True)
        )
        new = [
            BundleJobPart(job_id=job_id, application_id=pk, cache=entry, rendered=rendered)
            for pk, entry, rendered in items
            if pk not in present
        ]
        BundleJobPart.objects.bulk_create(new)
        BundleJob.objects.filter(pk=job_id).update(
            done=F("done") + len(new), rendered=F("rendered") + sum(p.rendered for p in new)
        )
    return len(new)


def bundle_job_fail(job_id: int, message: str) -> bool:
    """Ends an open job as failed with ``message`` (and mails the requester)."""
    with transaction.atomic():
        job = BundleJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_open:
            return False
        job.status = BundleStatus.FAILED
        job.error = message[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        outbox_enqueue("applications.send_bundle_mail", job_id)
    logger.warning("Bundle job %s failed: %s", job_id, message)
    return True


def bundle_jobs_expire(now: dt.datetime | None = None) -> int:
    """No job waits or runs forever: those older than the time limit end as failed.
    Called by the periodic ``bundle_jobs_watch``, the job pages and every merge."""
    now = now or timezone.now()
    minutes = timeout_minutes()
    limit = now - dt.timedelta(minutes=minutes)
    stale = list(BundleJob.objects.open().filter(created_at__lt=limit).values_list("pk", flat=True))
    message = _(
        "Das Bündel wurde nicht innerhalb von %(minutes)s Minuten fertig und wurde "
        "abgebrochen. Bitte fordern Sie es erneut an; bereits erstellte Anträge werden "
        "dabei nicht noch einmal gesetzt."
    ) % {"minutes": minutes}
    return sum(bundle_job_fail(pk, message) for pk in stale)


def stale_minutes() -> int:
    """A job step that no live worker holds and that has made no progress for this long is
    dispatched again (setting ``WIR_BUNDLE_PART_STALE_MINUTES``)."""
    return settings.WIR_BUNDLE_PART_STALE_MINUTES


BUNDLE_TASKS = (
    "applications.bundle_start",
    "applications.bundle_render_application",
    "applications.bundle_merge",
)


def tasks_held_by_workers(timeout: float = 1.0) -> set[tuple] | None:
    """(task name, *args) of every bundle task a live worker runs, holds or waits to retry;
    None when no worker answers."""
    from celery import current_app

    inspect = current_app.control.inspect(timeout=timeout)
    replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
    if not any(replies):
        return None
    held = set()
    for reply in replies:
        for requests in (reply or {}).values():
            for request in requests:
                request = request.get("request", request)  # scheduled: {eta, request}
                if request.get("name") in BUNDLE_TASKS:
                    held.add((request["name"], *(request.get("args") or ())))
    return held


def bundle_jobs_redispatch(now: dt.datetime | None = None, *, held: set | None = None) -> int:
    """A worker killed as a whole takes its unacknowledged tasks with it until the broker's
    visibility timeout (an hour) returns them. So: an open job without progress for
    ``stale_minutes()`` gets the steps that no live worker holds dispatched again — its start,
    its missing parts (a new chord into the merge), or its merge. Every step is idempotent,
    and the redelivered originals find the work done. Returns the number of jobs."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=stale_minutes())
    candidates = []
    for job in BundleJob.objects.open().filter(created_at__lt=limit):
        last_part = (
            BundleJobPart.objects.filter(job=job)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        activity = max(
            t for t in (job.created_at, job.started_at, job.redispatched_at, last_part) if t
        )
        if activity < limit:
            candidates.append(job)
    if not candidates:
        return 0
    if held is None:
        held = tasks_held_by_workers()
    if held is None:  # no worker alive: nothing would take the work yet
        logger.warning("Bundle jobs %s are stalled and no worker answers", candidates)
        return 0

    count = 0
    for job in candidates:
        with transaction.atomic():
            locked = BundleJob.objects.select_for_update().get(pk=job.pk)
            if not locked.is_open or (locked.redispatched_at or limit) > limit:
                continue  # finished, or another watcher was quicker
            step = _lost_step(locked, held)
            if step is None:
                continue  # a live worker is on it
            locked.redispatched_at = now
            locked.save(update_fields=["redispatched_at"])
            transaction.on_commit(lambda pk=job.pk, step=step: _dispatch_again(pk, step))
        logger.warning("Bundle job %s stalled: %s dispatched again", job.pk, step or "merge")
        count += 1
    return count


def _lost_step(job: BundleJob, held: set) -> list[int] | str | None:
    """What of a stalled job no live worker holds: "start", the applications whose parts are
    missing, [] for the merge; None if a worker holds what is missing."""
    if ("applications.bundle_start", job.pk) in held or (
        "applications.bundle_merge",
        job.pk,
    ) in held:
        return None
    if job.status == BundleStatus.PENDING:
        return "start"
    done = set(BundleJobPart.objects.filter(job=job).values_list("application_id", flat=True))
    missing = [pk for pk in job.application_ids if pk not in done]
    lost = [
        pk for pk in missing if ("applications.bundle_render_application", job.pk, pk) not in held
    ]
    return lost if lost or not missing else None


def _dispatch_again(job_id: int, step: list[int] | str) -> None:
    from . import tasks

    if step == "start":
        tasks.bundle_start.delay(job_id)
    else:
        tasks.bundle_dispatch(job_id, step)


def bundle_jobs_watch(now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic task: fails jobs over the time limit, re-dispatches stalled ones."""
    return bundle_jobs_expire(now), bundle_jobs_redispatch(now)


def send_bundle_mail(job_id: int) -> None:
    """Tells the requester that the job is done or failed (task ``send_bundle_mail``, owed
    through the outbox with the job's final state)."""
    job = BundleJob.objects.select_related("round", "requested_by").filter(pk=job_id).first()
    if job is None or job.requested_by is None or not job.requested_by.email:
        return
    context = {
        "job": job,
        "url": settings.WIR_SITE_URL + reverse("applications:bundles"),
        "user": job.requested_by,
    }
    name = "bundle_done" if job.status == BundleStatus.DONE else "bundle_failed"
    with translation.override("de"):
        subject = render_to_string(f"applications/email/{name}_subject.txt", context).strip()
        body = render_to_string(f"applications/email/{name}.txt", context)
    send_mail(subject, body, None, [job.requested_by.email])


# What an application's PDF shows, and its hash --------------------------------------------------
def _load_applications(ids: Sequence[int]) -> dict[int, Application]:
    qs = (
        Application.objects.filter(pk__in=list(ids))
        .with_related()
        .with_totals()
        .prefetch_related(
            Prefetch(
                "cost_lines",
                queryset=CostLine.objects.select_related("category").order_by("position", "pk"),
            ),
            Prefetch(
                "partners",
                queryset=ApplicationPartner.objects.select_related("municipality").order_by(
                    "added_at", "pk"
                ),
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
    )
    return {app.pk: app for app in qs}


def content_hash(application: Application) -> str:
    """SHA-256 of everything the application's PDF shows (with the prefetches of
    ``_load_applications``): answers, financing, cost lines, partners, attachments (by their
    SHA-256), status and decision, the round's and the municipality's data shown, and the
    template version. Equal hash, equal PDF."""
    app = application
    municipality = app.lead_municipality
    data = {
        "v": TEMPLATE_VERSION,
        "lang": "de",
        "pk": app.pk,
        "reference": app.reference,
        "status": app.status,
        "submitted_at": app.submitted_at,
        "decided_at": app.decided_at,
        "granted_amount": app.granted_amount,
        "decision_reason": app.decision_reason,
        "fields": {name: getattr(app, name) for names in SECTION_FIELDS.values() for name in names},
        "financing": {name: getattr(app, name) for name in FINANCING_FIELDS},
        "round": [app.round.title, app.round.financing_type, app.round.reference_prefix],
        "lead": [
            municipality.name,
            municipality.ags,
            municipality.population,
            getattr(municipality, "population_date", None),
        ],
        "lines": [
            [line.category.name, line.description, line.amount, line.budget_year]
            for line in app.cost_lines.all()
        ],
        "partners": [
            [
                p.municipality.name,
                p.municipality.ags,
                p.municipality.population,
                p.status,
                p.decided_at,
            ]
            for p in app.partners.all()
        ],  # fmt: skip
        "attachments": [
            [a.original_name, a.kind, a.size, a.sha256, a.content_type]
            for a in app.attachments.all()
        ],
    }
    raw = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


# Rendering with WeasyPrint -----------------------------------------------------------------------
@cache
def _weasy():
    """One FontConfiguration and font stylesheet per worker process: loading and decoding
    Fira Sans is the largest fixed cost of a small PDF, so it is done once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from wir_portal.pdf import fonts_css

    font_config = FontConfiguration()
    # Dropped before the interpreter tears down the modules its destructor needs.
    atexit.register(_weasy.cache_clear)
    return font_config, CSS(string=fonts_css(), font_config=font_config)


def warm_up() -> None:
    """Loads fonts and WeasyPrint's lazy parts by rendering a tiny document."""
    html = (
        "<!DOCTYPE html><html lang='de'><head><title>x</title></head><body><p>x</p></body></html>"
    )
    render_html_pdf(html, title="x", created=timezone.now(), variant=None)


def render_html_pdf(
    html: str, *, title: str, created: dt.datetime, variant: str | None = "pdf/a-3b"
) -> bytes:
    from weasyprint import HTML

    font_config, fonts = _weasy()
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[fonts], font_config=font_config
    )
    document.metadata.title = title
    document.metadata.authors = [AUTHOR]
    document.metadata.created = created.isoformat()
    document.metadata.modified = created.isoformat()
    document.metadata.lang = "de"
    return document.write_pdf(pdf_variant=variant)


def _outline_pages(reader: PdfReader) -> list[dict]:
    """Flattened bookmarks of a WeasyPrint PDF below the top level: [{title, page}]."""
    result = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            if depth >= 1:
                result.append(
                    {"title": str(item.title), "page": reader.get_destination_page_number(item)}
                )

    walk(reader.outline, 0)
    return result


# Parts: one application with its attachments ----------------------------------------------------
@dataclass
class AttachmentCheck:
    attachment: Attachment
    state: str
    pages: int = 0
    problem: str = ""

    def as_json(self) -> dict:
        a = self.attachment
        return {
            "name": a.original_name,
            "kind": a.get_kind_display(),
            "sha256": a.sha256,
            "size": a.size,
            "state": self.state,
            "pages": self.pages,
        }


def _is_pdf(attachment: Attachment) -> bool:
    return (
        attachment.content_type == "application/pdf"
        or attachment.original_name.lower().endswith(".pdf")
    )


def check_attachment(attachment: Attachment) -> AttachmentCheck:
    """Can the attachment's pages be merged? PDFs that do not open (damaged, truncated,
    needing a password, missing) or that unpack to more than ``WIR_PDF_MAX_INFLATED_BYTES``
    (files stored before the upload check refused such bombs) are listed as unreadable; other
    formats are listed only. The check counts what the streams unpack to without keeping it
    (``pdf_inspection``), so it costs a bounded amount of memory whatever the file."""
    if not _is_pdf(attachment):
        return AttachmentCheck(attachment, LISTED)
    try:
        with open(attachment.file.path, "rb") as fh:
            report = pdf_inspection.inspect_pdf(fh)
    except Exception as exc:  # noqa: BLE001 - any failure means: cannot be merged
        logger.info("Attachment %s is not readable: %r", attachment.pk, exc)
        return AttachmentCheck(attachment, UNREADABLE, problem=str(exc)[:200])
    return AttachmentCheck(attachment, MERGED, pages=report.pages)


def append_attachment(writer: StreamingPdfWriter, check: AttachmentCheck) -> None:
    """Copies the pages of a checked (``MERGED``) attachment, scaled onto A4 with room for the
    footer, as the next pages of ``writer``. Its page contents, images and fonts are copied as
    stored, never unpacked; pypdf unpacks only object and cross-reference streams, within
    ``pdf_limits``. The file is read while it is copied and let go afterwards."""
    with open(check.attachment.file.path, "rb") as fh, pdf_inspection.pdf_limits():
        reader = PdfReader(fh, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        if len(reader.pages) != check.pages:
            raise ValueError(f"Attachment {check.attachment.pk} changed since it was checked.")
        writer.add_pages_from(
            reader, transform=[fit_to_a4(p, bottom_band=FOOTER_BAND) for p in reader.pages]
        )


def bundle_part_render(*, job_id: int | None, application_id: int) -> ApplicationPdfCache | None:
    """Renders (or finds in the cache) the PDF of one application and records it as done for
    the job. Idempotent: the cache is keyed by content hash, progress by a unique row."""
    job = BundleJob.objects.filter(pk=job_id).only("status").first() if job_id else None
    if job_id and (job is None or not job.is_open):
        return None
    application = _load_applications([application_id]).get(application_id)
    if application is None:  # deleted meanwhile: the merge notices the gap
        return None
    entry, rendered = part_for(application)
    if job_id:
        _record_parts(job_id, [(application_id, entry, rendered)])
    return entry


def part_for(application: Application) -> tuple[ApplicationPdfCache, bool]:
    """The cached part of ``application`` (prefetched as by ``_load_applications``), rendered
    if needed. Returns (entry, rendered now)."""
    digest = content_hash(application)
    entry = ApplicationPdfCache.objects.filter(content_hash=digest).first()
    if entry is not None and _file_exists(entry.file.name):
        return entry, False
    started = time.perf_counter()
    checks = [check_attachment(a) for a in application.attachments.all()]
    now = timezone.now()
    html = render_to_string(
        APPLICATION_TEMPLATE,
        {
            "application": application,
            "answers": _answers(application),
            "lines": list(application.cost_lines.all()),
            "partners": list(application.partners.all()),
            "checks": checks,
            "pdf_title": _("Antrag %(reference)s") % {"reference": application.reference},
            "now": timezone.localtime(now),
        },
    )
    # No PDF/A variant for a part: it changes only the catalog (metadata, OutputIntent), which
    # the bundle takes from its front matter; the pages are the same.
    pdf = render_html_pdf(
        html,
        title=_("Antrag %(reference)s") % {"reference": application.reference},
        created=now,
        variant=None,
    )
    reader = PdfReader(io.BytesIO(pdf))
    own_pages = len(reader.pages)
    outline = _outline_pages(reader)
    merged = [c for c in checks if c.state == MERGED]
    page = own_pages
    for c in merged:
        outline.append(
            {"title": _("Anlage: %(name)s") % {"name": c.attachment.original_name}, "page": page}
        )
        page += c.pages
    name = pdf_cache_upload_to(ApplicationPdfCache(content_hash=digest), "part.pdf")
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as fh:
        writer = StreamingPdfWriter(fh, page_count=page, index=True)
        writer.add_pages_from(reader)
        for c in merged:
            append_attachment(writer, c)
        writer.finish()
        tmp_name = fh.name
    index = _index_path(target)
    index_tmp = index.with_suffix(".json.tmp")
    index_tmp.write_text(json.dumps({"raw": writer.raw_index}))
    os.replace(index_tmp, index)
    os.chmod(tmp_name, 0o640)
    os.replace(tmp_name, target)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        entry, created = ApplicationPdfCache.objects.update_or_create(
            content_hash=digest,
            defaults={
                "application": application,
                "file": name,
                "pages": page,
                "outline": outline,
                "attachments": [c.as_json() for c in checks],
                "render_seconds": seconds,
            },
        )
    _prune_cache(application.pk, keep=entry.pk)
    return entry, True


def _answers(application: Application) -> dict[str, list[tuple[str, object]]]:
    from .progress import section_answers

    return section_answers(application)


def _prune_cache(application_id: int, *, keep: int) -> None:
    """Older PDFs of an application go once no open job still needs them."""
    needed = BundleJobPart.objects.filter(
        job__status__in=[BundleStatus.PENDING, BundleStatus.RUNNING], cache_id__isnull=False
    ).values("cache_id")
    old = ApplicationPdfCache.objects.filter(application_id=application_id).exclude(pk=keep)
    for entry in old.exclude(pk__in=needed):
        name = entry.file.name
        entry.delete()
        transaction.on_commit(lambda name=name: _remove_file(name))


# Merge --------------------------------------------------------------------------------------------
class PartsMissing(Exception):
    """The merge ran before every application's PDF was recorded (e.g. a task delivered
    twice let the chord fire early). The merge task retries."""


@dataclass
class Entry:
    """An application in the bundle: its part and where it starts (1-based page)."""

    application: Application
    cache: ApplicationPdfCache
    start: int = 0


def bundle_merge(job_id: int) -> BundleJob | None:
    """Merges the parts of a job into the bundle file and finishes the job."""
    job = BundleJob.objects.select_related("round", "requested_by").filter(pk=job_id).first()
    if job is None or not job.is_open:
        return None
    started = time.perf_counter()
    parts = {
        p.application_id: p for p in BundleJobPart.objects.filter(job=job).select_related("cache")
    }
    if any(pk not in parts for pk in job.application_ids):
        raise PartsMissing(f"{len(parts)} of {len(job.application_ids)} parts recorded")
    applications = {
        a.pk: a
        for a in Application.objects.filter(pk__in=job.application_ids)
        .with_totals()
        .select_related("round", "lead_municipality")
        .only(*FRONT_FIELDS)
    }
    entries = []
    for pk in job.application_ids:
        part, application = parts[pk], applications.get(pk)
        if application is None:
            continue
        if part.cache is None or not _file_exists(part.cache.file.name):
            # The cached file went away (cleaned up by hand?): render it again, here.
            entry, _rendered = part_for(_load_applications([pk])[pk])
            BundleJobPart.objects.filter(pk=part.pk).update(cache=entry)
            part.cache = entry
        entries.append(Entry(application, part.cache))
    if not entries:
        bundle_job_fail(job.pk, _("Keiner der ausgewählten Anträge ist mehr vorhanden."))
        return None
    rows = ranking_rows(job.round)
    rows = rows if ranking_has_scores(rows) else None
    now = timezone.now()
    front_pdf, front_pages = _render_front(job, entries, rows, now)
    total_pages = front_pages + sum(e.cache.pages for e in entries)

    front_label = _("Antragsbündel %(prefix)s") % {"prefix": job.round.reference_prefix}
    labels = [front_label, *(e.application.reference or "" for e in entries)]
    font = FooterFont(io.BytesIO(_footer_sample(labels, total_pages)))

    def footer(label: str, page: int) -> Footer:
        return Footer(
            left=label,
            right=_("Seite %(page)s von %(pages)s") % {"page": page, "pages": total_pages},
        )

    filename = f"Antragsbuendel_{job.round.reference_prefix}_{job.pk}.pdf"
    final_name = job.file.field.generate_filename(job, filename)
    final = Path(settings.MEDIA_ROOT) / final_name
    final.parent.mkdir(parents=True, exist_ok=True)
    front_reader = PdfReader(io.BytesIO(front_pdf))
    outline = _front_outline(front_reader)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=final.parent, suffix=".tmp", delete=False) as fh:
        tmp_name = fh.name
        try:
            out = _HashingFile(fh, digest)
            writer = StreamingPdfWriter(out, page_count=total_pages, footer_font=font)
            writer.add_pages_from(
                front_reader,
                footers=[footer(front_label, i + 1) for i in range(front_pages)],
                links=True,
            )
            for entry in entries:
                path = _media_path(entry.cache.file.name)
                data = path.read_bytes()
                label = entry.application.reference or ""
                writer.add_pages_from(
                    PdfReader(io.BytesIO(data)),
                    footers=[footer(label, entry.start + i) for i in range(entry.cache.pages)],
                    raw_index=_read_index(path),
                    raw_file=io.BytesIO(data),
                )
                outline.append(_application_outline(entry))
                del data
            writer.finish(outline=outline, catalog_from=front_reader)
            size = out.count
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    os.chmod(tmp_name, 0o640)
    os.replace(tmp_name, final)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        locked = BundleJob.objects.select_for_update().get(pk=job.pk)
        if not locked.is_open:  # failed (time limit) or finished by a twin meanwhile
            transaction.on_commit(lambda: final.unlink(missing_ok=True))
            return None
        locked.status = BundleStatus.DONE
        locked.file = final_name
        locked.filename = filename
        locked.size = size
        locked.sha256 = digest.hexdigest()
        locked.pages = total_pages
        locked.finished_at = timezone.now()
        locked.merge_seconds = seconds
        locked.error = ""
        locked.save(
            update_fields=[
                "status", "file", "filename", "size", "sha256", "pages", "finished_at",
                "merge_seconds", "error",
            ]
        )  # fmt: skip
        outbox_enqueue("applications.send_bundle_mail", job.pk)
    logger.info(
        "Bundle job %s done: %s pages, %s bytes, merged in %.1f s",
        job.pk,
        total_pages,
        size,
        seconds,
    )
    return locked


def _render_front(job, entries, rows, now) -> tuple[bytes, int]:
    """Cover, contents and ranking, with the page numbers of the parts. Their own length
    shifts those numbers, so render until the page count no longer changes."""
    front_pages = 2
    for _attempt in range(6):
        page = front_pages + 1
        for entry in entries:
            entry.start = page
            page += entry.cache.pages
        pdf = render_html_pdf(
            render_to_string(FRONT_TEMPLATE, _front_context(job, entries, rows, now)),
            title=_("Antragsbündel %(round)s") % {"round": job.round.title},
            created=now,
        )
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        if count == front_pages:
            return pdf, count
        front_pages = count
    raise RuntimeError("The page count of the contents does not settle.")


def _front_context(job, entries, rows, now) -> dict:
    apps = [e.application for e in entries]
    starts = {e.application.pk: e.start for e in entries}
    ranking = []
    for row in rows or []:
        ranking.append({"row": row, "page": starts.get(row.application.pk)})
    return {
        "job": job,
        "round": job.round,
        "now": timezone.localtime(now),
        "entries": [
            {
                "application": e.application,
                "page": e.start,
                "link": PAGE_LINK.format(e.start),
                "pages": e.cache.pages,
                "attachments": e.cache.attachments,
                "unreadable": [a for a in e.cache.attachments if a["state"] == UNREADABLE],
            }
            for e in entries
        ],
        "count": len(apps),
        "requested_total": sum((a.requested_grant for a in apps), Decimal("0.00")),
        "cost_total": sum((a.total_cost for a in apps), Decimal("0.00")),
        "own_total": sum((a.own_funds for a in apps), Decimal("0.00")),
        "third_total": sum((a.third_party_funds for a in apps), Decimal("0.00")),
        "ranking": ranking,
        "selection_label": selection_label(job),
        "pdf_title": _("Antragsbündel %(round)s") % {"round": job.round.title},
    }


def selection_label(job: BundleJob) -> str:
    if job.selection == BundleSelection.STATUS:
        labels = dict(bundle_statuses())
        return _("Anträge mit Status: %(statuses)s") % {
            "statuses": ", ".join(str(labels.get(s, s)) for s in job.statuses)
        }
    return str(BundleSelection(job.selection).label)


def _front_outline(reader: PdfReader) -> list[OutlineItem]:
    items = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        items.append(OutlineItem(str(item.title), reader.get_destination_page_number(item)))
    return items


def _application_outline(entry: Entry) -> OutlineItem:
    app = entry.application
    base = entry.start - 1
    title = f"{app.reference} – {app.lead_municipality.name}"
    if app.title:
        title += f": {app.title}"
    return OutlineItem(
        title,
        base,
        [OutlineItem(o["title"], base + int(o["page"])) for o in entry.cache.outline],
    )


def _footer_sample(labels: Sequence[str], total_pages: int) -> bytes:
    """A one-page PDF that shows every character the footers use, in the footer's font, so
    that WeasyPrint embeds exactly those glyphs once for the whole bundle."""
    sample = _("Seite %(page)s von %(pages)s") % {"page": "0123456789", "pages": total_pages}
    chars = sorted(set(sample + "".join(labels)) - {" "})
    html = render_to_string("pdf/bundle_footer_sample.html", {"chars": chars})
    return render_html_pdf(html, title="footer", created=timezone.now(), variant=None)


class _HashingFile:
    """Writes through to ``fh`` and feeds a SHA-256 on the way (one pass over the bytes)."""

    def __init__(self, fh, digest):
        self.fh = fh
        self.digest = digest
        self.count = 0

    def write(self, data) -> int:
        self.fh.write(data)
        self.digest.update(data)
        self.count += len(data)
        return len(data)


# Files ------------------------------------------------------------------------------------------
def _media_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _file_exists(name: str) -> bool:
    return bool(name) and _media_path(name).is_file()


def _index_path(part: Path) -> Path:
    """Beside each cached part: where its objects without references are (JSON)."""
    return part.with_suffix(".json")


def _read_index(part: Path) -> dict[int, tuple[int, int]] | None:
    try:
        raw = json.loads(_index_path(part).read_text())["raw"]
    except (OSError, ValueError, KeyError):
        return None  # without the index every object is parsed: slower, same result
    return {int(num): (span[0], span[1]) for num, span in raw.items()}


def _remove_file(name: str) -> None:
    try:
        _index_path(_media_path(name)).unlink(missing_ok=True)
        _media_path(name).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - best effort
        logger.warning("Could not remove %s", name)
