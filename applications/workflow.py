"""The life of an application as data: one table of (state, action) -> (target state, roles).

Only ``applications.services.application_transition`` reads this table to change a status;
nothing else assigns ``Application.status``. Views ask ``permissions.available_actions`` which
buttons to show, and that reads the same table.
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
    **_t(
        (Status.IN_CHECK, Status.IN_REVIEW, Status.READY_FOR_DECISION),
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

# Statuses in which the applicant may change content at all (missing_items only for the
# sections named in the open item request).
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.MISSING_ITEMS})
# Statuses after a decision or withdrawal: nothing happens any more.
FINAL_STATUSES = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})
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
