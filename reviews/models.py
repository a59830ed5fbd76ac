"""Criteria, the formal check, jury assignments, reviews and their scores.

Models hold data and invariants (constraints); the rules of writing live in ``services.py``,
the reads that also authorise in ``selectors.py``. Internal notes and the audit trail of this
app are ``applications.ApplicationEvent`` rows with ``internal=True`` (actions below), so the
RP timeline of an application is one table.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewEvent(models.TextChoices):
    """``ApplicationEvent.action`` values written by this app, always ``internal=True``
    (applicants never see them). Workflow transitions keep using ``workflow.Action``.
    ``ReviewsConfig.ready`` registers them in the event vocabulary (``applications.events``),
    where the timeline reads their labels."""

    FORMAL_CHECK = "formal_check", _("Formale Prüfung dokumentiert")
    ASSIGNED = "review_assigned", _("Gutachter/in zugewiesen")
    ASSIGNMENT_ENDED = "review_assignment_ended", _("Zuweisung beendet")
    NO_CONFLICT = "review_no_conflict", _("Keine Befangenheit erklärt")
    CONFLICT = "review_conflict", _("Befangenheit erklärt")
    FINALIZED = "review_finalized", _("Bewertung abgeschlossen")
    REOPENED = "review_reopened", _("Bewertung wieder geöffnet")
    MAIL_SENT = "mail_sent", _("E-Mail versandt")


# Criteria ---------------------------------------------------------------------------------------
class Criterion(models.Model):
    """A scoring criterion (Bewertungskriterium) of a funding round."""

    round = models.ForeignKey(
        "applications.FundingRound",
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("Förderrunde"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    description = models.TextField(
        _("Beschreibung"), blank=True, help_text=_("Was die Jury bei diesem Kriterium bewertet.")
    )
    weight = models.DecimalField(
        _("Gewichtung"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Die gewichtete Punktzahl ist der nach diesen Gewichten gemittelte Wert."),
    )
    max_points = models.PositiveSmallIntegerField(
        _("Höchstpunktzahl"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Bewertungskriterium")
        verbose_name_plural = _("Bewertungskriterien")
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
                violation_error_message=_("Die Gewichtung muss größer als 0 sein."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=1, max_points__lte=100),
                name="criterion_max_points_1_100",
                violation_error_message=_("Die Höchstpunktzahl liegt zwischen 1 und 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# Formal check -----------------------------------------------------------------------------------
class CheckOutcome(models.TextChoices):
    PASSED = "passed", _("Formale Prüfung bestanden")
    ITEMS_REQUESTED = "items_requested", _("Unterlagen nachgefordert")


# The checklist: field name -> label (the order of the form).
CHECKLIST = {
    "eligible_population": _("Antragsberechtigt nach Einwohnerzahl"),
    "documents_complete": _("Unterlagen vollständig"),
    "financing_plausible": _("Finanzierungsplan plausibel"),
    "declarations_given": _("Erklärungen abgegeben"),
}


class FormalCheck(models.Model):
    """One pass of the formal check: the checklist as the case officer found it, and what
    followed (passed, or a Nachforderung). A round trip through a Nachforderung adds a row."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="formal_checks",
        verbose_name=_("Antrag"),
    )
    eligible_population = models.BooleanField(CHECKLIST["eligible_population"], default=False)
    documents_complete = models.BooleanField(CHECKLIST["documents_complete"], default=False)
    financing_plausible = models.BooleanField(CHECKLIST["financing_plausible"], default=False)
    declarations_given = models.BooleanField(CHECKLIST["declarations_given"], default=False)
    notes = models.TextField(_("Vermerk zur Prüfung"), blank=True)
    outcome = models.CharField(_("Ergebnis"), max_length=32, choices=CheckOutcome)
    item_request = models.OneToOneField(
        "applications.ItemRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="formal_check",
        verbose_name=_("Nachforderung"),
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geprüft von"),
    )
    checked_at = models.DateTimeField(_("geprüft am"), default=timezone.now)
    applicant_notified_at = models.DateTimeField(
        _("Antragsteller benachrichtigt am"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("Formale Prüfung")
        verbose_name_plural = _("Formale Prüfungen")
        ordering = ["application", "-checked_at", "-id"]
        get_latest_by = "checked_at"
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="passed")
                | Q(
                    eligible_population=True,
                    documents_complete=True,
                    financing_plausible=True,
                    declarations_given=True,
                ),
                name="formalcheck_passed_needs_every_item",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["passed", "items_requested"]),
                name="formalcheck_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.get_outcome_display()}"

    @property
    def checklist(self) -> list[tuple[str, bool]]:
        return [(str(label), getattr(self, name)) for name, label in CHECKLIST.items()]


# Assignments ------------------------------------------------------------------------------------
class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("aktiv")
    ENDED_CONFLICT = "ended_conflict", _("beendet wegen Befangenheit")
    ENDED_REMOVED = "ended_removed", _("beendet durch die Sachbearbeitung")


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=AssignmentStatus.ACTIVE)


