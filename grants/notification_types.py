"""The grants' notification types in the one catalogue (``notifications.catalogue``),
registered in ``GrantsConfig.ready``: the municipality hears of RP's decisions on its payment
requests, notices and change requests; the case officers hear of new ones. The reminders of
due dates are this app's own mails (``grants.reminders``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications import recipients as r
from notifications.catalogue import NotificationType, Occasion, Recipients

from .workflow import GrantAction as A


def _grant_link(occasion: Occasion, user) -> str:
    return reverse("grants:detail", args=[occasion.application.pk])


def _case_officers(occasion: Occasion) -> Recipients:
    return Recipients(users=r.case_officers())


TYPES = (
    NotificationType(
        kind="grant_filed",
        label=_("Mittelabruf, Mitteilung oder Änderungsantrag eingegangen"),
        audience=_("Sachbearbeitung RP Darmstadt"),
        recipients=_case_officers,
        link=_grant_link,
        events=(A.PAYMENT_REQUEST, A.NOTICE_FILE, A.CHANGE_REQUEST),
    ),
    NotificationType(
        kind="grant_decided",
        label=_("Entscheidung nach der Bewilligung"),
        audience=_("Kontaktperson und Beschäftigte der antragstellenden Kommune"),
        recipients=r.applicant,
        link=_grant_link,
        events=(
            A.PAYMENT_APPROVE,
            A.PAYMENT_REFUSE,
            A.PAYMENT_PAY,
            A.NOTICE_NOTE,
            A.NOTICE_LOWER,
            A.CHANGE_GRANT,
            A.CHANGE_REFUSE,
        ),
    ),  # fmt: skip
)
