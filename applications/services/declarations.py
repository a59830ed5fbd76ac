"""The declarations of an application: which of its round's declarations it confirms."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from applications.calls import round_declarations
from applications.models import Application, EventAction, Section
from applications.workflow import Status

from .base import (
    check_version,
    lock_application,
    record_event,
    require_editable,
    require_lead_staff,
    sync_instance,
    touch,
)


@transaction.atomic
def application_update_declarations(
    *, application: Application, user, confirmed: Collection[str], expected_version: int
) -> Application:
    """Store which declarations of the round ``user`` confirms (their keys; keys not of the
    round are ignored). A draft may leave any unconfirmed; submission checks the required."""
    app = lock_application(application)
    require_lead_staff(user, app)
    require_editable(app, Section.DECLARATIONS)
    check_version(app, expected_version)
    keys = {d.key for d in round_declarations(app.round)}
    new = dict.fromkeys(sorted(keys & set(confirmed)), True)
    changed = new != (app.declarations or {})
    app.declarations = new
    touch(app, ["declarations"])
    if app.status != Status.DRAFT and changed:
        record_event(
            app,
            user,
            EventAction.SECTION_UPDATED,
            data={"section": str(Section.DECLARATIONS), "fields": ["declarations"]},
        )
    sync_instance(application, app)
    return app
