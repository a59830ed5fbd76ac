"""Question sets written as data: the strategy call's questions (the columns of
``Application`` before issue 14) and a builder that creates a set from such a definition
(demo data, test factories; the data migration keeps its own copy of the strategy's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from .models import LONG_TEXT_DEFAULT_LIMIT, Question, QuestionSection, QuestionSet, QuestionType

# (section key, German title, English title, [question dicts]); a question dict holds the
# fields of ``Question`` (key, label_de, label_en, type, and optionally hint_de, hint_en,
# required, max_length, choices, attachment_kind, condition_question, condition_value).
Definition = Sequence[tuple[str, str, str, Sequence[dict[str, Any]]]]


def _long(key: str, de: str, en: str, limit: int = LONG_TEXT_DEFAULT_LIMIT, **extra) -> dict:
    return {
        "key": key,
        "label_de": de,
        "label_en": en,
        "type": QuestionType.LONG_TEXT,
        "max_length": limit,
        **extra,
    }


STRATEGY_QUESTIONS: Definition = (
    (
        "strategie",
        "Inhalt der Strategie",
        "Content of the strategy",
        (
            _long("starting_situation", "Ausgangslage", "Initial situation"),
            _long("aims", "Ziele", "Objectives"),
            _long("social_space", "Sozialraumbezug", "Relation to the local social area"),
            _long("municipal_identity", "Kommunale Identität", "Municipal identity"),
            _long("participation", "Gesellschaftliche Teilhabe", "Participation in society"),
        ),
    ),
    (
        "umsetzung",
        "Beteiligung und Umsetzung",
        "Participation and implementation",
        (
            _long("participation_formats", "Beteiligungsformate", "Participation formats"),
            _long(
                "outreach",
                "Erreichen aller Teile der Bevölkerung, nicht zuletzt der Zugewanderten",
                "Reaching all parts of the population, not least immigrants",
                hint_de="Wie erreichen Sie alle Teile der Bevölkerung, nicht zuletzt Zugewanderte?",
                hint_en="How will you reach all parts of the population, not least immigrants?",
            ),
            _long(
                "external_moderation", "Externe Prozessmoderation", "External process facilitation"
            ),
            _long("milestones", "Meilensteine", "Milestones"),
            _long(
                "council_resolution",
                "Geplanter Beschluss der Gemeindevertretung",
                "Planned resolution of the municipal council",
                2_000,
                hint_de="Wann und in welchem Gremium soll die Strategie beschlossen werden?",
                hint_en="When and by which body is the strategy to be adopted?",
            ),
        ),
    ),
)

STRATEGY_TITLE = "Kommunale Vielfalts- und Integrationsstrategie"


@transaction.atomic
def question_set_from_definition(title: str, definition: Definition) -> QuestionSet:
    question_set = QuestionSet.objects.create(title=title)
    for position, (key, title_de, title_en, questions) in enumerate(definition):
        section = QuestionSection.objects.create(
            question_set=question_set,
            position=position,
            key=key,
            title_de=title_de,
            title_en=title_en,
        )
        Question.objects.bulk_create(
            Question(question_set=question_set, section=section, position=index, **question)
            for index, question in enumerate(questions)
        )
    return question_set


def strategy_question_set(title: str = STRATEGY_TITLE) -> QuestionSet:
    """A new set with the strategy call's content questions."""
    return question_set_from_definition(title, STRATEGY_QUESTIONS)
