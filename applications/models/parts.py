"""Round participation (one application per municipality per round) and attachments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import sanitize_filename

from .application import Application
from .choices import AttachmentKind, ParticipationRole
from .rounds import FundingRound


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


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """applications/<application id>/<uuid>_<sanitised name>, inside the private MEDIA_ROOT."""
    return (
        f"applications/{instance.application_id}/{uuid.uuid4().hex}_{sanitize_filename(filename)}"
    )


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Antrag")
    )
    # The key of one of the round's ``RoundAttachmentKind`` rows, and its label when uploaded
    # (shown on every page and PDF without a look-up; a file stays what it was uploaded as).
    kind = models.CharField(_("Art der Anlage"), max_length=32)
    kind_label = models.CharField(_("Bezeichnung der Art"), max_length=200, blank=True)
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

    def get_kind_display(self) -> str:
        if self.kind_label:
            return self.kind_label
        if self.kind in AttachmentKind.values:
            return str(AttachmentKind(self.kind).label)
        return self.kind
