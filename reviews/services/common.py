"""What the review services share: internal events, the manager check, tasks owed through the
outbox, the municipalities behind an application (those of its reviewers:
``municipalities.selectors.municipality_ids_by_member``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    PartnerStatus,
)
from applications.services.base import record_event
from core.outbox import outbox_enqueue
from reviews import permissions


def internal_event(
    application: Application | int,
    actor,
    action: str,
    *,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> ApplicationEvent:
    """An internal event (RP only) on the application's timeline."""
    return record_event(
        application, actor, action, message=message, data=data, internal=True, now=now
    )


def require_manager(user) -> None:
    if not permissions.can_manage(user):
        raise PermissionDenied(_("Diesen Schritt kann nur die Sachbearbeitung ausführen."))


def enqueue_task(task_name: str, object_id: int) -> None:
    """Owe ``reviews.<task_name>(object_id)`` in this transaction (the outbox) and enqueue it
    once the transaction has committed; a queue outage delays it, never loses it."""
    outbox_enqueue(f"reviews.{task_name}", object_id)


def application_municipality_ids(application: Application) -> set[int]:
    """The lead municipality and every partner that has not declined."""
    ids = {application.lead_municipality_id}
    ids.update(
        ApplicationPartner.objects.filter(application=application)
        .exclude(status=PartnerStatus.DECLINED)
        .values_list("municipality_id", flat=True)
    )
    return ids
