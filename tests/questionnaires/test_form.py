"""The form built from the question set: one step per section in the task list, fields with
labels, hints and counters, German errors, conditions without JavaScript, the check page with
every answer and its change link, completeness on submission."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import Application
from applications.workflow import Status
from questionnaires.forms import initial_answers
from questionnaires.selectors import question_set_structure
from tests.factories import (
    ApplicationFactory,
    ItemRequestFactory,
    MunicipalityFactory,
    staff_for,
)

from .conftest import COMPLETE_ANSWERS, login

pytestmark = pytest.mark.django_db


def errors_in(response) -> list[str]:
    return re.findall(r'class="kern-error[^"]*"[^>]*>.*?<span class="kern-body">(.*?)</span>',
                      response.content.decode(), re.S)  # fmt: skip


def _post(client, app, key, data):
    url = reverse("applications:questions", args=[app.pk, key])
    return client.post(url, {"version": app.version, **data})


def _post_step(client, app, key, changes):
    """The step as a browser sends it: every field with its current value, some changed."""
    part = next(p for p in question_set_structure(app.question_set) if p.key == key)
    data = {k: v for k, v in initial_answers(part.questions, app.answers).items() if v}
    return _post(client, app, key, {**data, **changes})


def test_task_list_has_one_step_per_section(client, guides_draft, staff):
    html = login(client, staff).get(reverse("applications:detail", args=[guides_draft.pk]))
    html = html.content.decode()
    lotsen = reverse("applications:questions", args=[guides_draft.pk, "lotsen"])
    groups = reverse("applications:questions", args=[guides_draft.pk, "zielgruppen"])
    assert html.index("Vorhaben") < html.index(lotsen) < html.index(groups)
    assert html.index(groups) < html.index("Kosten- und Finanzierungsplan")
    assert "Die Lotsinnen und Lotsen" in html and "Zielgruppen" in html


def test_step_shows_fields_with_labels_hints_and_counter(client, guides_draft, staff):
    login(client, staff)
    response = client.get(reverse("applications:questions", args=[guides_draft.pk, "lotsen"]))
    html = response.content.decode()
    assert "<h1" in html and "Die Lotsinnen und Lotsen" in html
    assert "Schritt 4 von 8" in html
    for label in ("Name des Projekts", "Anzahl der Lotsen", "Honorar je Stunde", "Beginn", "Ende"):
        assert label in html
    assert 'id="id_beschreibung-count"' in html and "Höchstens 50 Zeichen." in html
    assert 'type="radio"' in html and 'inputmode="decimal"' in html
    # The follow-up of a question on the same page shows with a hint when to answer it.
    assert "Nur zu beantworten, wenn Sie „Gibt es Vorkenntnisse?“ mit „Ja“ beantworten." in html


def test_malformed_answers_are_refused_and_nothing_is_saved(client, guides_draft, staff):
    login(client, staff)
    response = _post(
        client, guides_draft, "lotsen",
        {"name": "Lotsen", "anzahl": "zwölf", "honorar": "-3", "schulung__start": "2027-05-01",
         "schulung__end": "2027-04-01"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = errors_in(response)
    assert "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 12." in errors
    assert "Bitte geben Sie keinen negativen Betrag ein." in errors
    assert "Das Ende des Zeitraums darf nicht vor seinem Beginn liegen." in errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert Application.objects.get(pk=guides_draft.pk).answers == {}


def test_incomplete_answers_are_saved_typed(client, guides_draft, staff):
    login(client, staff)
    response = _post(
        client, guides_draft, "lotsen",
        {"name": " Lotsen ", "anzahl": "1.200", "honorar": "12,5", "schulung__start": "2027-04-01",
         "schulung__end": "2027-06-30", "vorkenntnisse": "nein"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "applications:questions", args=[guides_draft.pk, "zielgruppen"]
    )
    assert Application.objects.get(pk=guides_draft.pk).answers == {
        "name": "Lotsen",
        "anzahl": 1200,
        "honorar": "12.50",
        "schulung": {"start": "2027-04-01", "end": "2027-06-30"},
        "vorkenntnisse": False,
    }
    html = client.get(
        reverse("applications:questions", args=[guides_draft.pk, "lotsen"])
    ).content.decode()
    assert 'value="1.200"' in html and 'value="12,50"' in html and 'value="2027-04-01"' in html


def test_an_unmet_condition_drops_the_answer_without_javascript(client, guides_draft, staff):
    login(client, staff)
    _post(client, guides_draft, "lotsen", {"vorkenntnisse": "ja", "welche": "Sprachkurse"})
    assert Application.objects.get(pk=guides_draft.pk).answers["welche"] == "Sprachkurse"
    guides_draft.refresh_from_db()
    _post(client, guides_draft, "lotsen", {"vorkenntnisse": "nein", "welche": "Sprachkurse"})
    assert "welche" not in Application.objects.get(pk=guides_draft.pk).answers


def test_a_condition_on_an_earlier_step_hides_the_question(client, guides_draft, staff):
    login(client, staff)
    url = reverse("applications:questions", args=[guides_draft.pk, "zielgruppen"])
    # "Angebot für Familien" depends on a question of the same step: shown with its hint.
    assert "Angebot für Familien" in client.get(url).content.decode()
    guides_draft.answers = {"vorkenntnisse": False}
    guides_draft.save()
    html = client.get(reverse("applications:questions", args=[guides_draft.pk, "lotsen"]))
    assert "Welche Vorkenntnisse?" in html.content.decode()  # same step: still shown


def test_check_page_lists_every_answer_with_its_change_link(client, guides_draft, staff):
    guides_draft.answers = {**COMPLETE_ANSWERS, "honorar": "1234.50"}
    guides_draft.save()
    login(client, staff)
    html = client.get(reverse("applications:check", args=[guides_draft.pk])).content.decode()
    for text in ("Lotsen für Bensheim", "1.234,50 €", "01.04.2027 – 30.06.2027",
                 "Jugendliche, Familien", "Gibt es Vorkenntnisse?"):  # fmt: skip
        assert text in html, text
    for key in ("lotsen", "zielgruppen"):
        url = reverse("applications:questions", args=[guides_draft.pk, key])
        assert f'href="{url}"' in html
    assert "Bitte laden Sie die Anlage zu „Schulungskonzept“ hoch." in html


def test_submission_requires_the_answers(client, guides_draft, staff):
    login(client, staff)
    client.post(reverse("applications:check", args=[guides_draft.pk]))
    guides_draft.refresh_from_db()
    assert guides_draft.status == Status.DRAFT
    html = client.get(reverse("applications:check", args=[guides_draft.pk])).content.decode()
    assert "Bitte füllen Sie „Name des Projekts“ aus." in html
    assert "Bitte beantworten Sie „Wichtigste Zielgruppe“." in html


def test_unknown_step_is_404(client, guides_draft, staff):
    login(client, staff)
    url = reverse("applications:questions", args=[guides_draft.pk, "gibtsnicht"])
    assert client.get(url).status_code == 404


def test_other_municipalities_cannot_open_the_step(client, guides_draft):
    stranger = staff_for(MunicipalityFactory(name="Lorsch"))
    url = reverse("applications:questions", args=[guides_draft.pk, "lotsen"])
    assert login(client, stranger).get(url).status_code == 404


def test_a_nachforderung_of_the_project_reopens_the_question_steps(
    guides_round, town, staff, client
):
    app = ApplicationFactory(
        round=guides_round, lead_municipality=town, status=Status.MISSING_ITEMS, complete=True,
        answers=dict(COMPLETE_ANSWERS),
    )  # fmt: skip
    ItemRequestFactory(application=app, sections=["project"])
    login(client, staff)
    response = _post_step(client, app, "lotsen", {"name": "Genauer beschrieben"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.answers["name"] == "Genauer beschrieben"
    event = app.events.get(action="section_updated")
    assert event.data == {"section": "project", "fields": ["name"]}


def test_other_nachforderung_keeps_the_question_steps_closed(guides_round, town, staff, client):
    app = ApplicationFactory(
        round=guides_round, lead_municipality=town, status=Status.MISSING_ITEMS, complete=True,
        answers=dict(COMPLETE_ANSWERS),
    )  # fmt: skip
    ItemRequestFactory(application=app, sections=["attachments"])
    login(client, staff)
    response = _post_step(client, app, "lotsen", {"name": "Geändert"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.answers["name"] == "Lotsen für Bensheim"
