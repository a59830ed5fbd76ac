"""Interim and final reports of a grant (Zwischennachweis, Verwendungsnachweis), their parts
(Sachbericht, zahlenmäßiger Nachweis, Belegliste, Anlagen), RP's requests for more
(Nachforderung) and the settlement (Abschluss: bestätigt oder Rückforderung)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models.choices import MONEY
from core.text import TextLengthValidator
from core.validators import sanitize_filename

from .workflow import ReportStatus

TEXT_MAX_LENGTH = 8_000
# The ``documents.DocumentKind`` values of the PDFs of reports (documents sits above this app;
# tests/reports/test_documents.py checks that they match).
REPORT_DOCUMENT_KINDS = ("interim_report", "final_report")
REPAYMENT_LETTER_KIND = "repayment_letter"


def _long_text(label, help_text="") -> models.TextField:
    return models.TextField(
        label,
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        validators=[TextLengthValidator(TEXT_MAX_LENGTH)],
        help_text=help_text,
    )


def _money(label, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        label, null=True, blank=True, validators=[MinValueValidator(0)], **MONEY, **kwargs
    )


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Zwischennachweis")
    FINAL = "final", _("Verwendungsnachweis")


class ReportPart(models.TextChoices):
    """The parts of a report; a Nachforderung names the parts it reopens."""

    FACTUAL = "factual", _("Sachbericht")
    NUMBERS = "numbers", _("Zahlenmäßiger Nachweis")
    RECEIPTS = "receipts", _("Belegliste")
    ATTACHMENTS = "attachments", _("Anlagen")


class ReportAttachmentKind(models.TextChoices):
    STRATEGY = "strategy", _("Strategiedokument")
    COUNCIL_RESOLUTION = "council_resolution", _("Beschluss der Gemeindevertretung")
    OTHER = "other", _("Sonstige Anlage")


class ReportEvent(models.TextChoices):
    """The events this app writes on the application's timeline (one per report transition,
    ``report_<action>``, and the attachments)."""

    SUBMIT = "report_submit", _("Nachweis eingereicht")
    START_CHECK = "report_start_check", _("Prüfung des Nachweises begonnen")
    REQUEST_ITEMS = "report_request_items", _("Unterlagen zum Nachweis nachgefordert")
    RESUBMIT = "report_resubmit", _("Nachgeforderte Unterlagen zum Nachweis eingereicht")
    CONFIRM = "report_confirm", _("Nachweis geprüft und bestätigt")
    CLAIM_REPAYMENT = "report_claim_repayment", _("Nachweis geprüft, Rückforderung festgesetzt")
    ATTACHMENT_ADDED = "report_attachment_added", _("Anlage zum Nachweis hochgeladen")
    ATTACHMENT_REMOVED = "report_attachment_removed", _("Anlage zum Nachweis entfernt")


def event_for(action: str) -> str:
    """The event value of a report transition."""
    return ReportEvent(f"report_{action}").value


class Report(models.Model):
    """One report of a grant: the final report (one per grant) or the interim report of a
    budget year (one per year)."""

    grant = models.ForeignKey(
        "grants.Grant",
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("Zuwendung"),
    )
    kind = models.CharField(_("Art"), max_length=16, choices=ReportKind)
    budget_year = models.PositiveSmallIntegerField(
        _("Haushaltsjahr"), null=True, blank=True, help_text=_("Nur beim Zwischennachweis.")
    )
    status = models.CharField(
        _("Status"),
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
        db_index=True,
    )
    receipts_required = models.BooleanField(
        _("Belegliste erforderlich"),
        default=False,
        help_text=_("Nach den Regeln der Förderrunde beim Anlegen des Nachweises."),
    )

    # Sachbericht
    activities = _long_text(_("Was wurde getan?"))
    participants = _long_text(_("Wer hat mitgewirkt?"))
    strategy = _long_text(_("Welche Strategie ist entstanden?"))
    council_adopted = models.BooleanField(
        _("Hat die Gemeindevertretung die Strategie beschlossen?"), null=True, blank=True
    )
    council_date = models.DateField(_("Datum des Beschlusses"), null=True, blank=True)

    # Zahlenmäßiger Nachweis (the expenses are ReportCostLine or ReceiptLine rows)
    own_funds = _money(_("Tatsächliche Eigenmittel (EUR)"))
    third_party_funds = _money(_("Tatsächlich erhaltene Drittmittel (EUR)"))
    grant_received = _money(
        _("Erhaltene Zuwendung (EUR)"), help_text=_("Aus den Auszahlungen, bei Einreichung.")
    )

    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eingereicht von"),
    )
    submissions = models.PositiveSmallIntegerField(_("Einreichungen"), default=0)

    class Meta:
        verbose_name = _("Nachweis")
        verbose_name_plural = _("Nachweise")
        ordering = ["grant", "kind", "budget_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.FINAL, budget_year__isnull=True)
                | Q(kind=ReportKind.INTERIM, budget_year__isnull=False),
                name="report_year_only_for_interim",
            ),
            models.UniqueConstraint(
                fields=["grant"],
                condition=Q(kind=ReportKind.FINAL),
                name="report_one_final_per_grant",
            ),
            models.UniqueConstraint(
                fields=["grant", "budget_year"],
                condition=Q(kind=ReportKind.INTERIM),
                name="report_one_interim_per_year",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ReportKind.INTERIM:
            return f"{self.get_kind_display()} {self.budget_year}"
        return str(self.get_kind_display())

    @property
    def title(self) -> str:
        return str(self)

    @property
    def is_final(self) -> bool:
        return self.kind == ReportKind.FINAL

    @property
    def document_kind(self) -> str:
        """The ``documents.DocumentKind`` value of its PDF."""
        return f"{self.kind}_report"

    @property
    def document_version(self) -> int:
        """The version of its PDF among the application's documents of that kind: the number
        of the submission, for interim reports per budget year (2027, first: 2701). The
        repayment letter of the report has the version of the submission it settles."""
        if self.budget_year is not None:
            return (self.budget_year % 100) * 100 + max(self.submissions, 1)
        return max(self.submissions, 1)

    def open_item_request(self) -> ReportItemRequest | None:
        return self.item_requests.filter(resolved_at__isnull=True).first()


class ReportCostLine(models.Model):
    """The actual expenses of one cost category (the simple report, without receipts)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="cost_lines")
    category = models.ForeignKey(
        "applications.CostCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Kostenart"),
    )
    amount = models.DecimalField(
        _("Tatsächliche Ausgaben (EUR)"), validators=[MinValueValidator(0)], **MONEY
    )

    class Meta:
        verbose_name = _("Tatsächliche Ausgaben einer Kostenart")
        verbose_name_plural = _("Tatsächliche Ausgaben je Kostenart")
        ordering = ["report", "category__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="reportcost_one_per_cat"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="reportcost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount}"


