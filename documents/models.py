"""Generated PDFs (receipts, decision letters) and the PDF bundles of a round.

The tables were created by ``applications`` (migrations 0002, 0005, 0008, 0009) and moved
here without copying a row (``documents/migrations/0001_initial.py``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, FundingRound
from applications.workflow import Status
from core.validators import sanitize_filename


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Eingangsbestätigung")
    DECISION = "decision", _("Bescheid")
    # Reports (reports app): the report as submitted, one version per submission (interim
    # reports: per budget year, see ``reports.models.Report.document_version``).
    INTERIM_REPORT = "interim_report", _("Zwischennachweis")
    FINAL_REPORT = "final_report", _("Verwendungsnachweis")
    REPAYMENT_LETTER = "repayment_letter", _("Rückforderungsschreiben")
    # After the decision (grants): numbered by the ``version`` (request or change number).
    PAYMENT_REQUEST = "payment_request", _("Mittelabruf")
    PAYMENT_ORDER = "payment_order", _("Auszahlungsanordnung")
    CHANGE_DECISION = "change_decision", _("Bescheid über Änderungsantrag")


# Kinds whose versions are not Nachreichungen of a receipt but submissions of a report.
REPORT_KINDS = frozenset(
    {DocumentKind.INTERIM_REPORT, DocumentKind.FINAL_REPORT, DocumentKind.REPAYMENT_LETTER}
)


# Kinds whose version is a running number of their own (Mittelabruf Nr. 2), not a Nachreichung.
NUMBERED_KINDS = frozenset(
    {DocumentKind.PAYMENT_REQUEST, DocumentKind.PAYMENT_ORDER, DocumentKind.CHANGE_DECISION}
)


def document_upload_to(instance: GeneratedDocument, filename: str) -> str:
    """applications/<application id>/documents/<uuid>_<sanitised name> (private)."""
    name = sanitize_filename(filename)
    return f"applications/{instance.application_id}/documents/{uuid.uuid4().hex}_{name}"


class GeneratedDocumentQuerySet(models.QuerySet):
    """Reached from an application as ``application.documents``, so that apps below this one
    find its documents without importing it."""

    def receipts(self):
        return self.filter(kind=DocumentKind.RECEIPT)

    def decision_letters(self):
        return self.filter(kind=DocumentKind.DECISION)


class GeneratedDocument(models.Model):
    """A PDF the portal produced for an application (receipt, decision letter). At most one
    per kind and version, so rendering twice replaces instead of adding
    (``services.document_store``). Version 1 of the receipt confirms the submission, each
    further version a Nachreichung (answer to a Nachforderung); earlier versions are kept."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("Antrag")
    )
    kind = models.CharField(_("Art"), max_length=32, choices=DocumentKind)
    file = models.FileField(_("Datei"), upload_to=document_upload_to, max_length=300)
    filename = models.CharField(_("Dateiname beim Herunterladen"), max_length=200)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    version = models.PositiveSmallIntegerField(_("Fassung"), default=1)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)

    objects = GeneratedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Erzeugtes Dokument")
        verbose_name_plural = _("Erzeugte Dokumente")
        ordering = ["application", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "version"], name="document_one_per_kind_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.filename}"

    @property
    def label(self) -> str:
        """ "Eingangsbestätigung", or "Eingangsbestätigung (Nachreichung vom 30.11.2026)"."""
        if self.kind in NUMBERED_KINDS:
            return _("%(kind)s Nr. %(number)s") % {
                "kind": self.get_kind_display(),
                "number": self.version,
            }
        if self.kind in REPORT_KINDS:
            return _("%(kind)s vom %(date)s") % {
                "kind": self.get_kind_display(),
                "date": f"{timezone.localtime(self.created_at):%d.%m.%Y}",
            }
        if self.version <= 1:
            return str(self.get_kind_display())
        return _("%(kind)s (Nachreichung vom %(date)s)") % {
            "kind": self.get_kind_display(),
            "date": f"{timezone.localtime(self.created_at):%d.%m.%Y}",
        }


# PDF bundles of a round (Antragsbündel) ---------------------------------------------------------
class BundleStatus(models.TextChoices):
    PENDING = "pending", _("wartend")
    RUNNING = "running", _("läuft")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


BUNDLE_OPEN_STATUSES = (BundleStatus.PENDING, BundleStatus.RUNNING)


class BundleSelection(models.TextChoices):
    SUBMITTED = "submitted", _("Alle eingereichten Anträge")
    STATUS = "status", _("Anträge mit bestimmtem Status")
    RANKING = "ranking", _("Anträge der aktuellen Rangliste, in ihrer Reihenfolge")


class BundleJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Bundles are for RP Darmstadt: case officers and admins see every bundle job,
        everybody else none."""
        if user is None or not user.is_authenticated or not user.is_active or not user.is_rp:
            return self.none()
        return self.select_related("round", "requested_by")

    def open(self):
        return self.filter(status__in=BUNDLE_OPEN_STATUSES)


def bundle_upload_to(instance: BundleJob, filename: str) -> str:
    """bundles/<round id>/<uuid>_<sanitised name> in the private MEDIA_ROOT."""
    return f"bundles/{instance.round_id}/{uuid.uuid4().hex}_{sanitize_filename(filename)}"


class BundleJob(models.Model):
    """One request for a PDF bundle of a round, and its way through the Celery workers."""

    round = models.ForeignKey(
        FundingRound,
        on_delete=models.PROTECT,
        related_name="bundle_jobs",
        verbose_name=_("Förderrunde"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    created_at = models.DateTimeField(_("angefordert am"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet am"), null=True, blank=True)
    selection = models.CharField(
        _("Auswahl"),
        max_length=16,
        choices=BundleSelection,
        default=BundleSelection.SUBMITTED,
    )
    statuses = ArrayField(
        models.CharField(max_length=32, choices=Status.choices),
        verbose_name=_("Status der Anträge"),
        default=list,
        blank=True,
    )
    application_ids = ArrayField(
        models.BigIntegerField(),
        verbose_name=_("Anträge (in der Reihenfolge des Bündels)"),
        default=list,
        blank=True,
        help_text=_("Die Auswahl, wie sie bei der Anforderung galt."),
    )
    status = models.CharField(
        _("Status"),
        max_length=16,
        choices=BundleStatus,
        default=BundleStatus.PENDING,
        db_index=True,
    )
    total = models.PositiveIntegerField(_("Anträge insgesamt"), default=0)
    done = models.PositiveIntegerField(_("Anträge erstellt"), default=0)
    rendered = models.PositiveIntegerField(
        _("davon neu gesetzt"),
        default=0,
        help_text=_("Die übrigen kamen unverändert aus dem Zwischenspeicher."),
    )
    file = models.FileField(_("Datei"), upload_to=bundle_upload_to, max_length=300, blank=True)
    filename = models.CharField(_("Dateiname beim Herunterladen"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("Seiten"), default=0)
    merge_seconds = models.FloatField(_("Zusammenführen (Sekunden)"), null=True, blank=True)
    error = models.TextField(_("Fehlermeldung"), blank=True)
    redispatched_at = models.DateTimeField(
        _("zuletzt erneut verteilt am"),
        null=True,
        blank=True,
        help_text=_("Wann liegengebliebene Arbeitsschritte zuletzt erneut verteilt wurden."),
    )

    objects = BundleJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("Antragsbündel")
        verbose_name_plural = _("Antragsbündel")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BundleStatus.values), name="bundlejob_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(done__lte=F("total")), name="bundlejob_done_le_total"
            ),
            models.CheckConstraint(
                condition=~Q(status=BundleStatus.DONE) | ~Q(file=""),
                name="bundlejob_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.get_status_display()} ({self.created_at:%d.%m.%Y %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.status in BUNDLE_OPEN_STATUSES

    @property
    def statuses_display(self) -> str:
        return ", ".join(str(Status(s).label) for s in self.statuses if s in Status.values)

    @property
    def steps_done(self) -> int:
        """Progress in steps: one per application, one for merging."""
        return self.done + (1 if self.status == BundleStatus.DONE else 0)

    @property
    def steps_total(self) -> int:
        return self.total + 1

    @property
    def percent(self) -> int:
        """The share of applications rendered, as the label beside it counts them ("4 von 5"
        is 80 %); 99 % while the parts are merged, 100 % only when the bundle is ready."""
        if self.status == BundleStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, 100 * self.done // self.total)

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.created_at


def pdf_cache_upload_to(instance: ApplicationPdfCache, filename: str) -> str:
    return f"bundles/cache/{instance.content_hash[:2]}/{instance.content_hash}.pdf"


class ApplicationPdfCache(models.Model):
    """The PDF of one application as a bundle shows it (its pages, then its PDF attachments),
    stored under a hash of everything it shows. An unchanged application is never rendered
    twice; a changed one gets a new hash and a new entry."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="pdf_cache", verbose_name=_("Antrag")
    )
    content_hash = models.CharField(_("Prüfsumme des Inhalts"), max_length=64, unique=True)
    file = models.FileField(_("Datei"), upload_to=pdf_cache_upload_to, max_length=300)
    pages = models.PositiveIntegerField(_("Seiten"))
    outline = models.JSONField(
        _("Lesezeichen"), default=list, blank=True, help_text=_("[{title, page}], page ab 0")
    )
    attachments = models.JSONField(_("Anlagen"), default=list, blank=True)
    render_seconds = models.FloatField(_("Dauer (Sekunden)"), default=0)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Antrags-PDF (Zwischenspeicher)")
        verbose_name_plural = _("Antrags-PDFs (Zwischenspeicher)")
        ordering = ["application", "-created_at"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.content_hash[:12]}"


class BundleJobPart(models.Model):
    """An application of a bundle job whose PDF is ready: progress counts these rows, so a
    task that runs twice counts once."""

    job = models.ForeignKey(BundleJob, on_delete=models.CASCADE, related_name="parts")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    cache = models.ForeignKey(
        ApplicationPdfCache, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rendered = models.BooleanField(_("neu gesetzt"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Teil eines Antragsbündels")
        verbose_name_plural = _("Teile von Antragsbündeln")
        constraints = [
            models.UniqueConstraint(fields=["job", "application"], name="bundlepart_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.application_id}"
