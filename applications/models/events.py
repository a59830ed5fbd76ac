"""The event trail: who did what, when, from which status to which, and why."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.events import event_choices, event_types
from applications.workflow import Status

from .application import Application


# Events ---------------------------------------------------------------------------------------
class EventAction(models.TextChoices):
    """Events of this app that are not workflow transitions (those use ``workflow.Action``
    values). Both are registered in ``applications.events`` by ``ApplicationsConfig.ready``."""

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
    ITEM_REQUEST_EXTENDED = "item_request_extended", _("Frist der Nachforderung verlängert")


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
    # Every registered event type (see applications.events), reviews' included.
    action = models.CharField(_("Vorgang"), max_length=32, choices=event_choices)
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
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.label}"

    @property
    def label(self) -> str:
        """What happened, in words: the label of the event type from the vocabulary."""
        return event_types.label(self.action)

    @property
    def is_transition(self) -> bool:
        return bool(self.to_status) and self.from_status != self.to_status
