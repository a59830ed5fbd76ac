"""The grant after the decision (one per granted application), the round's grant rules, and the
objects of its life: payment requests with their payment orders, notices under the
Mitteilungspflicht, change requests. Their states and who may change them: ``workflow.py``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_iban

from .workflow import ChangeState, GrantState, NoticeState, PaymentState

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


def default_reminder_days() -> list[int]:
    return [14, 1]


def _user(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class GrantRules(models.Model):
    """The figures of the ANBest-GK a round applies (one row per funding round; a round
    without a row uses the defaults, ``selectors.rules_for``)."""

    round = models.OneToOneField(
        "applications.FundingRound",
        on_delete=models.CASCADE,
        related_name="grant_rules",
        verbose_name=_("Förderrunde"),
    )
    notification_days = models.PositiveSmallIntegerField(
        _("Bekanntgabe nach (Tagen)"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_(
            "Der Bescheid gilt so viele Tage nach der Entscheidung als bekanntgegeben "
            "(elektronische Übermittlung, § 41 Abs. 2 HVwVfG: drei Tage)."
        ),
    )
    appeal_period_months = models.PositiveSmallIntegerField(
        _("Rechtsbehelfsfrist (Monate)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Nach Ablauf dieser Frist seit Bekanntgabe wird der Bescheid bestandskräftig."),
    )
    payment_window_months = models.PositiveSmallIntegerField(
        _("Verwendung abgerufener Mittel binnen (Monaten)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "Mittel dürfen nur abgerufen werden, soweit sie binnen dieser Frist nach der "
            "Auszahlung für fällige Zahlungen benötigt werden."
        ),
    )
    interim_report_months = models.PositiveSmallIntegerField(
        _("Zwischennachweis fällig nach Ende des Haushaltsjahres (Monate)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    final_report_months = models.PositiveSmallIntegerField(
        _("Verwendungsnachweis fällig nach Ende des Bewilligungszeitraums (Monate)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    reminder_days_before = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(365)]),
        verbose_name=_("Erinnerung vor einer Frist (Tage)"),
        default=default_reminder_days,
        blank=True,
        help_text=_("Kommagetrennt, zum Beispiel „14,1“: 14 Tage und 1 Tag vor der Frist."),
    )
    reminder_days_after = models.PositiveSmallIntegerField(
        _("Erinnerung nach Fristablauf (Tage)"),
        default=1,
        validators=[MaxValueValidator(365)],
        help_text=_("0: keine Erinnerung nach Ablauf der Frist."),
    )
    receipts_required = models.BooleanField(
        _("Belegliste zum Verwendungsnachweis erforderlich"),
        default=False,
        help_text=_(
            "Aus: einfacher Verwendungsnachweis ohne Belege. An: Belegliste mit Datum, "
            "Empfänger, Zweck und Betrag je Beleg."
        ),
    )

    class Meta:
        verbose_name = _("Zuwendungsregeln der Förderrunde")
        verbose_name_plural = _("Zuwendungsregeln der Förderrunden")

    def __str__(self) -> str:
        return str(self.round)


class GrantQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("application__round", "application__lead_municipality")


class Grant(models.Model):
    """The grant of one approved application: the amount granted now (a notice may lower it),
    when the decision was notified and became binding, and how far the term was extended."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="grant",
        verbose_name=_("Antrag"),
    )
    state = models.CharField(
        _("Status"),
        max_length=16,
        choices=GrantState.choices,
        default=GrantState.NOTIFIED,
        db_index=True,
    )
    granted_amount = models.DecimalField(
        _("Bewilligte Zuwendung (EUR)"), validators=[MinValueValidator(0)], **MONEY
    )
    decided_on = models.DateField(_("Entschieden am"))
    notified_on = models.DateField(_("Bekanntgegeben am"))
    accepted_at = models.DateTimeField(_("Angenommen am"), null=True, blank=True)
    accepted_by = _user(_("Angenommen von"))
    waived_at = models.DateTimeField(_("Rechtsbehelfsverzicht am"), null=True, blank=True)
    waived_by = _user(_("Rechtsbehelfsverzicht von"))
    binding_on = models.DateField(_("Bestandskräftig seit"), null=True, blank=True)
    extended_until = models.DateField(
        _("Bewilligungszeitraum verlängert bis"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zuwendung")
        verbose_name_plural = _("Zuwendungen")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=GrantState.values), name="grant_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(granted_amount__gte=0), name="grant_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[GrantState.BINDING, GrantState.CLOSED])
                | Q(binding_on__isnull=False),
                name="grant_binding_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.application.reference or self.application_id)

    @property
    def term_start(self):
        return self.application.start_date or self.decided_on

    @property
    def planned_end(self):
        return self.application.end_date


