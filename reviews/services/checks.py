"""The formal check (formale Prüfung) and internal notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import (
    Application,
    ApplicationEvent,
    EventAction,
    ItemRequest,
)
from applications.services.base import lock_application, now_or, sync_instance
from applications.workflow import Action, Status
from reviews import permissions
from reviews.models import CHECKLIST, CheckOutcome, FormalCheck, ReviewEvent

from .common import internal_event, require_manager


# Formal check -----------------------------------------------------------------------------------
def formal_check_start(*, application: Application, user) -> Application:
    """Begin the formal check (Eingereicht -> In Prüfung)."""
    return application_services.application_transition(
        application=application, action=Action.START_CHECK, actor=user
    )


@transaction.atomic
def formal_check_record(
    *,
    application: Application,
    user,
    checklist: Mapping[str, bool],
    notes: str = "",
    outcome: str,
    sections: Sequence[str] = (),
    message: str = "",
    due_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> FormalCheck:
    """Record the checklist and its result: passed (In Prüfung -> In Bewertung) or a
    Nachforderung with message, sections and due date (the applicant is told by e-mail after
    the commit). The notes stay internal; the Nachforderung's message goes to the applicant."""
    require_manager(user)
    unknown = set(checklist) - set(CHECKLIST)
    if unknown:
        raise ValueError(f"Unknown checklist items: {sorted(unknown)}")
    try:
        outcome = CheckOutcome(outcome)
    except ValueError:
        raise ValidationError(
            {"outcome": [_("Bitte wählen Sie das Ergebnis der formalen Prüfung.")]}
        ) from None
    now = now_or(now)
    app = lock_application(application)
    items = {name: bool(checklist.get(name)) for name in CHECKLIST}
    notes = (notes or "").strip()
    if outcome == CheckOutcome.PASSED:
        missing = [str(CHECKLIST[name]) for name, ok in items.items() if not ok]
        if missing:
            raise ValidationError(
                {
                    "outcome": [
                        _(
                            "Die formale Prüfung ist nur bestanden, wenn alle Punkte erfüllt "
                            "sind. Nicht bestätigt: %(missing)s. Fordern Sie fehlende Angaben "
                            "nach oder lehnen Sie den Antrag ab."
                        )
                        % {"missing": ", ".join(missing)}
                    ]
                }
            )
        application_services.application_transition(
            application=app, action=Action.PASS_CHECK, actor=user, now=now
        )
        item_request = None
    else:
        application_services.application_request_items(
            application=app,
            user=user,
            sections=list(sections),
            message=message,
            due_date=due_date,
        )
        item_request = ItemRequest.objects.get(application=app, resolved_at__isnull=True)
    check = FormalCheck.objects.create(
        application=app,
        **items,
        notes=notes,
        outcome=outcome,
        item_request=item_request,
        checked_by=user,
        checked_at=now,
    )
    internal_event(
        app,
        user,
        ReviewEvent.FORMAL_CHECK,
        message=notes,
        data={"outcome": str(outcome), "checklist": items, "formal_check_id": check.pk},
        now=now,
    )
    sync_instance(application, app)
    return check


# Internal notes ---------------------------------------------------------------------------------
@transaction.atomic
def note_add(*, application: Application, user, text: str) -> ApplicationEvent:
    """An internal note (Vermerk) on the application; applicants never see it."""
    if not permissions.can_add_note(user):
        raise PermissionDenied(_("Vermerke können nur Beschäftigte des RP Darmstadt anlegen."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Bitte geben Sie den Text des Vermerks ein.")]})
    app = lock_application(application)
    if app.status == Status.DRAFT:
        raise PermissionDenied("Zu einem Entwurf gibt es keine Vermerke.")
    return internal_event(app, user, EventAction.NOTE, message=text)
