"""The application itself with its partners, cost lines and item requests (Nachforderungen)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.financing import ApprovedPlan, FinancingAdjustment
from applications.workflow import BUNDLEABLE_STATUSES, EDITABLE_STATUSES, Status
from core.text import TextLengthValidator
from core.validators import validate_iban, validate_phone
from municipalities.selectors import member_municipality_ids

from .choices import ANSWER_MAX_LENGTH, MONEY, SUMMARY_MAX_LENGTH, ZERO, PartnerStatus, Section
from .rounds import CostCategory, FundingRound


# Applications ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Visibility:
    """The one rule of who sees which application, behind the queryset ``visible_to`` and the
    predicate ``permissions.can_view``: RP staff (case officers, admins) every application but
    drafts; municipal staff those their municipalities lead or are named in as a partner that
    has not declined; nobody else any (reviewers see theirs through assignments, in reviews).
    """

    submitted: bool  # every application but drafts
    municipality_ids: frozenset[int]  # those these municipalities lead or are partners of

    @classmethod
    def of(cls, user, member_ids: Collection[int]) -> Visibility:
        """``member_ids``: the municipalities ``user`` is a member of."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(submitted=False, municipality_ids=frozenset())
        return cls(
            submitted=user.is_rp,
            municipality_ids=frozenset(member_ids) if user.is_municipal_staff else frozenset(),
        )

    @classmethod
    def for_user(cls, user) -> Visibility:
        """The rule for ``user``, reading the memberships only where they count."""
        needs_ids = (
            user is not None
            and user.is_authenticated
            and user.is_active
            and user.is_municipal_staff
        )
        return cls.of(user, member_municipality_ids(user) if needs_ids else frozenset())

    @property
    def nothing(self) -> bool:
        return not self.submitted and not self.municipality_ids

    def allows(self, application: Application, partner_ids: Collection[int]) -> bool:
        """``partner_ids``: the application's partner municipalities that have not declined."""
        if self.submitted and application.status != Status.DRAFT:
            return True
        return application.lead_municipality_id in self.municipality_ids or not (
            self.municipality_ids.isdisjoint(partner_ids)
        )

    def condition(self) -> Q:
        """The same rule as a filter on applications."""
        condition = Q(pk__in=[])
        if self.submitted:
            condition |= ~Q(status=Status.DRAFT)
        if self.municipality_ids:
            as_partner = ApplicationPartner.objects.filter(
                application=OuterRef("pk"), municipality_id__in=self.municipality_ids
            ).exclude(status=PartnerStatus.DECLINED)
            condition |= Q(lead_municipality_id__in=self.municipality_ids) | Q(Exists(as_partner))
        return condition


class StoredSearchVectorField(SearchVectorField):
    """The stored search vector, written only by ``applications.search`` (one UPDATE that
    computes it in the database). Saving a model instance never writes it: the UPDATE of
    ``save()`` keeps the column as it is (``SET search_vector = search_vector``), so an
    instance loaded or created before a refresh cannot put an old vector (or none) back."""

    def pre_save(self, model_instance, add):
        if add:
            return super().pre_save(model_instance, add)
        return F(self.attname)

    def deconstruct(self):
        # Migrations see a plain SearchVectorField (the rule above is about saving only).
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.contrib.postgres.search.SearchVectorField", args, kwargs


def _long_text(label, limit: int = ANSWER_MAX_LENGTH) -> models.TextField:
    return models.TextField(
        label, blank=True, max_length=limit, validators=[TextLengthValidator(limit)]
    )


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may see (``Visibility``): lead staff their municipalities'
        applications, partner staff applications naming their municipality as (not declined)
        partner, RP everything but drafts, reviewers nothing yet (assignments come with the
        reviews app)."""
        rule = Visibility.for_user(user)
        if rule.nothing:
            return self.none()
        return self.filter(rule.condition())

    def editable_by(self, user):
        """Applications whose content ``user`` may change now (lead staff; draft, or a
        Nachforderung for the sections it reopens)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.is_municipal_staff:
            return self.none()
        return self.filter(
            lead_municipality_id__in=member_municipality_ids(user), status__in=EDITABLE_STATUSES
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
        """Lodged and not withdrawn (``workflow.BUNDLEABLE_STATUSES``)."""
        return self.filter(status__in=BUNDLEABLE_STATUSES)


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

    # The answers to the round's question set (questionnaires), keyed by question key, in the
    # version of the set they were given under. A JSON column rather than a row per answer:
    # every reader (form, check page, PDFs, exports, search) wants all answers of an
    # application at once, which is one column read instead of a join per question; the
    # keys stay stable across versions of a set; text is stored exactly as typed; and the
    # one validation (``questionnaires.answers.clean_answer``) runs in the services, whose
    # writes are the only ones.
    question_set = models.ForeignKey(
        "questionnaires.QuestionSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("Fragenkatalog (Fassung)"),
    )
    answers = models.JSONField(_("Antworten"), default=dict, blank=True, encoder=DjangoJSONEncoder)

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
    # The content questions (Ausgangslage, Ziele, …) are the round's question set: ``answers``.

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

    # 5. Declarations: the keys of the round's declarations (``RoundDeclaration``) confirmed,
    # ``{key: true}``.
    declarations = models.JSONField(
        _("Bestätigte Erklärungen"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    # Title, reference and the municipalities' names for the RP overview's search, kept
    # current by applications/search.py (the one place that writes it; see there).
    search_vector = StoredSearchVectorField(_("Suchindex"), null=True, editable=False)

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
        indexes = [
            # With the lead municipality and the id: the RP overview counts a round's
            # applications per status and the lead's Regierungsbezirk and Kreis, and sorts
            # them by score (``reviews.selectors.round_facets``, ``round_application_ids``),
            # by index-only scans instead of reading every row with its long texts.
            models.Index(
                fields=["round", "status", "lead_municipality"],
                include=["id"],
                name="application_round_status",
            ),
            # Without GIN's pending list (fastupdate): writes are few (a title saved, a
            # submission), and a search then never scans a list of entries not yet merged.
            GinIndex(fields=["search_vector"], name="application_search_vector", fastupdate=False),
        ]

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
