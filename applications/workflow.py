"""The life of an application as data: one table of (state, action) -> (target state, roles).

Only ``applications.services.application_transition`` reads this table to change a status;
nothing else assigns ``Application.status``. Views ask ``permissions.available_actions`` (and
templates the ``can`` tag) which buttons to show, and that reads the same table. Which statuses
belong together (editable, in scoring, decided, ...) are the named state sets below: outside
this module and the migrations no code spells a status as a string or lists statuses itself
(tests/applications/test_state_sets.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("Eingereicht")
    IN_CHECK = "in_check", _("In Prüfung")
    MISSING_ITEMS = "missing_items", _("Nachforderung")
    IN_REVIEW = "in_review", _("In Bewertung")
    READY_FOR_DECISION = "ready_for_decision", _("Entscheidungsreif")
    APPROVED = "approved", _("Bewilligt")
    REJECTED = "rejected", _("Abgelehnt")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Antrag einreichen")
    START_CHECK = "start_check", _("Formale Prüfung beginnen")
    REQUEST_ITEMS = "request_items", _("Unterlagen nachfordern")
    RESUBMIT = "resubmit", _("Nachgeforderte Unterlagen einreichen")
    PASS_CHECK = "pass_check", _("Formale Prüfung abschließen")
    MARK_READY = "mark_ready", _("Als entscheidungsreif markieren")
    APPROVE = "approve", _("Bewilligen")
    REJECT = "reject", _("Ablehnen")
    WITHDRAW = "withdraw", _("Antrag zurückziehen")


# Roles in the workflow. They are roles *for one application*: APPLICANT is a member of staff
# of the application's lead municipality (partner staff are not applicants), CASE_OFFICER and
# ADMIN follow from accounts.User.role. ``permissions.workflow_roles`` computes them.
APPLICANT = "applicant"
CASE_OFFICER = "case_officer"
ADMIN = "admin"
ROLES = (APPLICANT, CASE_OFFICER, ADMIN)
ROLE_LABELS = {
    APPLICANT: _("Antragstellende Kommune"),
    CASE_OFFICER: _("Sachbearbeitung RP Darmstadt"),
    ADMIN: _("Administration"),
}


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]


def _t(sources, action, target, roles) -> dict[tuple[str, str], Transition]:
    if isinstance(sources, str):
        sources = (sources,)
    return {(s, action): Transition(s, action, target, frozenset(roles)) for s in sources}


# THE table. (current status, action) -> Transition(target, roles allowed).
TRANSITIONS: dict[tuple[str, str], Transition] = {
    **_t(Status.DRAFT, Action.SUBMIT, Status.SUBMITTED, {APPLICANT}),
    **_t(Status.SUBMITTED, Action.START_CHECK, Status.IN_CHECK, {CASE_OFFICER, ADMIN}),
    **_t(Status.IN_CHECK, Action.REQUEST_ITEMS, Status.MISSING_ITEMS, {CASE_OFFICER}),
    **_t(Status.MISSING_ITEMS, Action.RESUBMIT, Status.IN_CHECK, {APPLICANT}),
    **_t(Status.IN_CHECK, Action.PASS_CHECK, Status.IN_REVIEW, {CASE_OFFICER}),
    **_t(Status.IN_REVIEW, Action.MARK_READY, Status.READY_FOR_DECISION, {CASE_OFFICER}),
    **_t(Status.READY_FOR_DECISION, Action.APPROVE, Status.APPROVED, {CASE_OFFICER}),
    # From a Nachforderung too: after its due date passed unanswered the case officer may
    # reject instead of extending the due date (issue 15).
    **_t(
        (Status.IN_CHECK, Status.MISSING_ITEMS, Status.IN_REVIEW, Status.READY_FOR_DECISION),
        Action.REJECT,
        Status.REJECTED,
        {CASE_OFFICER},
    ),
    **_t(
        (
            Status.SUBMITTED,
            Status.IN_CHECK,
            Status.MISSING_ITEMS,
            Status.IN_REVIEW,
            Status.READY_FOR_DECISION,
        ),
        Action.WITHDRAW,
        Status.WITHDRAWN,
        {APPLICANT},
    ),
}

# Named state sets ------------------------------------------------------------------------------
# Every question "is the application in one of these statuses?" outside this module asks one of
# these sets (or ``in_state``), so a new status is placed once, here. Tests check how they
# partition the statuses.

# Statuses in which the applicant may change content at all (missing_items only for the
# sections named in the open item request).
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.MISSING_ITEMS})
# Statuses after a decision or withdrawal: nothing happens any more.
FINAL_STATUSES = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})
# Statuses in which something may still happen. OPEN and FINAL partition the statuses.
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES
# Decided by the RP (a withdrawal is final, but not a decision): a decision letter exists.
DECIDED_STATUSES = frozenset({Status.APPROVED, Status.REJECTED})
# A grant was approved (the amount, the approved financing plan and the Zuwendungsbescheid).
GRANTED_STATUSES = frozenset({Status.APPROVED})
# Lodged with the RP: every status after the first submission, i.e. all but the draft. RP staff
# see these applications; rounds count them as submitted.
LODGED_STATUSES = frozenset(Status) - {Status.DRAFT}
# Lodged and not yet final: the work on the RP's desk.
PENDING_STATUSES = LODGED_STATUSES & OPEN_STATUSES
# Lodged and not withdrawn: what a bundle (Antragsmappe) of a round may contain.
BUNDLEABLE_STATUSES = LODGED_STATUSES - {Status.WITHDRAWN}
# Where the formal check happens (before it starts, and while it runs).
CHECK_STATUSES = frozenset({Status.SUBMITTED, Status.IN_CHECK})
# Reviewers may be assigned while the jury scores ...
ASSIGNABLE_STATUSES = frozenset({Status.IN_REVIEW})
# ... and may score until the decision.
SCORING_STATUSES = frozenset({Status.IN_REVIEW, Status.READY_FOR_DECISION})
# In the ranking of a round: checked, and neither withdrawn nor rejected.
RANKED_STATUSES = frozenset({Status.IN_REVIEW, Status.READY_FOR_DECISION, Status.APPROVED})

# The sets by the names templates use (``application|in_state:"granted"``). The names are not
# status values, so a template never compares with a raw status.
STATE_SETS: dict[str, frozenset[str]] = {
    "editable": EDITABLE_STATUSES,
    "final": FINAL_STATUSES,
    "open": OPEN_STATUSES,
    "decided": DECIDED_STATUSES,
    "granted": GRANTED_STATUSES,
    "lodged": LODGED_STATUSES,
    "pending": PENDING_STATUSES,
    "bundleable": BUNDLEABLE_STATUSES,
    "checking": CHECK_STATUSES,
    "assignable": ASSIGNABLE_STATUSES,
    "scoring": SCORING_STATUSES,
    "ranked": RANKED_STATUSES,
}

# Actions whose message is the reason and therefore required.
MESSAGE_REQUIRED = frozenset({Action.REQUEST_ITEMS, Action.REJECT})


class TransitionNotAllowed(ValidationError):
    """The action is not possible in the current status, or not for this person.

    A ValidationError, so views can show ``exc.messages``; ``code`` is ``"state"`` or
    ``"role"``."""


def get_transition(status: str, action: str) -> Transition | None:
    return TRANSITIONS.get((status, action))


def actions_from(status: str) -> list[Transition]:
    """The transitions leaving ``status``, in the order of ``Action``."""
    return [t for a in Action.values if (t := TRANSITIONS.get((status, a)))]


def in_state(status: str, name: str) -> bool:
    """Is ``status`` in the state set called ``name`` (a key of ``STATE_SETS``)?"""
    try:
        return status in STATE_SETS[name]
    except KeyError:
        raise ValueError(f"Unknown state set {name!r}; known: {sorted(STATE_SETS)}") from None


def statuses_in(states: frozenset[str]) -> list[Status]:
    """The statuses of a set in the order of ``Status`` (for filters and counts)."""
    return [s for s in Status if s in states]


def status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def action_label(action: str) -> str:
    try:
        return str(Action(action).label)
    except ValueError:
        return action
