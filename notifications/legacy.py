"""The four mail tasks this app replaced (``applications.notify_partner_added``,
``applications.notify_resubmission``, ``reviews.send_item_request_mail``,
``reviews.send_conflict_mail``). Outbox rows owed under their names at the deploy would
otherwise fail for ever; their aliases (``notifications.tasks``) find the event row that
caused the old task and deliver it through the catalogue like any other. Nothing was sent for
such a row before (its task never ran), and the delivery is idempotent (keyed by the event), so
a row is neither lost nor sent twice. Remove after one release."""

from __future__ import annotations

from applications.models import ApplicationEvent, ApplicationPartner, EventAction
from applications.workflow import Action
from reviews.models import FormalCheck, ReviewEvent

from .services import deliver_event

LEGACY_TASKS = (
    "applications.notify_partner_added",
    "applications.notify_resubmission",
    "reviews.send_item_request_mail",
    "reviews.send_conflict_mail",
)


def _deliver(event: ApplicationEvent | None) -> int:
    return 0 if event is None else deliver_event(event.pk)


def partner_added(partner_id: int) -> int:
    partner = ApplicationPartner.objects.filter(pk=partner_id).first()
    if partner is None:
        return 0
    return _deliver(
        ApplicationEvent.objects.filter(
            application_id=partner.application_id,
            action=EventAction.PARTNER_ADDED,
            data__municipality=partner.municipality_id,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def resubmission(event_id: int) -> int:
    return deliver_event(event_id)


def item_request(formal_check_id: int) -> int:
    check = FormalCheck.objects.filter(pk=formal_check_id).first()
    if check is None:
        return 0
    return _deliver(
        ApplicationEvent.objects.filter(
            application_id=check.application_id,
            action=Action.REQUEST_ITEMS,
            # written in the same transaction, just after the check's moment was taken
            created_at__gte=check.checked_at,
        )
        .order_by("created_at", "pk")
        .first()
    )


def conflict(assignment_id: int) -> int:
    return _deliver(
        ApplicationEvent.objects.filter(
            action=ReviewEvent.CONFLICT, data__assignment_id=assignment_id
        )
        .order_by("-created_at", "-pk")
        .first()
    )
