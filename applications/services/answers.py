"""Saving the answers to a round's question set (``Application.answers``), checked against
the version the application is answered under (``Application.question_set``).

The question set's sections are steps of their own in the form; for a Nachforderung they all
belong to the section "Vorhaben" (``Section.PROJECT``), which is the one a case officer
reopens to have the content amended."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from applications.models import Application, EventAction, Section
from applications.search import search_vectors_refresh
from applications.workflow import Status
from questionnaires.answers import clean_answer, without_hidden
from questionnaires.selectors import question_set_questions, question_set_structure

from .base import (
    check_version,
    lock_application,
    record_event,
    require_editable,
    require_lead_staff,
    sync_instance,
    touch,
)

# The section of the Nachforderung vocabulary every question of a set belongs to.
ANSWERS_SECTION = Section.PROJECT


def question_keys(application: Application) -> set[str]:
    return {q.key for q in question_set_questions(application.question_set)}


def apply_answers(
    application: Application, data: Mapping[str, Any]
) -> tuple[list[str], dict[str, list[str]]]:
    """Check ``data`` (question key → value as typed or sent) and put it into
    ``application.answers`` (not saved); answers of questions hidden by a condition are
    dropped. Returns the keys whose answer changed and the errors by key."""
    questions = question_set_questions(application.question_set)
    by_key = {q.key: q for q in questions}
    unknown = set(data) - set(by_key)
    if unknown:
        raise ValueError(f"Not questions of the application's question set: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    answers = dict(application.answers or {})
    for key, raw in data.items():
        try:
            value = clean_answer(by_key[key], raw)
        except ValidationError as exc:
            errors[key] = exc.messages
            continue
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    answers = without_hidden(questions, answers)
    old = application.answers or {}
    changed = [k for k in dict.fromkeys([*old, *answers]) if old.get(k) != answers.get(k)]
    application.answers = answers
    return changed, errors


@transaction.atomic
def application_answers_save(
    *,
    application: Application,
    user,
    section_key: str,
    data: Mapping[str, Any],
    expected_version: int,
) -> Application:
    """Save the answers of one step (a section of the question set). Drafts accept
    incomplete answers; malformed ones are refused (ValidationError keyed by question key)."""
    app = lock_application(application)
    parts = {p.key: p for p in question_set_structure(app.question_set)}
    if section_key not in parts:
        raise ValueError(f"Unknown question section {section_key!r}")
    allowed = {q.key for q in parts[section_key].questions}
    if set(data) - allowed:
        raise ValueError(f"Not questions of section {section_key!r}: {sorted(set(data) - allowed)}")
    require_lead_staff(user, app)
    require_editable(app, ANSWERS_SECTION)
    check_version(app, expected_version)
    changed, errors = apply_answers(app, data)
    if errors:
        raise ValidationError(errors)
    touch(app, ["answers"])
    if changed:
        search_vectors_refresh([app.pk])
    if app.status != Status.DRAFT and changed:
        record_event(
            app,
            user,
            EventAction.SECTION_UPDATED,
            data={"section": str(ANSWERS_SECTION), "fields": changed},
        )
    sync_instance(application, app)
    return app
