"""The question sets in the Django admin: inline and ordered editing with checks, the
preview, frozen sets read-only, copies and new versions, a round copying another's set."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from applications.models import FundingRound
from questionnaires.models import Question, QuestionSet
from questionnaires.selectors import question_set_questions
from tests.accounts.factories import login_verified
from tests.factories import AdminFactory, ApplicationFactory, FundingRoundFactory

pytestmark = pytest.mark.django_db


def _request(method, path, user, data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    request._dont_enforce_csrf_checks = True
    return request


@pytest.fixture
def superuser():
    return AdminFactory(is_superuser=True, is_staff=True)


def _inline_data(question_set, new_questions=()):
    """The change form's POST: the set, its sections and questions as they are, plus new ones."""
    data = {"title": question_set.title}
    sections = list(question_set.sections.order_by("position"))
    data.update(
        {"sections-TOTAL_FORMS": str(len(sections)), "sections-INITIAL_FORMS": str(len(sections))}
    )
    for i, s in enumerate(sections):
        data.update(
            {
                f"sections-{i}-id": s.pk,
                f"sections-{i}-question_set": question_set.pk,
                f"sections-{i}-position": s.position,
                f"sections-{i}-key": s.key,
                f"sections-{i}-title_de": s.title_de,
                f"sections-{i}-title_en": s.title_en,
            }
        )
    questions = list(Question.objects.filter(question_set=question_set))
    rows = [
        {
            "id": q.pk,
            "section": q.section_id,
            "position": q.position,
            "key": q.key,
            "type": q.type,
            "required": "on" if q.required else "",
            "label_de": q.label_de,
            "max_length": q.max_length or "",
            "choices": q.choices,
            "attachment_kind": q.attachment_kind,
            "condition_question": q.condition_question,
            "condition_value": q.condition_value,
        }
        for q in questions
    ] + list(new_questions)
    data.update(
        {"questions-TOTAL_FORMS": str(len(rows)), "questions-INITIAL_FORMS": str(len(questions))}
    )
    for i, row in enumerate(rows):
        data.update({f"questions-{i}-{k}": v for k, v in row.items() if v != ""})
        data[f"questions-{i}-question_set"] = question_set.pk
    return data  # fmt: skip


def test_an_admin_adds_a_question_inline(superuser, every_type_set):
    model_admin = admin.site.get_model_admin(QuestionSet)
    section = every_type_set.sections.get(key="zielgruppen")
    new = {"section": section.pk, "position": 99, "key": "sprachen", "type": "short_text",
           "required": "on", "label_de": "Welche Sprachen sprechen die Lotsen?"}  # fmt: skip
    response = model_admin.change_view(
        _request("post", "/", superuser, _inline_data(every_type_set, [new])),
        str(every_type_set.pk),
    )
    assert response.status_code == 302, response.context_data["errors"]
    assert question_set_questions(QuestionSet.objects.get(pk=every_type_set.pk))[-1].key == (
        "sprachen"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"key": "title"}, "„title“ ist ein fester Name des Antrags."),
        ({"key": "Grosse Buchstaben"}, "Nur Kleinbuchstaben ohne Umlaute"),
        ({"condition_question": "spaeter"}, "Die Bedingung muss eine Frage davor nennen"),
        ({"condition_question": "name"}, "Eine Bedingung kann nur eine Ja/Nein- oder Auswahlfrage"),
        ({"type": "choice"}, "Bitte geben Sie die Auswahlmöglichkeiten an."),
        ({"type": "attachment"}, "Bitte geben Sie die Art der Anlage an."),
    ],
)
def test_questions_are_checked_when_saved(superuser, every_type_set, row, message):
    model_admin = admin.site.get_model_admin(QuestionSet)
    section = every_type_set.sections.get(key="zielgruppen")
    new = {"section": section.pk, "position": 99, "key": "neu", "type": "short_text",
           "label_de": "Neue Frage", **row}  # fmt: skip
    response = model_admin.change_view(
        _request("post", "/", superuser, _inline_data(every_type_set, [new])),
        str(every_type_set.pk),
    )
    assert response.status_code == 200
    response.render()
    assert message in response.content.decode()
    assert not Question.objects.filter(key__in=["neu", "title"]).exists()


