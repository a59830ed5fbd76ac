import pytest
from django.core.management import call_command

from applications.models import Application, FundingRound, RoundParticipation
from applications.workflow import Status
from demo.calls import GUIDES_PREFIX, seed_calls
from demo.questionnaires import TITLE
from questionnaires.models import QuestionSet, QuestionType
from questionnaires.selectors import question_set_questions

pytestmark = pytest.mark.django_db


def test_seed_demo_with_applications_submits_three_and_is_idempotent(capsys):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", "--with-applications")
    out = capsys.readouterr().out
    assert "Demo-Zugänge" in out and "Eingereichter Demo-Antrag" in out
    submitted = Application.objects.filter(status=Status.SUBMITTED)
    assert submitted.count() == 3
    assert all(a.reference and a.attachments.count() == 1 for a in submitted)
    # Other apps' demo data (e.g. an approved application with its reports) come once too.
    total = Application.objects.count()
    call_command("seed_demo", "--with-applications")
    assert Application.objects.count() == total
    assert RoundParticipation.objects.count() == total
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 3


def test_the_demo_call_asks_its_own_questions_with_kinds_of_the_round():
    seed_calls()
    seed_calls()  # idempotent
    round_ = FundingRound.objects.get(reference_prefix=GUIDES_PREFIX)
    assert round_.title == "WIR-Integrationslotsen 2027"
    assert round_.question_set.title == TITLE
    assert QuestionSet.objects.filter(title=TITLE).count() == 1
    kinds = set(round_.attachment_kinds.values_list("key", flat=True))
    asked = {
        q.attachment_kind
        for q in question_set_questions(round_.question_set)
        if q.type == QuestionType.ATTACHMENT
    }
    assert asked and asked <= kinds
