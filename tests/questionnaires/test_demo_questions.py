"""The demo call "WIR-Integrationslotsen 2027" gets its own questions by configuration."""

from __future__ import annotations

import pytest

from demo.questionnaires import TITLE, integration_guides_question_set
from questionnaires.answers import missing_answers, shown_keys
from questionnaires.models import QuestionType
from questionnaires.selectors import question_set_questions, question_set_structure
from tests.factories import FundingRoundFactory

pytestmark = pytest.mark.django_db


def test_the_guides_round_gets_its_own_questions_once():
    round_ = FundingRoundFactory(title="WIR-Integrationslotsen 2027")
    question_set = integration_guides_question_set(round_)
    round_.refresh_from_db()
    assert round_.question_set == question_set and question_set.title == TITLE
    assert [p.title for p in question_set_structure(question_set)] == [
        "Die Integrationslotsinnen und -lotsen",
        "Schulung und Begleitung",
        "Zielgruppen",
    ]
    questions = question_set_questions(question_set)
    assert len({q.type for q in questions}) >= 8
    assert {QuestionType.DATE_RANGE, QuestionType.MULTIPLE_CHOICE} <= {q.type for q in questions}
    assert integration_guides_question_set(round_) == question_set  # idempotent

    # Its condition: the allowance is asked only when the guides are paid.
    assert "allowance_per_month" not in shown_keys(questions, {"guides_paid": False})
    missing = missing_answers(questions, {"guides_paid": True}, [])
    assert "allowance_per_month" in missing and "training_concept" not in missing
