"""The life of a grant as data: one transition table per kind of object (the grant itself,
payment requests, notices under the Mitteilungspflicht, change requests).

Only ``grants.services.transitions.grant_object_transition`` reads these tables to change a
state; views ask ``available_actions`` which buttons to show. Every action value is also an
event type of the one vocabulary (``applications.events``, registered in ``GrantsConfig.ready``),
so the event row of a change names the action. Outside this module and the migrations no code
spells a state.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.workflow import ADMIN, APPLICANT, CASE_OFFICER

# The beat task that makes a decision binding when the appeal period has passed. A role, not a
# person: no user ever holds it (``roles_of`` gives it to ``actor=None`` only).
SYSTEM = "system"


class GrantState(models.TextChoices):
    NOTIFIED = "notified", _("Bescheid bekanntgegeben")
    ACCEPTED = "accepted", _("Angenommen")
    BINDING = "binding", _("Bestandskräftig")
    CLOSED = "closed", _("Abgeschlossen")


class PaymentState(models.TextChoices):
    REQUESTED = "requested", _("Beantragt")
    APPROVED = "approved", _("Zur Auszahlung angeordnet")
    PAID = "paid", _("Ausgezahlt")
    REFUSED = "refused", _("Abgelehnt")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")


class NoticeState(models.TextChoices):
    FILED = "filed", _("Eingegangen")
    NOTED = "noted", _("Zur Kenntnis genommen")
    GRANT_LOWERED = "grant_lowered", _("Zuwendung herabgesetzt")


class ChangeState(models.TextChoices):
    REQUESTED = "requested", _("Beantragt")
    GRANTED = "granted", _("Genehmigt")
    REFUSED = "refused", _("Abgelehnt")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")


class GrantAction(models.TextChoices):
    """Every action on a grant and its objects; each value is an event type too."""

    CREATED = "grant_created", _("Zuwendung angelegt")
    ACCEPT = "grant_accept", _("Zuwendung angenommen")
    WAIVE = "grant_waive", _("Rechtsbehelfsverzicht erklärt")
    BIND = "grant_bind", _("Bescheid bestandskräftig")
    CLOSE = "grant_close", _("Zuwendung abgeschlossen")
    PAYMENT_REQUEST = "payment_request", _("Mittelabruf gestellt")
    PAYMENT_APPROVE = "payment_approve", _("Mittelabruf freigegeben")
    PAYMENT_REFUSE = "payment_refuse", _("Mittelabruf abgelehnt")
    PAYMENT_WITHDRAW = "payment_withdraw", _("Mittelabruf zurückgezogen")
    PAYMENT_PAY = "payment_pay", _("Auszahlung erfolgt")
    NOTICE_FILE = "notice_file", _("Mitteilung eingereicht")
    NOTICE_NOTE = "notice_note", _("Mitteilung zur Kenntnis genommen")
    NOTICE_LOWER = "notice_lower", _("Zuwendung herabgesetzt")
    CHANGE_REQUEST = "change_request", _("Änderungsantrag gestellt")
    CHANGE_GRANT = "change_grant", _("Änderungsantrag genehmigt")
    CHANGE_REFUSE = "change_refuse", _("Änderungsantrag abgelehnt")
    CHANGE_WITHDRAW = "change_withdraw", _("Änderungsantrag zurückgezogen")
    REMINDER_SENT = "grant_reminder", _("Erinnerung an eine Frist versandt")


# The kinds of object with a table. ``None`` as source: the action creates the object.
GRANT = "grant"
PAYMENT = "payment"
NOTICE = "notice"
CHANGE = "change"
KINDS = (GRANT, PAYMENT, NOTICE, CHANGE)


@dataclass(frozen=True)
class Transition:
    kind: str
    source: str | None
    action: str
    target: str
    roles: frozenset[str]


def _t(kind, sources, action, target, roles) -> dict[tuple[str, str | None, str], Transition]:
    if sources is None or isinstance(sources, str):
        sources = (sources,)
    return {
        (kind, s, action): Transition(kind, s, action, target, frozenset(roles)) for s in sources
    }


A = GrantAction
G, P, N, C = GrantState, PaymentState, NoticeState, ChangeState
RP = {CASE_OFFICER}

# THE tables. (kind, current state, action) -> Transition(target, roles allowed).
TRANSITIONS: dict[tuple[str, str | None, str], Transition] = {
    # The grant: the municipality accepts (with or without waiving its right of appeal); the
    # decision becomes binding on the waiver or when the appeal period has passed (the beat
    # task, or the next read: ``services.grant_refresh``).
    **_t(GRANT, None, A.CREATED, G.NOTIFIED, {SYSTEM, CASE_OFFICER, ADMIN}),
    **_t(GRANT, G.NOTIFIED, A.ACCEPT, G.ACCEPTED, {APPLICANT}),
    **_t(GRANT, (G.NOTIFIED, G.ACCEPTED), A.WAIVE, G.BINDING, {APPLICANT}),
    **_t(GRANT, (G.NOTIFIED, G.ACCEPTED), A.BIND, G.BINDING, {SYSTEM}),
    **_t(GRANT, G.BINDING, A.CLOSE, G.CLOSED, RP),
    # Payment requests (Mittelabruf).
    **_t(PAYMENT, None, A.PAYMENT_REQUEST, P.REQUESTED, {APPLICANT}),
    **_t(PAYMENT, P.REQUESTED, A.PAYMENT_APPROVE, P.APPROVED, RP),
    **_t(PAYMENT, P.REQUESTED, A.PAYMENT_REFUSE, P.REFUSED, RP),
    **_t(PAYMENT, P.REQUESTED, A.PAYMENT_WITHDRAW, P.WITHDRAWN, {APPLICANT}),
    **_t(PAYMENT, P.APPROVED, A.PAYMENT_PAY, P.PAID, RP),
    # Notices under the Mitteilungspflicht.
    **_t(NOTICE, None, A.NOTICE_FILE, N.FILED, {APPLICANT}),
    **_t(NOTICE, N.FILED, A.NOTICE_NOTE, N.NOTED, RP),
    **_t(NOTICE, N.FILED, A.NOTICE_LOWER, N.GRANT_LOWERED, RP),
    # Change requests (Änderungsantrag).
    **_t(CHANGE, None, A.CHANGE_REQUEST, C.REQUESTED, {APPLICANT}),
    **_t(CHANGE, C.REQUESTED, A.CHANGE_GRANT, C.GRANTED, RP),
    **_t(CHANGE, C.REQUESTED, A.CHANGE_REFUSE, C.REFUSED, RP),
    **_t(CHANGE, C.REQUESTED, A.CHANGE_WITHDRAW, C.WITHDRAWN, {APPLICANT}),
}

# Actions whose message is the reason and therefore required.
MESSAGE_REQUIRED = frozenset({A.PAYMENT_REFUSE, A.CHANGE_REFUSE, A.NOTICE_LOWER})

# Named state sets ------------------------------------------------------------------------------
# The grant may receive money and changes once the decision is binding, until it is closed.
ACTIVE_GRANT_STATES = frozenset({G.BINDING})
# Accepting is still possible (and the appeal period may still be running).
OPEN_GRANT_STATES = frozenset({G.NOTIFIED, G.ACCEPTED})
# Requests that count against the granted amount (the cap): all but refused and withdrawn.
COUNTED_PAYMENT_STATES = frozenset({P.REQUESTED, P.APPROVED, P.PAID})
# Money that left the state's cash office.
PAID_PAYMENT_STATES = frozenset({P.PAID})
# Work on RP's desk.
OPEN_PAYMENT_STATES = frozenset({P.REQUESTED})
OPEN_NOTICE_STATES = frozenset({N.FILED})
OPEN_CHANGE_STATES = frozenset({C.REQUESTED})
DECIDED_CHANGE_STATES = frozenset({C.GRANTED, C.REFUSED})
GRANTED_CHANGE_STATES = frozenset({C.GRANTED})

STATE_SETS: dict[str, frozenset[str]] = {
    "grant_active": ACTIVE_GRANT_STATES,
    "grant_open": OPEN_GRANT_STATES,
    "payment_counted": COUNTED_PAYMENT_STATES,
    "payment_paid": PAID_PAYMENT_STATES,
    "payment_open": OPEN_PAYMENT_STATES,
    "notice_open": OPEN_NOTICE_STATES,
    "change_open": OPEN_CHANGE_STATES,
    "change_decided": DECIDED_CHANGE_STATES,
}


class TransitionNotAllowed(ValidationError):
    """Not possible in the current state, or not for this person (``code`` "state"/"role")."""


def get_transition(kind: str, state: str | None, action: str) -> Transition | None:
    return TRANSITIONS.get((kind, state, action))


def actions_from(kind: str, state: str | None) -> list[Transition]:
    return [t for a in GrantAction.values if (t := TRANSITIONS.get((kind, state, a)))]


def in_state(state: str, name: str) -> bool:
    try:
        return state in STATE_SETS[name]
    except KeyError:
        raise ValueError(f"Unknown state set {name!r}; known: {sorted(STATE_SETS)}") from None


def action_label(action: str) -> str:
    try:
        return str(GrantAction(action).label)
    except ValueError:
        return action