class PaymentRequest(models.Model):
    """A Mittelabruf: the amount, the payments it is needed for (``items``), the account."""

    grant = models.ForeignKey(
        Grant,
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("Zuwendung"),
    )
    number = models.PositiveSmallIntegerField(_("Nummer"))
    state = models.CharField(
        _("Status"), max_length=16, choices=PaymentState.choices, default=PaymentState.REQUESTED
    )
    amount = models.DecimalField(
        _("Abgerufener Betrag (EUR)"), validators=[MinValueValidator(0)], **MONEY
    )
    approved_amount = models.DecimalField(
        _("Freigegebener Betrag (EUR)"), null=True, blank=True, **MONEY
    )
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    account_holder = models.CharField(_("Kontoinhaber/in"), max_length=200)
    requested_at = models.DateTimeField(_("Abgerufen am"), default=timezone.now)
    requested_by = _user(_("Abgerufen von"))
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    decided_by = _user(_("Entschieden von"))
    decision_reason = models.TextField(_("Begründung"), blank=True)
    paid_on = models.DateField(_("Ausgezahlt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mittelabruf")
        verbose_name_plural = _("Mittelabrufe")
        ordering = ["grant", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="payment_number_per_grant"),
            models.CheckConstraint(
                condition=Q(state__in=PaymentState.values), name="payment_state_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | (Q(approved_amount__gt=0) & Q(approved_amount__lte=models.F("amount"))),
                name="payment_approved_within_requested",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[PaymentState.APPROVED, PaymentState.PAID])
                | Q(approved_amount__isnull=False),
                name="payment_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(state=PaymentState.PAID) | Q(paid_on__isnull=False),
                name="payment_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return _("Mittelabruf Nr. %(number)s") % {"number": self.number}

    @property
    def counted_amount(self) -> Decimal:
        """What the request takes from the granted amount: the approved amount once there."""
        return self.approved_amount if self.approved_amount is not None else self.amount


class PaymentItem(models.Model):
    """One payment the requested money is needed for, with its due date (the two-month rule)."""

    request = models.ForeignKey(
        PaymentRequest,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("Mittelabruf"),
    )
    description = models.CharField(_("Zahlung für"), max_length=300)
    due_on = models.DateField(_("Fällig am"))
    amount = models.DecimalField(_("Betrag (EUR)"), validators=[MinValueValidator(0)], **MONEY)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Zahlung")
        verbose_name_plural = _("Zahlungen")
        ordering = ["request", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_item_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.description


class PaymentOrder(models.Model):
    """The Auszahlungsanordnung for the state's cash office of an approved payment request:
    the figures as ordered (a PDF each, and one CSV row per order of a day)."""

    request = models.OneToOneField(
        PaymentRequest,
        on_delete=models.PROTECT,
        related_name="order",
        verbose_name=_("Mittelabruf"),
    )
    number = models.CharField(_("Anordnungsnummer"), max_length=40, unique=True)
    ordered_on = models.DateField(_("Angeordnet am"), db_index=True)
    amount = models.DecimalField(_("Betrag (EUR)"), **MONEY)
    iban = models.CharField(_("IBAN"), max_length=34)
    account_holder = models.CharField(_("Kontoinhaber/in"), max_length=200)
    purpose = models.CharField(_("Verwendungszweck"), max_length=140)
    ordered_by = _user(_("Angeordnet von"))
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Auszahlungsanordnung")
        verbose_name_plural = _("Auszahlungsanordnungen")
        ordering = ["ordered_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_order_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class NoticeKind(models.TextChoices):
    PURPOSE_CHANGED = "purpose_changed", _("Der Verwendungszweck hat sich geändert")
    COST_FELL = "cost_fell", _("Die zuwendungsfähigen Gesamtkosten sind gesunken")
    THIRD_PARTY_FUNDS = "third_party_funds", _("Weitere Drittmittel sind hinzugekommen")
    NOT_USABLE = (
        "not_usable",
        _("Ausgezahlte Mittel können nicht binnen zwei Monaten verwendet werden"),
    )


class Notice(models.Model):
    """A Mitteilung under ANBest-GK: recorded; RP notes it or lowers the grant."""

    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="notices", verbose_name=_("Zuwendung")
    )
    kind = models.CharField(_("Anlass"), max_length=24, choices=NoticeKind)
    state = models.CharField(
        _("Status"), max_length=16, choices=NoticeState.choices, default=NoticeState.FILED
    )
    text = models.TextField(_("Erläuterung"), max_length=5000)
    amount = models.DecimalField(
        _("Betrag (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Je nach Anlass: die neuen Gesamtkosten, die weiteren Drittmittel oder der nicht "
            "verwendbare Betrag."
        ),
        **MONEY,
    )
    filed_at = models.DateTimeField(_("Eingegangen am"), default=timezone.now)
    filed_by = _user(_("Eingereicht von"))
    decided_at = models.DateTimeField(_("Bearbeitet am"), null=True, blank=True)
    decided_by = _user(_("Bearbeitet von"))
    decision_text = models.TextField(_("Vermerk"), blank=True)
    lowered_from = models.DecimalField(_("Zuwendung vorher (EUR)"), null=True, blank=True, **MONEY)
    lowered_to = models.DecimalField(_("Zuwendung nachher (EUR)"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("Mitteilung")
        verbose_name_plural = _("Mitteilungen")
        ordering = ["grant", "filed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=NoticeState.values), name="notice_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ChangeKind(models.TextChoices):
    TERM = "term", _("Verlängerung des Bewilligungszeitraums")
    CONTENT = "content", _("Inhaltliche Änderung des Vorhabens")


class ChangeRequest(models.Model):
    """An Änderungsantrag: a longer term (``new_end_date``) or a change of content."""

    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("Zuwendung")
    )
    kind = models.CharField(_("Art der Änderung"), max_length=16, choices=ChangeKind)
    state = models.CharField(
        _("Status"), max_length=16, choices=ChangeState.choices, default=ChangeState.REQUESTED
    )
    text = models.TextField(_("Begründung"), max_length=5000)
    new_end_date = models.DateField(
        _("Neues Ende des Bewilligungszeitraums"), null=True, blank=True
    )
    previous_end_date = models.DateField(_("Bisheriges Ende"), null=True, blank=True)
    requested_at = models.DateTimeField(_("Beantragt am"), default=timezone.now)
    requested_by = _user(_("Beantragt von"))
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    decided_by = _user(_("Entschieden von"))
    decision_reason = models.TextField(_("Begründung der Entscheidung"), blank=True)

    class Meta:
        verbose_name = _("Änderungsantrag")
        verbose_name_plural = _("Änderungsanträge")
        ordering = ["grant", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ChangeState.values), name="change_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="term") | Q(new_end_date__isnull=False),
                name="change_term_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())
