"""Messages on an application (the Postfach): between the municipality's staff and RP
Darmstadt's case officers. A sent message is part of the record: it is never changed or
deleted (``Message.save``/``delete`` and the querysets refuse it; the admin is read-only).
Who read which message is kept per person (``MessageRead``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationPartner, PartnerStatus
from applications.workflow import Status
from core.validators import sanitize_filename

TEXT_MAX_LENGTH = 10_000
SUBJECT_MAX_LENGTH = 200


class MessageEvent(models.TextChoices):
    """``ApplicationEvent.action`` values of this app (registered in ``MessagingConfig.ready``);
    public events whose ``data`` names the message and its audience, never its text."""

    SENT = "message_sent", _("Nachricht gesendet")


class Audience(models.TextChoices):
    """Who on the municipalities' side may read a message (RP Darmstadt reads every one)."""

    ALL = "all", _("Alle beteiligten Kommunen")
    LEAD = "lead", _("Nur die antragstellende Kommune")


class Side(models.TextChoices):
    MUNICIPALITY = "municipality", _("Kommune")
    RP = "rp", _("Regierungspräsidium Darmstadt")


class ImmutableMessageError(ValidationError):
    def __init__(self):
        super().__init__(
            _("Gesendete Nachrichten können weder geändert noch gelöscht werden."),
            code="immutable",
        )


class ImmutableQuerySet(models.QuerySet):
    """Refuses ``update()`` and ``delete()``: rows of the record are written once."""

    def update(self, **kwargs):
        raise ImmutableMessageError()

    def delete(self):
        raise ImmutableMessageError()


class MessageQuerySet(ImmutableQuerySet):
    def visible_to(self, user, member_ids):
        """Messages ``user`` may read (``permissions.can_read_message`` as a filter): RP
        staff every message; municipal staff those on applications their municipalities
        lead, and on applications naming one of them as a (not declined) partner those meant
        for every municipality; nobody else any (the jury included)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_rp:
            return self.exclude(application__status=Status.DRAFT)
        if not (user.is_municipal_staff and member_ids):
            return self.none()
        as_partner = ApplicationPartner.objects.filter(
            application=OuterRef("application_id"), municipality_id__in=list(member_ids)
        ).exclude(status=PartnerStatus.DECLINED)
        return self.filter(
            Q(application__lead_municipality_id__in=list(member_ids))
            | Q(Exists(as_partner), audience=Audience.ALL)
        )


class Message(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="messages", verbose_name=_("Antrag")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Absender/in"),
    )
    side = models.CharField(_("Seite"), max_length=16, choices=Side)
    # The municipality the sender wrote for (the lead or a partner); empty for RP.
    sender_municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("für die Kommune"),
    )
    audience = models.CharField(
        _("Empfängerkreis"), max_length=8, choices=Audience, default=Audience.ALL
    )
    subject = models.CharField(_("Betreff"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    text = models.TextField(_("Nachricht"), max_length=TEXT_MAX_LENGTH)
    sent_at = models.DateTimeField(_("gesendet am"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["application", "sent_at"])]

    def __str__(self) -> str:
        return self.subject or str(_("Nachricht vom %(date)s")) % {
            "date": timezone.localtime(self.sent_at).strftime("%d.%m.%Y %H:%M")
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableMessageError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableMessageError()

    @property
    def for_lead_only(self) -> bool:
        return self.audience == Audience.LEAD

    @property
    def sender_label(self) -> str:
        """The sending side in words: "Regierungspräsidium Darmstadt" or the municipality."""
        if self.side == Side.RP:
            return str(Side.RP.label)
        return self.sender_municipality.name if self.sender_municipality else str(_("Kommune"))


def message_upload_to(instance: MessageAttachment, filename: str) -> str:
    """messages/<application id>/<uuid>_<sanitised name>, inside the private storage."""
    return (
        f"messages/{instance.message.application_id}/"
        f"{uuid.uuid4().hex}_{sanitize_filename(filename)}"
    )


class MessageAttachment(models.Model):
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Nachricht")
    )
    file = models.FileField(_("Datei"), upload_to=message_upload_to, max_length=300)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(_("Dateityp"), max_length=120)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("Anlage einer Nachricht")
        verbose_name_plural = _("Anlagen von Nachrichten")
        ordering = ["message", "id"]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableMessageError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableMessageError()


class MessageRead(models.Model):
    """``user`` has read ``message`` (first opened the thread with it at ``read_at``)."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reads", verbose_name=_("Nachricht")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Person"),
    )
    read_at = models.DateTimeField(_("gelesen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Lesebestätigung")
        verbose_name_plural = _("Lesebestätigungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "message"], name="message_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.message_id}"
