"""Freezing and versions: a submitted application freezes the version it was answered under;
a change makes a new version that the round and its drafts move to, while submitted
applications keep theirs; a copy for another round is independent."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.services import application_answers_save, application_submit, attachment_add
from questionnaires.models import Question, QuestionSet
from questionnaires.selectors import question_set_questions
from questionnaires.services import question_set_copy, question_set_new_version
from tests.factories import MINIMAL_PDF, ApplicationFactory, FundingRoundFactory

from .conftest import COMPLETE_ANSWERS

pytestmark = pytest.mark.django_db


def _complete(app, user):
    app.answers = dict(COMPLETE_ANSWERS)
    app.save(update_fields=["answers"])
    attachment_add(
        application=app, user=user, kind="konzept",
        uploaded_file=SimpleUploadedFile("Schulung.pdf", MINIMAL_PDF),
    )  # fmt: skip


def test_submission_freezes_the_version(guides_round, town, staff):
    app = ApplicationFactory(
        round=guides_round, lead_municipality=town, created_by=staff, complete=True
    )
    _complete(app, staff)
    assert not guides_round.question_set.is_frozen
    application_submit(application=app, user=staff)
    guides_round.question_set.refresh_from_db()
    assert guides_round.question_set.is_frozen


def test_a_new_version_moves_the_round_and_its_drafts_not_the_submitted(guides_round, town, staff):
    old = guides_round.question_set
    submitted = ApplicationFactory(
        round=guides_round, lead_municipality=town, created_by=staff, complete=True
    )
    _complete(submitted, staff)
    application_submit(application=submitted, user=staff)
    draft = ApplicationFactory(round=guides_round, answers={"name": "Entwurf"})
    old.refresh_from_db()
    new = question_set_new_version(old)

    assert (new.version, new.previous_id, new.is_frozen) == (2, old.pk, False)
    assert [q.key for q in question_set_questions(new)] == [
        q.key for q in question_set_questions(QuestionSet.objects.get(pk=old.pk))
    ]
    guides_round.refresh_from_db()
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert guides_round.question_set_id == new.pk
    assert draft.question_set_id == new.pk and draft.answers == {"name": "Entwurf"}
    assert submitted.question_set_id == old.pk  # answered under it, keeps it

    # The new version is changed; the old one keeps what the submitted application was asked.
    Question.objects.filter(question_set=new, key="name").update(label_de="Titel der Lotsen")
    assert Question.objects.get(question_set=old, key="name").label_de == "Name des Projekts"


def test_answers_saved_under_the_new_version(guides_round, town, staff):
    draft = ApplicationFactory(round=guides_round, lead_municipality=town, created_by=staff)
    new = question_set_new_version(guides_round.question_set)
    draft.refresh_from_db()
    section = new.sections.get(key="lotsen")
    Question.objects.create(
        question_set=new, section=section, position=20, key="neu", label_de="Neue Frage",
        type="short_text",
    )  # fmt: skip
    app = application_answers_save(
        application=draft, user=staff, section_key="lotsen", data={"neu": "Antwort"},
        expected_version=draft.version,
    )  # fmt: skip
    assert app.answers == {"neu": "Antwort"}


def test_a_copy_is_independent(every_type_set):
    copy = question_set_copy(every_type_set)
    assert copy.title == "Kopie von Integrationslotsen (Test)" and copy.version == 1
    assert [q.key for q in question_set_questions(copy)] == [
        q.key for q in question_set_questions(every_type_set)
    ]
    Question.objects.filter(question_set=copy, key="name").delete()
    assert Question.objects.filter(question_set=every_type_set, key="name").exists()
    assert FundingRoundFactory(question_set=copy).question_set.sections.count() == 2
