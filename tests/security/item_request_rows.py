"""Rows of the authorisation matrix for the due date of a Nachforderung (issue 15: the case
officer extends it after it passed, or rejects). Its object is made on first use from the
test world: an application of the world's municipality (the world's secret title) with an open
Nachforderung. Only case officers may extend; an empty form comes back with its errors."""

from __future__ import annotations

from .matrix import CASE_OFFICER, OK, Entry, only


def asked_application(world):
    """An application of the world's municipality in a Nachforderung, made once per world."""
    cached = getattr(world, "_asked_application", None)
    if cached is not None:
        return cached
    import datetime as dt

    from django.utils import timezone

    from applications.workflow import Status
    from reviews import services
    from reviews.models import CHECKLIST, CheckOutcome
    from tests.factories import ApplicationFactory, FundingRoundFactory

    from .conftest import SECRET_TITLE

    case_officer = world.users[CASE_OFFICER]
    application = ApplicationFactory(
        round=FundingRoundFactory(),
        lead_municipality=world.municipality,
        complete=True,
        status=Status.SUBMITTED,
        title=SECRET_TITLE,
    )
    services.formal_check_start(application=application, user=case_officer)
    services.formal_check_record(
        application=application,
        user=case_officer,
        checklist=dict.fromkeys(CHECKLIST, True),
        outcome=CheckOutcome.ITEMS_REQUESTED,
        sections=["cost_plan"],
        message="Bitte ergänzen Sie den Kostenplan.",
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    world._asked_application = application
    return application


ITEM_REQUEST_ROWS: dict[str, Entry] = {
    "reviews:item_request_extend": Entry(
        get=only([CASE_OFFICER], OK),
        post=only([CASE_OFFICER], OK),
        kwargs=lambda w: {"pk": asked_application(w).pk},
    ),
}
