"""Funding rounds, applications and everything that belongs to an application.

Models hold data and invariants (constraints); the rules of writing live in ``services.py``,
the state machine in ``workflow.py``. Every rule of a call is a field of ``FundingRound``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wir_portal.forms import TextLengthValidator

from .financing import ApprovedPlan, FinancingAdjustment
from .validators import sanitize_filename, validate_iban, validate_phone
from .workflow import EDITABLE_STATUSES, Action, Status

ZERO = Decimal("0.00")
MONEY = {"max_digits": 12, "decimal_places": 2}


# Choices ----------------------------------------------------------------------------------------
class ProgrammeLine(models.TextChoices):
    KIV = "KIV", _("Kommunale Vielfalts- und Integrationsstrategie")


class FinancingType(models.TextChoices):
    FEHLBEDARF = "fehlbedarf", _("Fehlbedarfsfinanzierung")
    ANTEIL = "anteil", _("Anteilfinanzierung")
    FESTBETRAG = "festbetrag", _("Festbetragsfinanzierung")
    VOLL = "voll", _("Vollfinanzierung")


class AttachmentKind(models.TextChoices):
    KONZEPT = "konzept", _("Konzept")
    LETTER_OF_INTENT = "letter_of_intent", _("Absichtserklärung (Partnerkommune)")
    COST_PLAN = "cost_plan", _("Kosten- und Finanzierungsplan (Anlage)")
    COUNCIL = "council", _("Beschluss / Detailangaben")
    OTHER = "other", _("Sonstiges")


class Section(models.TextChoices):
    """The parts of the form (Formblatt 1). A Nachforderung names the sections it reopens."""

    APPLICANT = "applicant", _("Antragstellende Kommune")
    PARTNERS = "partners", _("Partnerkommunen")
    PROJECT = "project", _("Vorhaben")
    COST_PLAN = "cost_plan", _("Kosten- und Finanzierungsplan")
    ATTACHMENTS = "attachments", _("Anlagen")
    DECLARATIONS = "declarations", _("Erklärungen")


# The order of the form's pages and of every summary (the URL names are applications:<section>).
SECTION_ORDER = (
    Section.APPLICANT,
    Section.PARTNERS,
    Section.PROJECT,
    Section.COST_PLAN,
    Section.ATTACHMENTS,
    Section.DECLARATIONS,
)


# The plain fields of each section that ``application_update_section`` writes. The cost plan,
# partners and attachments have services of their own.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    Section.APPLICANT: (
        "street",
        "postcode",
        "city",
        "contact_name",
        "contact_function",
        "contact_email",
        "contact_phone",
        "signatory_name",
        "signatory_function",
        "iban",
        "account_holder",
    ),
    Section.PROJECT: (
        "title",
        "summary",
        "start_date",
        "end_date",
        "starting_situation",
        "aims",
        "social_space",
        "municipal_identity",
        "participation",
        "participation_formats",
        "outreach",
        "external_moderation",
        "milestones",
        "council_resolution",
    ),
    Section.DECLARATIONS: (
        "decl_not_started",
        "decl_data_correct",
        "decl_anbest_gk",
        "decl_data_protection",
    ),
}
FINANCING_FIELDS = ("own_funds", "third_party_funds", "requested_grant")


# Funding rounds -------------------------------------------------------------------------------
# The rules of a round an application is checked and judged by. They are frozen on each
# application at submission (``Application.submission_rules``) and cannot be changed in the
# admin once an application of the round was submitted (README, "Rules of a round").
ROUND_RULE_FIELDS = (
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
    "required_attachment_kinds",
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
    required_attachment_kinds = ArrayField(
        models.CharField(max_length=32, choices=AttachmentKind.choices),
        verbose_name=_("Pflichtanlagen"),
        default=list,
        blank=True,
        help_text=_(
            "Eine Absichtserklärung (Partnerkommune) wird nur bei gemeinsamen Anträgen verlangt, "
            "dann eine je Partnerkommune."
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


# Applications ---------------------------------------------------------------------------------
def _municipality_ids(user):
    from municipalities.models import Membership

    return Membership.objects.filter(user=user).values("municipality_id")


# The answers of the project section: the short summary is "half a page", the other answers
# may run to about three pages. Checked by forms and services alike (the form shows a counter).
SUMMARY_MAX_LENGTH = 2_000
ANSWER_MAX_LENGTH = 8_000


def _long_text(label, limit: int = ANSWER_MAX_LENGTH) -> models.TextField:
    return models.TextField(
        label, blank=True, max_length=limit, validators=[TextLengthValidator(limit)]
    )


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may see: lead staff their municipalities' applications, partner staff
        applications naming their municipality as (not declined) partner, RP everything but
        drafts, reviewers nothing yet (assignments come with the reviews app)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(pk__in=[])
        if user.is_rp:
            condition |= ~Q(status=Status.DRAFT)
        if user.is_municipal_staff:
            mine = _municipality_ids(user)
            as_partner = ApplicationPartner.objects.filter(
                application=OuterRef("pk"), municipality__in=mine
            ).exclude(status=PartnerStatus.DECLINED)
            condition |= Q(lead_municipality__in=mine) | Q(Exists(as_partner))
        return self.filter(condition)

    def editable_by(self, user):
        """Applications whose content ``user`` may change now (lead staff; draft, or a
        Nachforderung for the sections it reopens)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.is_municipal_staff:
            return self.none()
        return self.filter(
            lead_municipality__in=_municipality_ids(user), status__in=EDITABLE_STATUSES
        )

    def with_totals(self):
        """Annotates ``total_cost_sum`` (sum of the cost lines), read by ``total_cost``."""
        lines = (
            CostLine.objects.filter(application=OuterRef("pk"))
            .order_by()
            .values("application")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        return self.annotate(
            total_cost_sum=Coalesce(
                Subquery(lines, output_field=models.DecimalField(**MONEY)),
                ZERO,
                output_field=models.DecimalField(**MONEY),
            )
        )

    def with_related(self):
        return self.select_related("round", "lead_municipality", "created_by")

    def submitted(self):
        return self.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])


