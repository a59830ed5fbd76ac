"""The task list of a draft: each section with its state, derived from the answers and from
the submission checks (never stored)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.formatting import format_iban

from .models import SECTION_FIELDS, SECTION_ORDER, Application, Section
from .services import application_validate_for_submission, section_of

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
STATE_LABELS = {
    NOT_STARTED: _("Nicht begonnen"),
    IN_PROGRESS: _("In Bearbeitung"),
    COMPLETE: _("Vollständig"),
}
STATE_BADGES = {NOT_STARTED: "info", IN_PROGRESS: "warning", COMPLETE: "success"}


@dataclass
class SectionState:
    section: str
    label: str
    url: str
    state: str
    errors: list[str] = field(default_factory=list)

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def badge(self):
        return STATE_BADGES[self.state]


def _started(application: Application, section: str, counts: dict) -> bool:
    if section in SECTION_FIELDS:
        defaults = {"postcode", "city", "contact_name", "contact_email"}
        return any(
            getattr(application, name) not in (None, "", False)
            for name in SECTION_FIELDS[section]
            if name not in defaults or application.version > 0
        )
    if section == Section.COST_PLAN:
        return counts["lines"] > 0 or bool(application.requested_grant)
    if section == Section.ATTACHMENTS:
        return counts["attachments"] > 0
    if section == Section.PARTNERS:
        return counts["partners"] > 0
    return False


def section_states(application: Application, errors: dict | None = None) -> list[SectionState]:
    if errors is None:
        errors = application_validate_for_submission(application)
    by_section: dict[str, list[str]] = {}
    for key, messages in errors.items():
        by_section.setdefault(section_of(key), []).extend(messages)
    counts = {
        "lines": application.cost_lines.count(),
        "attachments": application.attachments.count(),
        "partners": application.partners.count(),
    }
    states = []
    for section in SECTION_ORDER:
        problems = by_section.get(section, [])
        if not problems:
            state = COMPLETE
        elif _started(application, section, counts):
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        states.append(
            SectionState(
                section=section,
                label=Section(section).label,
                url=reverse(f"applications:{section}", args=[application.pk]),
                state=state,
                errors=problems,
            )
        )
    return states


# Answers shown formatted for reading (stored as typed by the portal's validators).
DISPLAY_FORMATTERS = {"iban": format_iban}


def section_answers(application: Application) -> dict[str, list[tuple[str, object]]]:
    """The plain answers of each section as (label, value) pairs, for summaries and PDFs."""
    answers = {}
    for section, names in SECTION_FIELDS.items():
        rows = []
        for name in names:
            field_ = Application._meta.get_field(name)
            value = getattr(application, name)
            if name in DISPLAY_FORMATTERS and value:
                value = DISPLAY_FORMATTERS[name](value)
            rows.append((field_.verbose_name, value))
        answers[str(section)] = rows
    return answers