class ReceiptLine(models.Model):
    """One line of the Belegliste: date, payee, purpose, amount (and its cost category)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="receipt_lines")
    category = models.ForeignKey(
        "applications.CostCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Kostenart"),
    )
    paid_on = models.DateField(_("Datum"))
    payee = models.CharField(_("Empfänger/in"), max_length=200)
    purpose = models.CharField(_("Zweck"), max_length=300)
    amount = models.DecimalField(_("Betrag (EUR)"), validators=[MinValueValidator(0)], **MONEY)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Beleg")
        verbose_name_plural = _("Belegliste")
        ordering = ["report", "paid_on", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="receiptline_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on:%d.%m.%Y} {self.payee}: {self.amount}"


def report_attachment_upload_to(instance: ReportAttachment, filename: str) -> str:
    """reports/<report id>/<uuid>_<sanitised name>, inside the private MEDIA_ROOT."""
    return f"reports/{instance.report_id}/{uuid.uuid4().hex}_{sanitize_filename(filename)}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("Art der Anlage"), max_length=32, choices=ReportAttachmentKind)
    file = models.FileField(_("Datei"), upload_to=report_attachment_upload_to, max_length=300)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(_("Dateityp"), max_length=120)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Anlage zum Nachweis")
        verbose_name_plural = _("Anlagen zum Nachweis")
        ordering = ["report", "kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class ReportItemRequest(models.Model):
    """A Nachforderung to a report: which parts the municipality may amend, why, by when,
    and its answer."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="item_requests")
    parts = ArrayField(models.CharField(max_length=16, choices=ReportPart), verbose_name=_("Teile"))
    message = models.TextField(_("Nachforderung"))
    due_date = models.DateField(_("Frist"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    created_at = models.DateTimeField(_("angefordert am"), default=timezone.now)
    answer = models.TextField(_("Antwort der Kommune"), blank=True)
    resolved_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachforderung zum Nachweis")
        verbose_name_plural = _("Nachforderungen zu Nachweisen")
        ordering = ["report", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(resolved_at__isnull=True),
                name="reportitemrequest_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} – {self.message[:40]}"


class SettlementResult(models.TextChoices):
    CONFIRMED = "confirmed", _("Bestätigt")
    REPAYMENT = "repayment", _("Rückforderung")


class ReportSettlement(models.Model):
    """RP's check and its result, with every figure of the computation as it was settled."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="settlement")
    result = models.CharField(_("Ergebnis"), max_length=16, choices=SettlementResult)
    formal_ok = models.BooleanField(_("Formal geprüft"), default=False)
    content_ok = models.BooleanField(_("Inhaltlich geprüft"), default=False)
    notes = models.TextField(_("Prüfvermerk (intern)"), blank=True)
    granted_amount = models.DecimalField(_("Bewilligte Zuwendung (EUR)"), **MONEY)
    actual_cost = models.DecimalField(_("Tatsächliche Ausgaben (EUR)"), **MONEY)
    not_recognised = models.DecimalField(_("Nicht anerkannte Ausgaben (EUR)"), **MONEY)
    not_recognised_reason = models.TextField(_("Begründung der Nichtanerkennung"), blank=True)
    own_funds = models.DecimalField(_("Eigenmittel (EUR)"), **MONEY)
    third_party_funds = models.DecimalField(_("Drittmittel (EUR)"), **MONEY)
    grant_received = models.DecimalField(_("Erhaltene Zuwendung (EUR)"), **MONEY)
    grant_justified = models.DecimalField(_("Nachgewiesene Zuwendung (EUR)"), **MONEY)
    repayment = models.DecimalField(_("Rückforderungsbetrag (EUR)"), **MONEY)
    payment_due_date = models.DateField(_("Zahlungsfrist"), null=True, blank=True)
    account_holder = models.CharField(_("Kontoinhaber"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    payment_reference = models.CharField(_("Verwendungszweck"), max_length=140, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abgeschlossen von"),
    )
    settled_at = models.DateTimeField(_("abgeschlossen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Abschluss der Prüfung")
        verbose_name_plural = _("Abschlüsse der Prüfung")
        constraints = [
            models.CheckConstraint(
                condition=Q(result=SettlementResult.CONFIRMED, repayment=0)
                | Q(
                    result=SettlementResult.REPAYMENT,
                    repayment__gt=0,
                    payment_due_date__isnull=False,
                ),
                name="settlement_result_matches_amount",
            ),
            models.CheckConstraint(
                condition=Q(repayment__gte=0) & Q(not_recognised__gte=0),
                name="settlement_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_result_display()}"
