"""In-portal notifications (with read state) and each person's choice of how to hear of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import catalogue


class Delivery(models.TextChoices):
    """How a person hears of a notification type besides the portal."""

    IMMEDIATE = "immediate", _("Sofort per E-Mail")
    DIGEST = "digest", _("Einmal täglich als Zusammenfassung per E-Mail")
    PORTAL = "portal", _("Nur im Portal")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)


class Notification(models.Model):
    """One person told of one thing (``key``: the type and what it is about, unique per
    person, so a task that runs twice creates it once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("Person"),
    )
    kind = models.CharField(_("Art"), max_length=48)
    key = models.CharField(_("Schlüssel"), max_length=160)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Antrag"),
    )
    url = models.CharField(_("Adresse"), max_length=300)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    delivery = models.CharField(
        _("Zustellung"), max_length=16, choices=Delivery, default=Delivery.PORTAL
    )
    # Set once the e-mail (immediate or in a digest) has gone out.
    emailed_at = models.DateTimeField(_("per E-Mail am"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user"),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["user", "id"],
                condition=Q(delivery="digest", emailed_at__isnull=True),
                name="notification_digest_owed",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.key}"

    @property
    def label(self) -> str:
        return catalogue.label(self.kind)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A person's choice for one notification type (no row: immediate e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("Person"),
    )
    kind = models.CharField(_("Art"), max_length=48)
    delivery = models.CharField(_("Zustellung"), max_length=16, choices=Delivery)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.kind}: {self.delivery}"
