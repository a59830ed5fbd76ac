"""Funding rounds (Förderrunden): every rule of a call is a field of ``FundingRound``;
cost categories and the per-round reference counter."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.workflow import Status

from .calls import EligibilityRule
from .choices import MONEY, FinancingType, ProgrammeLine

# Funding rounds -------------------------------------------------------------------------------
# The rules of a round an application is checked and judged by. They are frozen on each
# application at submission (``Application.submission_rules``) and cannot be changed in the
# admin once an application of the round was submitted (README, "Rules of a round").
ROUND_RULE_FIELDS = (
    "eligibility_rule",
    "population_lower",
    "population_upper",
    "population_reference_date",
    "joint_allowed",
    "joint_max_partners",
    "lead_between_bounds_may_be_joint",
    "max_grant",
    "financing_type",
    "duration_min_months",
    "duration_max_months",
)


class FundingRoundQuerySet(models.QuerySet):
    def open_at(self, moment):
        """Rounds accepting submissions at ``moment`` (opens_at <= moment <= deadline)."""
        return self.filter(opens_at__lte=moment, deadline__gte=moment)


class FundingRound(models.Model):
    """A call for applications (Förderrunde). Every rule of the call is a field here."""

    programme_line = models.CharField(
        _("Förderlinie"), max_length=16, choices=ProgrammeLine.choices, default=ProgrammeLine.KIV
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    opens_at = models.DateTimeField(_("Anträge möglich ab"))
    deadline = models.DateTimeField(
        _("Antragsfrist"),
        help_text=_(
            "Letzter Zeitpunkt, zu dem eine Einreichung noch angenommen wird (Europe/Berlin), "
            "z. B. 30.11.2019 23:59:59."
        ),
    )
    reference_prefix = models.CharField(
        _("Präfix der Aktenzeichen"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]*$",
                _("Nur Großbuchstaben, Ziffern und Bindestriche, z. B. KIV-2019."),
            )
        ],
        help_text=_("Aktenzeichen werden als <Präfix>-0001, -0002, … vergeben."),
    )
    call_text = models.TextField(
        _("Text des Förderaufrufs"),
        blank=True,
        help_text=_("Erscheint auf der Seite der Förderrunde. Absätze durch Leerzeilen trennen."),
    )
    call_url = models.URLField(
        _("Förderaufruf im Internet"),
        blank=True,
        help_text=_("Adresse der Veröffentlichung des Ministeriums, falls es eine gibt."),
    )
    max_grant = models.DecimalField(_("Höchstbetrag der Zuwendung (EUR)"), **MONEY)
    budget = models.DecimalField(_("Mittel der Förderrunde insgesamt (EUR)"), **MONEY)
    eligibility_rule = models.CharField(
        _("Wer ist antragsberechtigt?"),
        max_length=32,
        choices=EligibilityRule.choices,
        default=EligibilityRule.POPULATION_BAND,
        help_text=_(
            "Die Einwohnergrenzen gelten nur für die Regel nach Einwohnerzahl; die Liste der "
            "ausgewählten Kommunen nur für die Regel „Nur die ausgewählten Kommunen“."
        ),
    )
    allowed_municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        verbose_name=_("Ausgewählte Kommunen"),
        blank=True,
        related_name="+",
    )
    population_lower = models.PositiveIntegerField(
        _("Untere Einwohnergrenze"),
        default=10_000,
        help_text=_("Ab dieser Einwohnerzahl darf eine Kommune allein einen Antrag stellen."),
    )
    population_upper = models.PositiveIntegerField(
        _("Obere Einwohnergrenze"),
        default=50_000,
        help_text=_(
            "Kommunen mit mehr Einwohnerinnen und Einwohnern sind nicht antragsberechtigt."
        ),
    )
    population_reference_date = models.DateField(_("Stichtag der Einwohnerzahl"))
    joint_allowed = models.BooleanField(
        _("Gemeinsame Anträge zulässig"),
        default=False,
        help_text=_(
            "Kommunen unter der unteren Grenze dürfen gemeinsam mit Partnerkommunen beantragen."
        ),
    )
    joint_max_partners = models.PositiveSmallIntegerField(
        _("Höchstzahl der Partnerkommunen"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
    )
    lead_between_bounds_may_be_joint = models.BooleanField(
        _("Kommunen zwischen den Grenzen dürfen einen gemeinsamen Antrag führen"), default=False
    )
    financing_type = models.CharField(
        _("Finanzierungsart"),
        max_length=16,
        choices=FinancingType.choices,
        default=FinancingType.FEHLBEDARF,
    )
    duration_min_months = models.PositiveSmallIntegerField(_("Mindestlaufzeit (Monate)"), default=1)
    duration_max_months = models.PositiveSmallIntegerField(_("Höchstlaufzeit (Monate)"), default=18)
    question_set = models.ForeignKey(
        "questionnaires.QuestionSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("Fragenkatalog"),
        help_text=_(
            "Die Fragen des Antrags, die über die festen Angaben hinausgehen. Ein eingefrorener "
            "Katalog wird über „Neue Fassung anlegen“ geändert."
        ),
    )
    decision_notes = models.TextField(
        _("Weitere Nebenbestimmungen für Zuwendungsbescheide"),
        blank=True,
        help_text=_(
            "Erscheinen nur im Zuwendungsbescheid, nach den festen Nebenbestimmungen "
            "(Finanzierungsart, ANBest-GK, Mittelabruf, Verwendungsnachweis). "
            "Ablehnungsbescheide enthalten sie nicht."
        ),
    )
    score_spread_threshold = models.DecimalField(
        _("Schwelle für abweichende Bewertungen"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = FundingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("Förderrunde")
        verbose_name_plural = _("Förderrunden")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(joint_max_partners__gte=1, joint_max_partners__lte=2),
                name="round_joint_max_partners_1_2",
                violation_error_message=_(
                    "Ein gemeinsamer Antrag hat eine oder zwei Partnerkommunen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(duration_min_months__gte=1)
                & Q(duration_min_months__lte=F("duration_max_months"))
                & Q(duration_max_months__lte=18),
                name="round_duration_1_min_max_18",
                violation_error_message=_(
                    "Die Laufzeit liegt zwischen 1 und 18 Monaten; die Mindestlaufzeit darf "
                    "die Höchstlaufzeit nicht übersteigen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(population_lower__lte=F("population_upper")),
                name="round_population_lower_le_upper",
                violation_error_message=_(
                    "Die untere Einwohnergrenze darf die obere nicht übersteigen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("deadline")),
                name="round_opens_before_deadline",
                violation_error_message=_("Die Antragsfrist muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(max_grant__gte=0) & Q(budget__gte=0),
                name="round_money_not_negative",
                violation_error_message=_("Beträge dürfen nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment <= self.deadline

    def has_submitted_applications(self) -> bool:
        """True once any application of the round was submitted (also if withdrawn since):
        from then on its rules are locked (``ROUND_RULE_FIELDS``)."""
        return self.pk is not None and self.applications.exclude(status=Status.DRAFT).exists()

    def draft_count(self) -> int:
        return 0 if self.pk is None else self.applications.filter(status=Status.DRAFT).count()


class CostCategory(models.Model):
    round = models.ForeignKey(
        FundingRound,
        on_delete=models.CASCADE,
        related_name="cost_categories",
        verbose_name=_("Förderrunde"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Kostenart")
        verbose_name_plural = _("Kostenarten")
        ordering = ["round", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="costcategory_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last reference number given in a round; locked with select_for_update on submit."""

    round = models.OneToOneField(
        FundingRound, on_delete=models.CASCADE, related_name="reference_counter"
    )
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Aktenzeichen-Zähler")
        verbose_name_plural = _("Aktenzeichen-Zähler")

    def __str__(self) -> str:
        return f"{self.round.reference_prefix}: {self.last_number}"
