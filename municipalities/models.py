from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _


class MunicipalityKind(models.TextChoices):
    KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")
    STADT = "stadt", _("Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde")
    GEMEINDEFREI = "gemeindefrei", _("Gemeindefreies Gebiet")
    # A Kreis (GV100AD record of kind 40, Textkennzeichen 43 Kreis, 44 Landkreis, 45
    # Regionalverband) kept as an applicant organisation: AGS = Kreis key + "000".
    LANDKREIS = "landkreis", _("Landkreis")


# The kinds that are a Gemeinde in law (a Stadt is one; a kreisfreie Stadt is both a Gemeinde
# and, like a Landkreis, at the level of the Kreise).
GEMEINDE_KINDS = (
    MunicipalityKind.GEMEINDE,
    MunicipalityKind.STADT,
    MunicipalityKind.KREISFREIE_STADT,
)
KREIS_LEVEL_KINDS = (MunicipalityKind.LANDKREIS, MunicipalityKind.KREISFREIE_STADT)


class SizeBand(models.TextChoices):
    """Population bands used to browse the register (the WIR call's 10,000 / 50,000 lines)."""

    UNINHABITED = "0", _("unbewohnt")
    BELOW_10K = "lt10k", _("unter 10.000")
    FROM_10K_TO_50K = "10k-50k", _("10.000 bis 50.000")
    ABOVE_50K = "gt50k", _("über 50.000")

    @classmethod
    def q(cls, band: str) -> Q:
        return {
            cls.UNINHABITED: Q(population=0),
            cls.BELOW_10K: Q(population__gt=0, population__lt=10_000),
            cls.FROM_10K_TO_50K: Q(population__gte=10_000, population__lte=50_000),
            cls.ABOVE_50K: Q(population__gt=50_000),
        }[cls(band)]


# German alphabetical order (PostgreSQL's ICU collation): "Büdingen" before "Butzbach", "Ölbach"
# among the "O"s. The database's own collation (C) would put umlauts after "z".
GERMAN_COLLATION = "de-x-icu"


def german_order(field: str = "name") -> Collate:
    return Collate(field, GERMAN_COLLATION)


class MunicipalityQuerySet(models.QuerySet):
    def alphabetical(self):
        return self.order_by(german_order(), "ags")

    def active(self):
        return self.filter(is_active=True)

    def in_size_band(self, band: str):
        return self.filter(SizeBand.q(band))

    def in_regierungsbezirk(self, name: str):
        return self.filter(regierungsbezirk=name)

    def in_kreis(self, kreis_key: str):
        """``kreis_key`` is the Kreis part of the AGS (Land, Regierungsbezirk, Kreis: 5 digits)."""
        return self.filter(ags__startswith=kreis_key)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(ags__startswith=text)
        return self.filter(name__icontains=text)


class Municipality(models.Model):
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel (AGS)"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("Der AGS besteht aus genau 8 Ziffern."))],
    )
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=32, choices=MunicipalityKind)
    kreis = models.CharField(_("Kreis"), max_length=200)
    regierungsbezirk = models.CharField(_("Regierungsbezirk"), max_length=200)
    population = models.PositiveIntegerField(_("Einwohnerzahl"))
    population_date = models.DateField(_("Stichtag der Einwohnerzahl"))
    territory_date = models.DateField(
        _("Gebietsstand"),
        null=True,
        blank=True,
        help_text=_("Gebietsstand des Gemeindeverzeichnisses, aus dem der Datensatz stammt."),
    )
    area_ha = models.PositiveIntegerField(_("Fläche in ha"), null=True, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = [german_order().asc(), "ags"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ags__regex=r"^\d{8}$"), name="municipality_ags_8_digits"
            ),
        ]
        indexes = [models.Index(fields=["regierungsbezirk", "kreis"])]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.ags})"

    @property
    def display_name(self) -> str:
        """The name as a list shows it: a Landkreis says what it is ("Landkreis Kassel", not to
        be mistaken for the city), unless its name says so already ("Hochtaunuskreis")."""
        if self.kind == MunicipalityKind.LANDKREIS and not self.name.lower().endswith("kreis"):
            return f"Landkreis {self.name}"
        return self.name

    @property
    def is_landkreis(self) -> bool:
        return self.kind == MunicipalityKind.LANDKREIS

    @property
    def area_km2(self):
        return None if self.area_ha is None else self.area_ha / 100


class Membership(models.Model):
    """Links a member of municipal staff to a municipality they may act for."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Person"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("Kommune"),
    )
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality}"