class Assignment(models.Model):
    """A jury reviewer assigned to an application. Before anything else the reviewer declares
    whether they are biased (Befangenheit); a declared conflict ends the assignment."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("Antrag"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("Gutachter/in"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zugewiesen von"),
    )
    assigned_at = models.DateTimeField(_("zugewiesen am"), default=timezone.now)
    status = models.CharField(
        _("Status"),
        max_length=32,
        choices=AssignmentStatus,
        default=AssignmentStatus.ACTIVE,
        db_index=True,
    )
    declared_at = models.DateTimeField(_("Erklärung zur Befangenheit am"), null=True, blank=True)
    conflict = models.BooleanField(_("befangen"), default=False)
    conflict_note = models.TextField(_("Begründung der Befangenheit"), blank=True)
    ended_at = models.DateTimeField(_("beendet am"), null=True, blank=True)
    ended_reason = models.TextField(_("Grund für das Ende"), blank=True)
    case_officer_notified_at = models.DateTimeField(
        _("Sachbearbeitung benachrichtigt am"), null=True, blank=True
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zuweisung")
        verbose_name_plural = _("Zuweisungen")
        ordering = ["application", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_once_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "ended_conflict", "ended_removed"]),
                name="assignment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(conflict=False) | Q(declared_at__isnull=False),
                name="assignment_conflict_is_declared",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended_conflict") | Q(conflict=True),
                name="assignment_ended_conflict_has_conflict",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True)
                | (~Q(status="active") & Q(ended_at__isnull=False)),
                name="assignment_ended_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.application}"

    @property
    def is_active(self) -> bool:
        return self.status == AssignmentStatus.ACTIVE

    @property
    def needs_declaration(self) -> bool:
        return self.is_active and self.declared_at is None


# Reviews ----------------------------------------------------------------------------------------
class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    FINAL = "final", _("abgeschlossen")


class Recommendation(models.TextChoices):
    FUND = "fund", _("Förderung empfohlen")
    FUND_WITH_CONDITIONS = "fund_with_conditions", _("Förderung mit Auflagen empfohlen")
    DO_NOT_FUND = "do_not_fund", _("Förderung nicht empfohlen")


SCORE = {"max_digits": 7, "decimal_places": 3}


class Review(models.Model):
    """The review (Gutachten) of one assignment: points per criterion, an overall comment and a
    recommendation. ``score`` is the weighted score, set by the services whenever every
    criterion has points; a final review is read-only until the case officer reopens it."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("Zuweisung")
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=ReviewStatus, default=ReviewStatus.DRAFT
    )
    overall_comment = models.TextField(_("Gesamteinschätzung"), blank=True)
    recommendation = models.CharField(
        _("Empfehlung"), max_length=32, choices=Recommendation, blank=True
    )
    score = models.DecimalField(_("Gewichtete Punktzahl"), null=True, blank=True, **SCORE)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)
    finalized_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("zuletzt wieder geöffnet am"), null=True, blank=True)
    reopen_reason = models.TextField(_("Grund der Wiederöffnung"), blank=True)

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        ordering = ["assignment__application", "assignment__assigned_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DRAFT)
                | (Q(finalized_at__isnull=False, score__isnull=False) & ~Q(recommendation="")),
                name="review_final_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status == ReviewStatus.FINAL


class Score(models.Model):
    """Points for one criterion (0 to its maximum), with an optional comment."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("Bewertung")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("Kriterium")
    )
    points = models.PositiveSmallIntegerField(
        _("Punkte"),
        null=True,
        blank=True,
        help_text=_("Leer nur in einem Entwurf; eine abgeschlossene Bewertung hat alle Punkte."),
    )
    comment = models.TextField(_("Anmerkung"), blank=True)

    class Meta:
        verbose_name = _("Punktwert")
        verbose_name_plural = _("Punktwerte")
        ordering = ["review", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0),
                name="score_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


# Statistics -------------------------------------------------------------------------------------
class ReviewStats(models.Model):
    """The review statistics of one application, stored so that the RP overview and the
    ranking sort and flag without aggregating reviews on every request. Written only by
    ``reviews.stats.review_stats_refresh`` (called by the review services whenever a final
    review or an assignment's status changes), which recomputes the row from the reviews.
    An application without a row has no final review and no declared conflict.

    The mean is not stored: it is ``score_sum / final_reviews`` at read time, which is exactly
    PostgreSQL's ``avg`` of the scores (the same numeric division), so the ranking's order does
    not depend on how a stored mean was rounded. The spread and the flag are not stored either:
    the flag depends on the round's threshold, which the admin may change."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="review_stats",
        verbose_name=_("Antrag"),
    )
    final_reviews = models.PositiveIntegerField(_("abgeschlossene Gutachten"), default=0)
    score_sum = models.DecimalField(
        _("Summe der gewichteten Punktzahlen"), max_digits=12, decimal_places=3, default=0
    )
    min_score = models.DecimalField(_("niedrigste Bewertung"), null=True, blank=True, **SCORE)
    max_score = models.DecimalField(_("höchste Bewertung"), null=True, blank=True, **SCORE)
    conflicts = models.PositiveIntegerField(_("erklärte Befangenheiten"), default=0)
    updated_at = models.DateTimeField(_("berechnet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Bewertungsstatistik")
        verbose_name_plural = _("Bewertungsstatistiken")
        constraints = [
            models.CheckConstraint(
                condition=Q(final_reviews=0, min_score__isnull=True, max_score__isnull=True)
                | Q(final_reviews__gt=0, min_score__isnull=False, max_score__isnull=False),
                name="reviewstats_scores_iff_final_reviews",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.final_reviews}"
