"""What every application service shares: the row lock, the event row, saving with a version
bump, copying fresh values onto the caller's instance, the common guards and errors.
``reviews.services`` uses the same helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import permissions, workflow
from applications.events import event_listeners, event_types
from applications.models import Application, ApplicationEvent, Section
from applications.workflow import Status
from municipalities.selectors import member_municipality_ids

if TYPE_CHECKING:  # the lazy string type exists only in django-stubs
    from django.utils.functional import _StrPromise as StrPromise

STALE_MESSAGE = gettext_lazy(
    "Dieser Antrag wurde inzwischen an anderer Stelle geändert (zum Beispiel von einer "
    "Kollegin oder einem Kollegen oder in einem anderen Browserfenster). Bitte laden Sie die "
    "Seite neu, prüfen Sie die aktuellen Angaben und speichern Sie Ihre Änderungen erneut."
)


class StaleEditError(ValidationError):
    """The application changed since the form was loaded (optimistic concurrency)."""

    def __init__(self, message: str | StrPromise = STALE_MESSAGE):
        super().__init__(message, code="stale")


class ApplicationFrozenError(ValidationError):
    """The content may not change in the application's status (or outside the sections a
    Nachforderung reopened)."""

    def __init__(self, message: str):
        super().__init__(message, code="frozen")


# Helpers ----------------------------------------------------------------------------------------
def application_field(name: str) -> models.Field:
    """A concrete field of ``Application`` by name (a programming error for anything else)."""
    field = Application._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{name!r} is not a field of Application")
    return field


def pk_of(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def lock_application(application: Application | int) -> Application:
    """The application row, locked until the end of the transaction (only this row)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "lead_municipality")
        .get(pk=pk_of(application))
    )


def sync_instance(target: Application | None, source: Application) -> None:
    """Copy field values of the fresh instance onto the caller's instance."""
    if target is None or target is source or isinstance(target, int):
        return
    for f in Application._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def record_event(
    application: Application | int,
    actor,
    action: str,
    *,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    internal: bool = False,
    now: dt.datetime | None = None,
) -> ApplicationEvent:
    """The one way an event row is written: who did what to which application, when, from
    which status to which; ``internal`` events are shown to RP staff only. ``action`` is a
    value of the event vocabulary (``applications.events``)."""
    event = event_row(
        application,
        actor,
        action,
        message=message,
        data=data,
        from_status=from_status,
        to_status=to_status,
        internal=internal,
        now=now,
    )
    event.save(force_insert=True)
    event_listeners.dispatch([event])
    return event


def event_row(
    application: Application | int,
    actor,
    action: str,
    *,
    message: str = "",
    data: Mapping[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    internal: bool = False,
    now: dt.datetime | None = None,
) -> ApplicationEvent:
    """The unsaved row ``record_event`` writes; only for writers that save many rows at once
    with ``bulk_create`` (they hand the saved rows to ``event_listeners.dispatch``). Refuses
    a value that is not in the event vocabulary."""
    if action not in event_types:
        raise ValueError(f"Unknown event type {action!r}: register it in applications.events.")
    return ApplicationEvent(
        application_id=pk_of(application),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        message=message,
        data=dict(data or {}),
        from_status=from_status,
        to_status=to_status,
        internal=internal,
        created_at=now_or(now),
    )


def touch(
    application: Application,
    fields: Sequence[str],
    now: dt.datetime | None = None,
    *,
    bump: bool = True,
) -> None:
    """Save ``fields`` and ``updated_at``; bump the version for changes of content (sections,
    cost plan) and status. Partner answers and attachments do not bump it: they cannot
    overwrite what someone types in a form, so they must not make that form stale."""
    if bump:
        application.version += 1
    application.updated_at = now_or(now)
    extra = ["version", "updated_at"] if bump else ["updated_at"]
    application.save(update_fields=[*dict.fromkeys(fields), *extra])


def require_lead_staff(user, application: Application) -> None:
    if not (
        user is not None
        and user.is_authenticated
        and user.is_municipal_staff
        and permissions.is_lead_staff(user, application, member_ids=member_municipality_ids(user))
    ):
        raise PermissionDenied(
            _(
                "Sie können nur Anträge einer Kommune bearbeiten, für die Sie im Portal "
                "freigeschaltet sind."
            )
        )


def section_names(sections) -> str:
    return ", ".join(str(Section(s).label) for s in sections)


def require_editable(application: Application, section: str) -> None:
    """Raise ApplicationFrozenError unless ``section`` may change in the current status."""
    if application.status == Status.DRAFT:
        return
    if application.status == Status.MISSING_ITEMS:
        request = application.open_item_request()
        if request and section in request.sections:
            return
        allowed = section_names(request.sections) if request else ""
        raise ApplicationFrozenError(
            _(
                "Im Rahmen der Nachforderung können nur die angeforderten Abschnitte geändert "
                "werden (%(allowed)s). Der Abschnitt „%(section)s“ gehört nicht dazu."
            )
            % {"allowed": allowed, "section": Section(section).label}
        )
    raise ApplicationFrozenError(
        _(
            "Der Antrag hat den Status „%(status)s“; "
            "seine Angaben können nicht mehr geändert werden."
        )
        % {"status": workflow.status_label(application.status)}
    )


def check_version(application: Application, expected_version: int) -> None:
    if int(expected_version) != application.version:
        raise StaleEditError()
