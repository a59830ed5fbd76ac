"""Reading a question set: its sections with their questions, in order (two queries, kept on
the instance for the rest of the request)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Question, QuestionSection, QuestionSet


@dataclass
class SectionQuestions:
    section: QuestionSection
    questions: list[Question] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title


def question_set_structure(question_set: QuestionSet | None) -> list[SectionQuestions]:
    """The sections of ``question_set`` in order, each with its questions in order."""
    if question_set is None:
        return []
    cached = getattr(question_set, "_structure", None)
    if cached is not None:
        return cached
    sections = QuestionSection.objects.filter(question_set=question_set).prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
    )
    structure = [SectionQuestions(s, list(s.questions.all())) for s in sections]
    question_set._structure = structure  # type: ignore[attr-defined]
    return structure


def question_set_questions(question_set: QuestionSet | None) -> list[Question]:
    """Every question of the set in the order of the form."""
    return [q for part in question_set_structure(question_set) for q in part.questions]


def question_set_forget(question_set: QuestionSet | None) -> None:
    """Drop what ``question_set_structure`` kept (after the set was changed)."""
    if question_set is not None and hasattr(question_set, "_structure"):
        del question_set._structure
