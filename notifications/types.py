"""The notification types of the portal up to the review (registered in
``NotificationsConfig.ready``); an app above this one registers its own the same way."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from applications.models import EventAction, Section
from applications.workflow import Action
from reviews.models import ReviewEvent

from . import recipients as r
from .catalogue import NotificationType, Occasion

# The event action of ``messaging`` (contract 1): recorded for every message sent.
MESSAGE_SENT = "message_sent"


def _date(value) -> dt.date | None:
    """A date from an event's data (stored as ISO text) or from the caller."""
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value[:10])
    return value or None


def _item_request_details(occasion: Occasion) -> dict:
    values = occasion.values
    return {
        "sections": [str(Section(s).label) for s in values.get("sections") or []],
        "due_date": _date(values.get("due_date")),
    }


def _reminder_details(occasion: Occasion) -> dict:
    return dict(occasion.data)


def _is_conflict(event) -> bool:
    return event.action == ReviewEvent.CONFLICT


TYPES = (
    NotificationType(
        kind="message",
        label=_("Neue Nachricht im Postfach"),
        audience=_("Wer die Nachricht lesen darf, außer der absendenden Person"),
        recipients=r.message_readers,
        link=r.application_link,
        events=(MESSAGE_SENT,),
    ),
    NotificationType(
        kind="receipt",
        label=_("Eingangsbestätigung"),
        audience=_(
            "Kontaktperson, Beschäftigte der antragstellenden Kommune und der Partnerkommunen"
        ),
        recipients=r.applicant_and_partners,
        link=r.application_link,
        legally_relevant=True,
        template="applications/email/receipt",
        skip_actor=False,
    ),
    NotificationType(
        kind="partner_invited",
        label=_("Einladung als Partnerkommune"),
        audience=_("Beschäftigte der eingeladenen Partnerkommune"),
        recipients=r.invited_partner,
        link=r.partner_link,
        events=(EventAction.PARTNER_ADDED,),
    ),
    NotificationType(
        kind="partner_confirmed",
        label=_("Partnerschaft bestätigt"),
        audience=_("Beschäftigte der antragstellenden Kommune"),
        recipients=r.lead_staff,
        link=r.application_link,
        events=(EventAction.PARTNER_CONFIRMED,),
    ),
    NotificationType(
        kind="partner_declined",
        label=_("Partnerschaft abgelehnt"),
        audience=_("Beschäftigte der antragstellenden Kommune"),
        recipients=r.lead_staff,
        link=r.application_link,
        events=(EventAction.PARTNER_DECLINED,),
    ),
    NotificationType(
        kind="item_request",
        record_mail=True,
        label=_("Nachforderung von Unterlagen"),
        audience=_("Kontaktperson und Beschäftigte der antragstellenden Kommune"),
        recipients=r.applicant,
        link=r.application_link,
        events=(Action.REQUEST_ITEMS,),
        details=_item_request_details,
    ),
    NotificationType(
        kind="item_request_answered",
        label=_("Antwort auf eine Nachforderung"),
        audience=_("Die Sachbearbeitung, die nachgefordert hat (sonst jede Sachbearbeitung)"),
        recipients=r.item_request_askers,
        link=r.answers_link,
        events=(Action.RESUBMIT,),
    ),
    NotificationType(
        kind="item_request_extended",
        label=_("Frist einer Nachforderung verlängert"),
        audience=_("Kontaktperson und Beschäftigte der antragstellenden Kommune"),
        recipients=r.applicant,
        link=r.application_link,
        events=(EventAction.ITEM_REQUEST_EXTENDED,),
        details=_item_request_details,
    ),
    NotificationType(
        kind="review_assigned",
        label=_("Antrag zur Bewertung zugewiesen"),
        audience=_("Die zugewiesene Gutachterin oder der zugewiesene Gutachter"),
        recipients=r.reviewer,
        link=r.application_link,
        events=(ReviewEvent.ASSIGNED,),
    ),
    NotificationType(
        kind="review_unassigned",
        label=_("Zuweisung zur Bewertung beendet"),
        audience=_("Die Gutachterin oder der Gutachter der beendeten Zuweisung"),
        recipients=r.reviewer,
        link=r.jury_list_link,
        events=(ReviewEvent.ASSIGNMENT_ENDED,),
    ),
    NotificationType(
        kind="review_reopened",
        label=_("Bewertung wieder geöffnet"),
        audience=_("Die Gutachterin oder der Gutachter der Bewertung"),
        recipients=r.reviewer,
        link=r.application_link,
        events=(ReviewEvent.REOPENED,),
    ),
    NotificationType(
        kind="review_conflict",
        record_mail=True,
        label=_("Befangenheit erklärt"),
        audience=_("Die Sachbearbeitung, die zugewiesen hat (sonst jede Sachbearbeitung)"),
        recipients=r.assigning_case_officer,
        link=r.assignments_link,
        events=(ReviewEvent.CONFLICT,),
        applies=_is_conflict,
    ),
    NotificationType(
        kind="decision",
        record_mail=True,
        label=_("Bescheid"),
        audience=_("Kontaktperson und Beschäftigte der antragstellenden Kommune"),
        recipients=r.applicant,
        link=r.application_link,
        legally_relevant=True,
        template="reviews/email/decision",
        skip_actor=False,
    ),
    NotificationType(
        kind="deadline_reminder",
        label=_("Erinnerung an die Einreichungsfrist"),
        audience=_(
            "Beschäftigte der Kommune eines nicht eingereichten Entwurfs (7 und 1 Tag vorher)"
        ),
        recipients=r.lead_staff,
        link=r.application_link,
        details=_reminder_details,
        skip_actor=False,
    ),
    NotificationType(
        kind="item_request_reminder",
        label=_("Erinnerung an die Frist einer Nachforderung"),
        audience=_(
            "Kontaktperson und Beschäftigte der antragstellenden Kommune (vor und nach der Frist)"
        ),
        recipients=r.applicant,
        link=r.application_link,
        details=_reminder_details,
        skip_actor=False,
    ),
    NotificationType(
        kind="item_request_overdue",
        label=_("Nachforderung überfällig"),
        audience=_("Die Sachbearbeitung, die nachgefordert hat (sonst jede Sachbearbeitung)"),
        recipients=r.item_request_askers,
        link=r.application_link,
        details=_reminder_details,
        skip_actor=False,
    ),
)
