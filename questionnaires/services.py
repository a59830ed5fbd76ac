"""Writing question sets: copies, new versions of a frozen set, freezing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Question, QuestionSection, QuestionSet


def _copy_content(source: QuestionSet, target: QuestionSet) -> None:
    sections = {}
    for section in QuestionSection.objects.filter(question_set=source).order_by("position", "id"):
        old_pk = section.pk
        section.pk = None
        section.id = None
        section.question_set = target
        section.save()
        sections[old_pk] = section
    questions = []
    for question in Question.objects.filter(question_set=source).order_by("position", "id"):
        question.pk = None
        question.id = None
        question.question_set = target
        question.section = sections[question.section_id]
        questions.append(question)
    Question.objects.bulk_create(questions)


@transaction.atomic
def question_set_copy(source: QuestionSet, *, title: str | None = None) -> QuestionSet:
    """A new, unfrozen set (version 1) with the sections and questions of ``source``; for a
    new round that asks (nearly) what another one asked."""
    copy = QuestionSet.objects.create(
        title=title or _("Kopie von %(title)s") % {"title": source.title}
    )
    _copy_content(source, copy)
    return copy


@transaction.atomic
def question_set_new_version(source: QuestionSet) -> QuestionSet:
    """The next version of ``source`` (usually a frozen one), to be edited in its place: the
    rounds that use ``source`` and their applications not yet submitted move to it (their
    answers stay, keyed by question key); submitted applications keep ``source``."""
    latest = QuestionSet.objects.filter(title=source.title).order_by("-version").first() or source
    new = QuestionSet.objects.create(
        title=source.title, version=latest.version + 1, previous=source
    )
    _copy_content(source, new)
    # Reverse accessors of applications' foreign keys (no import of the higher app).
    source.rounds.update(question_set=new)
    source.applications.filter(submitted_at__isnull=True).update(question_set=new)
    return new


def question_set_freeze(question_set: QuestionSet | None, *, now: dt.datetime | None = None):
    """Mark the set frozen (an application answered under it was submitted); idempotent."""
    if question_set is None or question_set.frozen_at is not None:
        return
    question_set.frozen_at = now or timezone.now()
    QuestionSet.objects.filter(pk=question_set.pk, frozen_at__isnull=True).update(
        frozen_at=question_set.frozen_at
    )
