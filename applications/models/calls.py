"""What a call (Förderrunde) sets up by configuration, besides its figures: who may apply
(``EligibilityRule`` on ``FundingRound``), the declarations an applicant confirms and the kinds
of attachment it uploads. Admins edit them inline on the round; they are locked like the
round's rules once an application of the round was submitted."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class EligibilityRule(models.TextChoices):
    POPULATION_BAND = (
        "population_band",
        _("Städte und Gemeinden nach Einwohnerzahl (mit der Regel für gemeinsame Anträge)"),
    )
    ANY_MUNICIPALITY = "any_municipality", _("Jede Stadt und Gemeinde des Verzeichnisses")
    ALLOWED_LIST = "allowed_list", _("Nur die ausgewählten Kommunen")
    KREISE = "kreise", _("Landkreise und kreisfreie Städte")


def _unique_key(model, round_id, base: str, max_length: int) -> str:
    base = (slugify(base.replace("ß", "ss")) or "x")[: max_length - 4].strip("-") or "x"
    key, n = base, 1
    while model.objects.filter(round_id=round_id, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


class RoundDeclaration(models.Model):
    """A declaration the applicant confirms (Erklärung), in the order of ``position``."""

    round = models.ForeignKey(
        "applications.FundingRound",
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("Förderrunde"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    key = models.CharField(_("Schlüssel"), max_length=40, editable=False)
    text = models.TextField(
        _("Erklärung"), help_text=_("Der Satz, den die Kommune bestätigt, z. B. „Mit dem …“.")
    )
    hint = models.TextField(_("Hinweis"), blank=True)
    link_url = models.CharField(
        _("Link"),
        max_length=300,
        blank=True,
        help_text=_("Adresse einer Seite zur Erklärung, z. B. https://… oder /datenschutz/."),
    )
    link_text = models.CharField(_("Text des Links"), max_length=200, blank=True)
    required = models.BooleanField(
        _("Pflicht"),
        default=True,
        help_text=_("Ohne diese Bestätigung kann der Antrag nicht eingereicht werden."),
    )

    class Meta:
        verbose_name = _("Erklärung")
        verbose_name_plural = _("Erklärungen")
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="rounddeclaration_unique_key"),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = f"d-{uuid.uuid4().hex[:12]}"
        super().save(*args, **kwargs)


class RoundAttachmentKind(models.Model):
    """A kind of attachment the applicant may upload in a round; ``required`` ones must be
    there before submission, ``per_partner`` ones once per partner of a joint application (and
    not at all for a single one). ``key`` is stored on each ``Attachment``; it is set once."""

    round = models.ForeignKey(
        "applications.FundingRound",
        on_delete=models.CASCADE,
        related_name="attachment_kinds",
        verbose_name=_("Förderrunde"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    key = models.CharField(_("Schlüssel"), max_length=32, editable=False)
    label = models.CharField(_("Bezeichnung"), max_length=200)
    hint = models.TextField(_("Hinweis"), blank=True)
    required = models.BooleanField(_("Pflichtanlage"), default=False)
    per_partner = models.BooleanField(
        _("Je Partnerkommune"),
        default=False,
        help_text=_("Nur bei gemeinsamen Anträgen verlangt, dann eine je Partnerkommune."),
    )

    class Meta:
        verbose_name = _("Art der Anlage")
        verbose_name_plural = _("Arten der Anlagen")
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="roundattachmentkind_unique_key"),
            models.UniqueConstraint(
                fields=["round", "label"], name="roundattachmentkind_unique_label"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = _unique_key(RoundAttachmentKind, self.round_id, self.label, 32)
        super().save(*args, **kwargs)
