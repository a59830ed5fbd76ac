"""Shared models without a domain: the outbox of work owed to the task queue, and the marks
of e-mails sent once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessageQuerySet(models.QuerySet):
    def owed(self):
        """Messages whose task has not yet finished successfully."""
        return self.filter(done_at__isnull=True)


class OutboxMessage(models.Model):
    """A Celery task the portal owes (a receipt, a decision letter, an e-mail), written in the
    same transaction as the change that owes it. Sent after the commit; sent again by the
    periodic ``core.outbox_flush`` until the task has run successfully (``done_at``)."""

    task_name = models.CharField(_("Aufgabe"), max_length=200)
    args = models.JSONField(_("Argumente"), default=list, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("Sendeversuche"), default=0)
    last_attempt_at = models.DateTimeField(_("letzter Sendeversuch"), null=True, blank=True)
    sent_at = models.DateTimeField(_("an die Warteschlange übergeben am"), null=True, blank=True)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    last_error = models.TextField(_("letzter Fehler"), blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("ausstehende Hintergrundaufgabe")
        verbose_name_plural = _("ausstehende Hintergrundaufgaben")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_owed_idx",
                condition=models.Q(done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


class SentMail(models.Model):
    """An e-mail that was sent, by a key that names what it is about
    (``"reviews.decision:42"``). ``core.mail.mail_once`` locks this row in the transaction
    that sends the mail, so a task that runs twice, or twice at once, sends it once."""

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("gesendete E-Mail")
        verbose_name_plural = _("gesendete E-Mails")

    def __str__(self) -> str:
        return self.key
