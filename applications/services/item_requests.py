"""The Nachforderung after it was asked for: the case officer gives it a later due date.
(Asking is ``transitions.application_request_items``, answering ``application_resubmit``,
rejecting instead of waiting ``application_reject``: all three are workflow transitions.)"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications import permissions
from applications.models import Application, EventAction, ItemRequest
from core.formatting import de_date

from .base import lock_application, now_or, record_event, sync_instance, touch


@transaction.atomic
def item_request_extend(
    *,
    application: Application,
    user,
    due_date: dt.date | None,
    now: dt.datetime | None = None,
) -> ItemRequest:
    """Move the due date of the application's open Nachforderung to ``due_date`` (after today
    and after the current due date). Records a public event (the municipality sees it on the
    timeline); the municipality is notified after the commit (``notifications``: the event's
    listener), and the reminders start again for the new due date."""
    now = now_or(now)
    app = lock_application(application)
    request = (
        ItemRequest.objects.select_for_update()
        .filter(application=app, resolved_at__isnull=True)
        .first()
    )
    if not (user is not None and user.is_authenticated and user.is_active and user.is_case_officer):
        raise PermissionDenied(_("Diesen Schritt kann nur die Sachbearbeitung ausführen."))
    if not permissions.can_extend_item_request(user, app, open_request=request):
        raise ValidationError(
            _("Zu diesem Antrag gibt es keine offene Nachforderung, deren Frist sich verlängern "
              "ließe."),
            code="state",
        )  # fmt: skip
    assert request is not None  # for the type checker: the predicate asked
    today = timezone.localdate(now)
    if due_date is None:
        raise ValidationError({"due_date": [_("Bitte geben Sie die neue Frist an.")]})
    if due_date <= today:
        raise ValidationError(
            {"due_date": [_("Die neue Frist muss nach dem heutigen Tag liegen.")]}
        )
    previous = request.due_date
    if previous is not None and due_date <= previous:
        raise ValidationError(
            {
                "due_date": [
                    _("Die neue Frist muss nach der bisherigen Frist (%(date)s) liegen.")
                    % {"date": de_date(previous)}
                ]
            }
        )
    request.due_date = due_date
    request.save(update_fields=["due_date"])
    # Not a change of content: the applicant's open forms stay valid (no version bump).
    touch(app, [], now, bump=False)
    with translation.override("de"):  # the record's language, whatever the officer's
        message = (
            _("Neue Frist: %(new)s (bisher: %(old)s)")
            % {"new": de_date(due_date), "old": de_date(previous)}
            if previous
            else _("Neue Frist: %(new)s") % {"new": de_date(due_date)}
        )
    record_event(
        app,
        user,
        EventAction.ITEM_REQUEST_EXTENDED,
        message=message,
        data={"item_request_id": request.pk, "previous_due_date": previous, "due_date": due_date},
        now=now,
    )
    sync_instance(application, app)
    return request
