"""The content of an application frozen at a workflow step (submission, Nachforderung,
Nachreichung), stored in that step's ApplicationEvent (``data["content"]``), and the
difference between two such snapshots, section by section, for the case officer.

A snapshot holds display text (German dates and amounts), not model values: it must still
read correctly after categories, partners or files change or disappear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.formatting import de_amount, de_date
from questionnaires.answers import display_value, shown_keys
from questionnaires.models import QuestionType
from questionnaires.selectors import question_set_questions

from .calls import round_declarations
from .models import (
    FINANCING_FIELDS,
    SECTION_FIELDS,
    SECTION_ORDER,
    Application,
    ApplicationEvent,
    PartnerStatus,
    Section,
)
from .workflow import Action

SNAPSHOT_ACTIONS = (Action.SUBMIT, Action.REQUEST_ITEMS, Action.RESUBMIT)


def _display(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        return de_amount(value)
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d.%m.%Y, %H:%M} Uhr"
    if isinstance(value, dt.date):
        return de_date(value)
    return str(value)


def _label(name: str) -> str:
    return str(Application._meta.get_field(name).verbose_name)


def content_snapshot(application: Application) -> dict[str, list[list[str]]]:
    """``{section: [[key, label, text], ...]}``; ``key`` identifies a row across snapshots."""
    content: dict[str, list[list[str]]] = {}
    for section, names in SECTION_FIELDS.items():
        content[str(section)] = [
            [name, _label(name), _display(getattr(application, name))] for name in names
        ]
    stored = application.answers or {}
    questions = question_set_questions(application.question_set)
    shown = shown_keys(questions, stored)
    content[Section.PROJECT] = content.get(Section.PROJECT, []) + [
        [q.key, q.label_de, _display(display_value(q, stored.get(q.key)))]
        for q in questions
        if q.key in shown and q.type != QuestionType.ATTACHMENT
    ]
    content[str(Section.DECLARATIONS)] = [
        [d.key, d.text, _display(bool((application.declarations or {}).get(d.key)))]
        for d in round_declarations(application.round)
    ]
    partners = application.partners.select_related("municipality").order_by("pk")
    content[Section.PARTNERS] = [
        [
            f"partner:{p.municipality_id}",
            str(p.municipality.name),
            f"{p.municipality.name} ({PartnerStatus(p.status).label})",
        ]
        for p in partners
    ]
    lines = application.cost_lines.select_related("category").order_by("position", "pk")
    cost = [
        [
            f"line:{line.pk}",
            f"{line.category.name}",
            f"{line.description or '–'}: {de_amount(line.amount)}"
            + (f" (Haushaltsjahr {line.budget_year})" if line.budget_year else ""),
        ]
        for line in lines
    ]
    cost += [
        [name, _label(name), _display(getattr(application, name))] for name in FINANCING_FIELDS
    ]
    content[Section.COST_PLAN] = cost
    attachments = application.attachments.order_by("uploaded_at", "pk")
    content[Section.ATTACHMENTS] = [
        [
            f"file:{a.sha256}:{a.original_name}",
            a.get_kind_display(),
            f"{a.original_name} (hochgeladen am {_display(a.uploaded_at)})",
        ]
        for a in attachments
    ]
    return content


@dataclass
class Change:
    label: str
    old: str
    new: str

    @property
    def kind(self) -> str:
        if self.old == "":
            return "added"
        if self.new == "":
            return "removed"
        return "changed"


@dataclass
class SectionChanges:
    section: str
    label: str
    changes: list[Change] = field(default_factory=list)


def content_diff(old: dict, new: dict) -> list[SectionChanges]:
    """The sections whose content differs, each with its changed, added and removed rows."""
    result = []
    for section in SECTION_ORDER:
        before = {key: (label, text) for key, label, text in old.get(section, [])}
        after = {key: (label, text) for key, label, text in new.get(section, [])}
        changes = []
        for key, (label, text) in after.items():
            if key not in before:
                changes.append(Change(label, "", text))
            elif before[key][1] != text:
                changes.append(Change(label, before[key][1], text))
        changes += [
            Change(label, text, "") for key, (label, text) in before.items() if key not in after
        ]
        if changes:
            result.append(SectionChanges(section, str(Section(section).label), changes))
    return result


@dataclass
class Resubmission:
    """One answer to a Nachforderung: the applicant's message and what changed."""

    event: ApplicationEvent
    previous: ApplicationEvent | None
    sections: list[SectionChanges]

    @property
    def message(self) -> str:
        return self.event.message


def resubmissions(application: Application) -> list[Resubmission]:
    """Every Nachreichung of ``application``, newest first, compared with the content frozen
    at the step before it (the Nachforderung, or the submission)."""
    events = list(
        ApplicationEvent.objects.filter(application=application, action__in=SNAPSHOT_ACTIONS)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    result = []
    previous = None
    for event in events:
        if event.action == Action.RESUBMIT:
            sections = []
            if previous is not None and "content" in event.data:
                sections = content_diff(previous.data["content"], event.data["content"])
            result.append(Resubmission(event, previous, sections))
        if "content" in event.data:
            previous = event
    return result[::-1]