def test_a_frozen_set_is_read_only(client, superuser, every_type_set):
    every_type_set.frozen_at = timezone.now()
    every_type_set.save()
    login_verified(client, superuser)
    url = reverse("admin:questionnaires_questionset_change", args=[every_type_set.pk])
    html = client.get(url).content.decode()
    assert "Eingefroren" in html and 'name="_save"' not in html
    assert client.post(url, _inline_data(every_type_set)).status_code == 403


def test_new_version_and_copy_actions(client, superuser, guides_round):
    login_verified(client, superuser)
    old = guides_round.question_set
    url = reverse("admin:questionnaires_questionset_changelist")
    client.post(url, {"action": "new_versions", "_selected_action": [old.pk]})
    guides_round.refresh_from_db()
    assert guides_round.question_set.version == 2
    assert guides_round.question_set.previous_id == old.pk
    client.post(url, {"action": "copy_sets", "_selected_action": [old.pk]})
    assert QuestionSet.objects.filter(title=f"Kopie von {old.title}").exists()


def test_a_round_copies_the_set_of_another(superuser, guides_round):
    model_admin = admin.site.get_model_admin(FundingRound)
    target = FundingRoundFactory(question_set=None, title="Lotsen 2028")
    draft = ApplicationFactory(round=target)
    form_class = model_admin.get_form(_request("get", "/", superuser), target, change=True)
    form = form_class(instance=target)
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        copy_questions_from=guides_round.pk,
        opens_at_0=f"{target.opens_at:%d.%m.%Y}", opens_at_1=f"{target.opens_at:%H:%M:%S}",
        deadline_0=f"{target.deadline:%d.%m.%Y}", deadline_1=f"{target.deadline:%H:%M:%S}",
        population_reference_date=f"{target.population_reference_date:%d.%m.%Y}",
        max_grant="20.000,00", budget="400.000,00",
        **{"cost_categories-TOTAL_FORMS": "0", "cost_categories-INITIAL_FORMS": "0",
           "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0",
           # the round's declarations and attachment kinds stay as they are
           "declarations-TOTAL_FORMS": "0", "declarations-INITIAL_FORMS": "0",
           "attachment_kinds-TOTAL_FORMS": "0", "attachment_kinds-INITIAL_FORMS": "0"},
    )  # fmt: skip
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = model_admin.change_view(_request("post", "/", superuser, data), str(target.pk))
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    target.refresh_from_db()
    draft.refresh_from_db()
    assert target.question_set_id not in (None, guides_round.question_set_id)
    assert target.question_set.title == "Lotsen 2028"
    assert draft.question_set_id == target.question_set_id
    assert len(question_set_questions(target.question_set)) == len(
        question_set_questions(guides_round.question_set)
    )


def test_preview_shows_the_form_and_checks_answers(client, superuser, every_type_set):
    login_verified(client, superuser)
    url = reverse("admin:questionnaires_questionset_preview", args=[every_type_set.pk])
    html = client.get(url).content.decode()
    assert "Die Lotsinnen und Lotsen" in html and "Zielgruppen" in html
    assert "Anzahl der Lotsen" in html and "Schulungskonzept" in html
    html = client.post(url, {"anzahl": "viele"}).content.decode()
    assert "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 12." in html
    html = client.post(url, {"anzahl": "3"}).content.decode()
    assert "Alle Antworten sind gültig." in html


def test_preview_is_for_admins_only(client, every_type_set):
    from tests.factories import CaseOfficerFactory  # noqa: PLC0415

    login_verified(client, CaseOfficerFactory())
    url = reverse("admin:questionnaires_questionset_preview", args=[every_type_set.pk])
    assert client.get(url).status_code == 302
