"""The task list of a draft: each step with its state, derived from the answers and from
the submission checks (never stored). The steps are the fixed sections (``SECTION_ORDER``)
with the sections of the round's question set after "Vorhaben", one step each."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.formatting import format_iban
from questionnaires.answers import display_value, shown_keys
from questionnaires.models import QuestionType
from questionnaires.selectors import question_set_questions, question_set_structure

from .calls import declaration_answers
from .models import SECTION_FIELDS, SECTION_ORDER, Application, Section
from .services import ANSWERS_SECTION, application_validate_for_submission, section_of

# A question set's section as a step: "q-<section key>".
QUESTION_STEP_PREFIX = "q-"


@dataclass(frozen=True)
class Step:
    """One page of the form: a fixed section or a section of the question set."""

    id: str  # the Section value, or "q-<key>"
    label: str
    url: str
    scope: str  # the Section a Nachforderung names to reopen it

    @property
    def question_section(self) -> str | None:
        if self.id.startswith(QUESTION_STEP_PREFIX):
            return self.id.removeprefix(QUESTION_STEP_PREFIX)
        return None


def application_steps(application: Application) -> list[Step]:
    """The steps of the form in order."""
    steps = []
    for section in SECTION_ORDER:
        steps.append(
            Step(
                id=section,
                label=str(Section(section).label),
                url=reverse(f"applications:{section}", args=[application.pk]),
                scope=section,
            )
        )
        if section == ANSWERS_SECTION:
            steps.extend(
                Step(
                    id=QUESTION_STEP_PREFIX + part.key,
                    label=part.title,
                    url=reverse("applications:questions", args=[application.pk, part.key]),
                    scope=ANSWERS_SECTION,
                )
                for part in question_set_structure(application.question_set)
            )
    return steps


def question_step_of(application: Application) -> dict[str, str]:
    """Question key → the id of its step."""
    return {
        q.key: QUESTION_STEP_PREFIX + part.key
        for part in question_set_structure(application.question_set)
        for q in part.questions
    }


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
    scope: str = ""  # the Section a Nachforderung names (the step's own, or "project")

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def badge(self):
        return STATE_BADGES[self.state]


def _started(application: Application, section: str, counts: dict) -> bool:
    if section.startswith(QUESTION_STEP_PREFIX):
        return any(
            step == section and key in (application.answers or {})
            for key, step in question_step_of(application).items()
        )
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
    if section == Section.DECLARATIONS:
        return bool(application.declarations)
    return False


def section_states(application: Application, errors: dict | None = None) -> list[SectionState]:
    if errors is None:
        errors = application_validate_for_submission(application)
    by_section: dict[str, list[str]] = {}
    question_steps = question_step_of(application)
    for key, messages in errors.items():
        step = question_steps.get(key) or section_of(key)
        by_section.setdefault(step, []).extend(messages)
    counts = {
        "lines": application.cost_lines.count(),
        "attachments": application.attachments.count(),
        "partners": application.partners.count(),
    }
    states = []
    for step in application_steps(application):
        problems = by_section.get(step.id, [])
        if not problems:
            state = COMPLETE
        elif _started(application, step.id, counts):
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        states.append(
            SectionState(
                section=step.id,
                label=step.label,
                url=step.url,
                state=state,
                errors=problems,
                scope=step.scope,
            )
        )
    return states


# Answers shown formatted for reading (stored as typed by the portal's validators).
DISPLAY_FORMATTERS = {"iban": format_iban}


@dataclass
class AnswerSection:
    """A section of the question set with its answers, for pages and PDFs."""

    step: str  # "q-<key>"
    title: str
    rows: list[tuple[str, object]]


def question_answers(application: Application) -> list[AnswerSection]:
    """The answers to the question set as (label, value) rows per section, in the order of
    the form; questions hidden by a condition are left out; an attachment question shows
    the names of the files of its kind."""
    stored = application.answers or {}
    shown = shown_keys(question_set_questions(application.question_set), stored)
    result = []
    for part in question_set_structure(application.question_set):
        rows: list[tuple[str, object]] = []
        for question in part.questions:
            if question.key not in shown:
                continue
            if question.type == QuestionType.ATTACHMENT:
                names = [
                    a.original_name
                    for a in application.attachments.all()
                    if a.kind == question.attachment_kind
                ]
                rows.append((question.label, ", ".join(names) or None))
            else:
                rows.append((question.label, display_value(question, stored.get(question.key))))
        result.append(AnswerSection(QUESTION_STEP_PREFIX + part.key, part.title, rows))
    return result


def section_answers(application: Application) -> dict[str, object]:
    """The plain answers of each section as (label, value) pairs, for summaries and PDFs: by
    Section value, by question step id ("q-<key>"), and under ``"questions"`` the question
    set's sections in order (``AnswerSection``)."""
    answers: dict[str, object] = {}
    for section, names in SECTION_FIELDS.items():
        rows = []
        for name in names:
            field_ = Application._meta.get_field(name)
            value = getattr(application, name)
            if name in DISPLAY_FORMATTERS and value:
                value = DISPLAY_FORMATTERS[name](value)
            rows.append((field_.verbose_name, value))
        answers[str(section)] = rows
    parts = question_answers(application)
    for part in parts:
        answers[part.step] = part.rows
    answers["questions"] = parts
    answers[str(Section.DECLARATIONS)] = declaration_answers(application)
    return answers
