"""The life of a report (Zwischennachweis, Verwendungsnachweis) as data, in the style of
``applications/workflow.py``: one table of (state, action) -> (target state, roles).

Only ``reports.services.report_transition`` reads this table to change a status; views ask
``permissions.report_actions`` which buttons to show, and that reads the same table. Outside
this module and the migrations no code spells a status."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# The roles, as in applications.workflow: APPLICANT is staff of the grant's lead
# municipality; CASE_OFFICER follows from accounts.User.role.
APPLICANT = "applicant"
CASE_OFFICER = "case_officer"
ROLES = (APPLICANT, CASE_OFFICER)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Eingereicht")
    IN_CHECK = "in_check", _("In Prüfung")
    MISSING_ITEMS = "missing_items", _("Nachforderung")
    CONFIRMED = "confirmed", _("Bestätigt")
    REPAYMENT = "repayment", _("Rückforderung festgesetzt")


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("Nachweis einreichen")
    START_CHECK = "start_check", _("Prüfung des Nachweises beginnen")
    REQUEST_ITEMS = "request_items", _("Unterlagen zum Nachweis nachfordern")
    RESUBMIT = "resubmit", _("Nachgeforderte Unterlagen zum Nachweis einreichen")
    CONFIRM = "confirm", _("Nachweis bestätigen")
    CLAIM_REPAYMENT = "claim_repayment", _("Rückforderung festsetzen")


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]


def _t(source, action, target, roles) -> dict[tuple[str, str], Transition]:
    return {(source, action): Transition(source, action, target, frozenset(roles))}


S, A = ReportStatus, ReportAction
TRANSITIONS: dict[tuple[str, str], Transition] = {
    **_t(S.DRAFT, A.SUBMIT, S.SUBMITTED, {APPLICANT}),
    **_t(S.SUBMITTED, A.START_CHECK, S.IN_CHECK, {CASE_OFFICER}),
    **_t(S.IN_CHECK, A.REQUEST_ITEMS, S.MISSING_ITEMS, {CASE_OFFICER}),
    **_t(S.MISSING_ITEMS, A.RESUBMIT, S.IN_CHECK, {APPLICANT}),
    **_t(S.IN_CHECK, A.CONFIRM, S.CONFIRMED, {CASE_OFFICER}),
    **_t(S.IN_CHECK, A.CLAIM_REPAYMENT, S.REPAYMENT, {CASE_OFFICER}),
}
del S, A

# Named state sets -------------------------------------------------------------------------------
# The municipality may change the report (missing_items only for the parts the request names).
EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.MISSING_ITEMS})
# Submitted at least once: the due date is kept.
FILED_STATUSES = frozenset(ReportStatus) - {ReportStatus.DRAFT}
# On RP's desk: submitted and not yet settled ("Nachweise zu prüfen").
TO_CHECK_STATUSES = frozenset(
    {ReportStatus.SUBMITTED, ReportStatus.IN_CHECK, ReportStatus.MISSING_ITEMS}
)
# Settled: confirmed or with a repayment.
SETTLED_STATUSES = frozenset({ReportStatus.CONFIRMED, ReportStatus.REPAYMENT})

STATE_SETS: dict[str, frozenset[str]] = {
    "editable": EDITABLE_STATUSES,
    "filed": FILED_STATUSES,
    "to_check": TO_CHECK_STATUSES,
    "settled": SETTLED_STATUSES,
}

MESSAGE_REQUIRED = frozenset({ReportAction.REQUEST_ITEMS})


class TransitionNotAllowed(ValidationError):
    """Not possible in the current status, or not for this person (``code`` "state"/"role")."""


def get_transition(status: str, action: str) -> Transition | None:
    return TRANSITIONS.get((status, action))


def actions_from(status: str) -> list[Transition]:
    return [t for a in ReportAction.values if (t := TRANSITIONS.get((status, a)))]


def in_state(status: str, name: str) -> bool:
    try:
        return status in STATE_SETS[name]
    except KeyError:
        raise ValueError(f"Unknown state set {name!r}; known: {sorted(STATE_SETS)}") from None


def status_label(status: str) -> str:
    try:
        return str(ReportStatus(status).label)
    except ValueError:
        return status