class Application(models.Model):
    """An application (Antrag) of a lead municipality, alone or with partners, in one round."""

    round = models.ForeignKey(
        FundingRound,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("Förderrunde"),
    )
    lead_municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="led_applications",
        verbose_name=_("Antragstellende Kommune"),
    )
    status = models.CharField(
        _("Status"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reference = models.CharField(
        _("Aktenzeichen"), max_length=40, unique=True, null=True, blank=True
    )
    version = models.PositiveIntegerField(
        _("Bearbeitungsstand"),
        default=1,
        help_text=_("Steigt mit jeder Änderung; schützt vor dem Überschreiben fremder Änderungen."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    granted_amount = models.DecimalField(
        _("Bewilligter Betrag (EUR)"), null=True, blank=True, **MONEY
    )
    decision_reason = models.TextField(_("Begründung der Entscheidung"), blank=True)
    submission_rules = models.JSONField(
        _("Regeln und Einwohnerzahlen bei Einreichung"),
        default=dict,
        blank=True,
        editable=False,
        encoder=DjangoJSONEncoder,
        help_text=_(
            "Die Regeln der Förderrunde und die Einwohnerzahlen der beteiligten Kommunen zum "
            "Zeitpunkt der Einreichung; danach wird die Antragsberechtigung mit diesen Zahlen "
            "beurteilt."
        ),
    )
    # The approved financing plan (financing.py): with ``granted_amount`` it balances; it is
    # what the letter shows and the grant's later life works with.
    approved_total_cost = models.DecimalField(
        _("Bewilligte zuwendungsfähige Gesamtkosten (EUR)"), null=True, blank=True, **MONEY
    )
    approved_own_funds = models.DecimalField(
        _("Eigenmittel laut bewilligtem Finanzierungsplan (EUR)"), null=True, blank=True, **MONEY
    )
    approved_third_party_funds = models.DecimalField(
        _("Drittmittel laut bewilligtem Finanzierungsplan (EUR)"), null=True, blank=True, **MONEY
    )
    financing_adjustment = models.CharField(
        _("Ausgleich des Finanzierungsplans"),
        max_length=16,
        choices=FinancingAdjustment.choices,
        blank=True,
    )

    # 1. Applicant
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(
        _("Postleitzahl"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Die Postleitzahl besteht aus 5 Ziffern."))],
    )
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    contact_function = models.CharField(
        _("Funktion der Ansprechperson"), max_length=200, blank=True
    )
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(
        _("Telefon der Ansprechperson"), max_length=40, blank=True, validators=[validate_phone]
    )
    signatory_name = models.CharField(_("Zeichnungsberechtigte Person"), max_length=200, blank=True)
    signatory_function = models.CharField(
        _("Funktion der zeichnungsberechtigten Person"), max_length=200, blank=True
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    account_holder = models.CharField(_("Kontoinhaber/in"), max_length=200, blank=True)

    # 2. Project
    title = models.CharField(_("Titel des Vorhabens"), max_length=200, blank=True)
    summary = _long_text(_("Kurzbeschreibung"), SUMMARY_MAX_LENGTH)
    start_date = models.DateField(_("Geplanter Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Geplantes Ende"), null=True, blank=True)
    starting_situation = _long_text(_("Ausgangslage"))
    aims = _long_text(_("Ziele"))
    social_space = _long_text(_("Sozialraumbezug"))
    municipal_identity = _long_text(_("Kommunale Identität"))
    participation = _long_text(_("Gesellschaftliche Teilhabe"))
    participation_formats = _long_text(_("Beteiligungsformate"))
    outreach = _long_text(
        _("Erreichen aller Teile der Bevölkerung, nicht zuletzt der Zugewanderten")
    )
    external_moderation = _long_text(_("Externe Prozessmoderation"))
    milestones = _long_text(_("Meilensteine"))
    council_resolution = _long_text(
        _("Geplanter Beschluss der Gemeindevertretung"), SUMMARY_MAX_LENGTH
    )

    # 3. Financing (cost lines are CostLine rows; totals are computed)
    own_funds = models.DecimalField(
        _("Eigenmittel (EUR)"), default=ZERO, validators=[MinValueValidator(0)], **MONEY
    )
    third_party_funds = models.DecimalField(
        _("Drittmittel (EUR)"), default=ZERO, validators=[MinValueValidator(0)], **MONEY
    )
    requested_grant = models.DecimalField(
        _("Beantragte Zuwendung (EUR)"), default=ZERO, validators=[MinValueValidator(0)], **MONEY
    )

    # 5. Declarations
    decl_not_started = models.BooleanField(
        _("Mit dem Vorhaben wurde noch nicht begonnen."), default=False
    )
    decl_data_correct = models.BooleanField(
        _("Die Angaben sind vollständig und richtig."), default=False
    )
    decl_anbest_gk = models.BooleanField(
        _("Die ANBest-GK sind bekannt und werden anerkannt."), default=False
    )
    decl_data_protection = models.BooleanField(
        _("Die Hinweise zum Datenschutz wurden zur Kenntnis genommen."), default=False
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="application_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT)
                | Q(reference__isnull=False, submitted_at__isnull=False),
                name="application_submitted_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED) | Q(granted_amount__isnull=False),
                name="application_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(status=Status.APPROVED),
                name="application_amount_only_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(
                    approved_total_cost__isnull=True,
                    approved_own_funds__isnull=True,
                    approved_third_party_funds__isnull=True,
                )
                | Q(
                    granted_amount__isnull=False,
                    approved_own_funds__gte=0,
                    approved_third_party_funds__gte=0,
                    approved_total_cost=F("approved_own_funds")
                    + F("approved_third_party_funds")
                    + F("granted_amount"),
                ),
                name="application_approved_plan_balanced",
                violation_error_message=_(
                    "Der bewilligte Finanzierungsplan muss ausgeglichen sein: Eigenmittel, "
                    "Drittmittel und Zuwendung ergeben die zuwendungsfähigen Gesamtkosten."
                ),
            ),
            models.CheckConstraint(
                condition=Q(own_funds__gte=0)
                & Q(third_party_funds__gte=0)
                & Q(requested_grant__gte=0),
                name="application_financing_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="application_end_not_before_start",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        label = self.reference or _("Entwurf")
        return f"{label} – {self.title or self.lead_municipality.name}"

    # Computed, never typed -----------------------------------------------------------------
    @property
    def total_cost(self) -> Decimal:
        annotated = getattr(self, "total_cost_sum", None)
        if annotated is not None:
            return annotated
        if self.pk is None:
            return ZERO
        total = self.cost_lines.aggregate(s=Sum("amount"))["s"]
        return total if total is not None else ZERO

    @property
    def financing_gap(self) -> Decimal:
        """Fehlbedarf: total cost minus own and third-party funds."""
        return self.total_cost - self.own_funds - self.third_party_funds

    @property
    def total_financing(self) -> Decimal:
        return self.own_funds + self.third_party_funds + self.requested_grant

    @property
    def approved_plan(self) -> ApprovedPlan | None:
        """The financing plan of the approval (balanced), or None before one (and for
        approvals recorded before plans were stored)."""
        if self.granted_amount is None or self.approved_total_cost is None:
            return None
        return ApprovedPlan(
            total_cost=self.approved_total_cost,
            own_funds=self.approved_own_funds,
            third_party_funds=self.approved_third_party_funds,
            grant=self.granted_amount,
            adjustment=self.financing_adjustment,
        )

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    def open_item_request(self) -> ItemRequest | None:
        return self.item_requests.filter(resolved_at__isnull=True).first()


class PartnerStatus(models.TextChoices):
    PENDING = "pending", _("Bestätigung ausstehend")
    CONFIRMED = "confirmed", _("bestätigt")
    DECLINED = "declined", _("abgelehnt")


class ApplicationPartner(models.Model):
    """A partner municipality of a joint application; its own staff confirm or decline."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="partners", verbose_name=_("Antrag")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("Partnerkommune"),
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.PENDING
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hinzugefügt von"),
    )
    added_at = models.DateTimeField(_("hinzugefügt am"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwortet von"),
    )
    decided_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Partnerkommune")
        verbose_name_plural = _("Partnerkommunen")
        ordering = ["application", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "municipality"], name="partner_unique_per_application"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name} ({self.get_status_display()})"


class ParticipationRole(models.TextChoices):
    LEAD = "lead", _("antragstellend")
    PARTNER = "partner", _("Partnerkommune")


class RoundParticipation(models.Model):
    """One row per municipality taking part in a round, as lead or partner.

    The unique constraint is the rule "one application per municipality per round, counting
    participation as a partner". Rows go when an application is withdrawn or a partner
    declines or is removed, so the municipality is free again."""

    round = models.ForeignKey(FundingRound, on_delete=models.CASCADE, related_name="participations")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="participations"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("Rolle"), max_length=16, choices=ParticipationRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Teilnahme an einer Förderrunde")
        verbose_name_plural = _("Teilnahmen an Förderrunden")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality"], name="participation_one_per_round"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(role="lead"),
                name="participation_one_lead_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.round} ({self.get_role_display()})"


class CostLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="cost_lines", verbose_name=_("Antrag")
    )
    category = models.ForeignKey(
        CostCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Kostenart"),
        null=True,  # a draft line may still lack it; submission requires it
        blank=True,
    )
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("Betrag (EUR)"), validators=[MinValueValidator(0)], null=True, blank=True, **MONEY
    )
    budget_year = models.PositiveSmallIntegerField(_("Haushaltsjahr"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenpositionen")
        ordering = ["application", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="costline_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """applications/<application id>/<uuid>_<sanitised name>, inside the private MEDIA_ROOT."""
    return (
        f"applications/{instance.application_id}/{uuid.uuid4().hex}_{sanitize_filename(filename)}"
    )


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Antrag")
    )
    kind = models.CharField(_("Art der Anlage"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(_("Datei"), upload_to=attachment_upload_to, max_length=300)
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
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["application", "kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class ItemRequest(models.Model):
    """A Nachforderung: which sections the applicant may amend, why, and by when."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="item_requests",
        verbose_name=_("Antrag"),
    )
    sections = ArrayField(
        models.CharField(max_length=32, choices=Section.choices), verbose_name=_("Abschnitte")
    )
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
    resolved_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachforderung")
        verbose_name_plural = _("Nachforderungen")
        ordering = ["application", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(resolved_at__isnull=True),
                name="itemrequest_one_open_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {', '.join(self.sections)}"


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Eingangsbestätigung")
    DECISION = "decision", _("Bescheid")


def document_upload_to(instance: GeneratedDocument, filename: str) -> str:
    """applications/<application id>/documents/<uuid>_<sanitised name> (private)."""
    name = sanitize_filename(filename)
    return f"applications/{instance.application_id}/documents/{uuid.uuid4().hex}_{name}"


class GeneratedDocument(models.Model):
    """A PDF the portal produced for an application (receipt, decision letter). At most one
    per kind and version, so rendering twice replaces instead of adding
    (``services.document_store``). Version 1 of the receipt confirms the submission, each
    further version a Nachreichung (answer to a Nachforderung); earlier versions are kept."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("Antrag")
    )
    kind = models.CharField(_("Art"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(_("Datei"), upload_to=document_upload_to, max_length=300)
    filename = models.CharField(_("Dateiname beim Herunterladen"), max_length=200)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    version = models.PositiveSmallIntegerField(_("Fassung"), default=1)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)

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
        if self.version <= 1:
            return str(self.get_kind_display())
        return _("%(kind)s (Nachreichung vom %(date)s)") % {
            "kind": self.get_kind_display(),
            "date": f"{timezone.localtime(self.created_at):%d.%m.%Y}",
        }


# Events ---------------------------------------------------------------------------------------
class EventAction(models.TextChoices):
    """Events that are not workflow transitions (those use ``workflow.Action`` values)."""

    CREATED = "created", _("Antrag angelegt")
    SECTION_UPDATED = "section_updated", _("Angaben geändert")
    COST_PLAN_UPDATED = "cost_plan_updated", _("Kosten- und Finanzierungsplan geändert")
    PARTNER_ADDED = "partner_added", _("Partnerkommune hinzugefügt")
    PARTNER_REMOVED = "partner_removed", _("Partnerkommune entfernt")
    PARTNER_CONFIRMED = "partner_confirmed", _("Partnerschaft bestätigt")
    PARTNER_DECLINED = "partner_declined", _("Partnerschaft abgelehnt")
    ATTACHMENT_ADDED = "attachment_added", _("Anlage hochgeladen")
    ATTACHMENT_REMOVED = "attachment_removed", _("Anlage entfernt")
    NOTE = "note", _("Vermerk")


EVENT_ACTION_CHOICES = [*Action.choices, *EventAction.choices]


class ApplicationEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(internal=False)

    def timeline_for(self, user):
        """Events ``user`` may see: RP staff see internal events too, applicants do not."""
        qs = self.select_related("actor")
        if user is not None and user.is_authenticated and user.is_rp:
            return qs
        return qs.public()


class ApplicationEvent(models.Model):
    """Who did what, when, from which status to which, and why. The applicant's status
    timeline and the audit trail are this one table."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("Antrag")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    action = models.CharField(_("Vorgang"), max_length=32, choices=EVENT_ACTION_CHOICES)
    from_status = models.CharField(_("vorher"), max_length=32, choices=Status.choices, blank=True)
    to_status = models.CharField(_("nachher"), max_length=32, choices=Status.choices, blank=True)
    message = models.TextField(_("Nachricht"), blank=True)
    data = models.JSONField(_("Daten"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    internal = models.BooleanField(
        _("intern"), default=False, help_text=_("Nur für RP Darmstadt sichtbar.")
    )

    objects = ApplicationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vorgang")
        verbose_name_plural = _("Vorgänge")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.get_action_display()}"

    @property
    def is_transition(self) -> bool:
        return bool(self.to_status) and self.from_status != self.to_status


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
        choices=BundleSelection.choices,
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
        choices=BundleStatus.choices,
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
