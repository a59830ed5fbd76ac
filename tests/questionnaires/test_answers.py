# ruff: noqa: E501 - the messages are quoted whole
"""Every question type: a valid answer stored typed, a malformed one refused with a German
message, a missing one reported on submission; conditions met and not met."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from questionnaires.answers import (
    clean_answer,
    display_value,
    missing_answers,
    shown_keys,
    typed_value,
    without_hidden,
)
from questionnaires.selectors import question_set_questions

from .conftest import COMPLETE_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(every_type_set):
    questions = {x.key: x for x in question_set_questions(every_type_set)}
    return questions.__getitem__


VALID = [
    ("name", "  Lotsen für Bensheim ", "Lotsen für Bensheim"),
    ("beschreibung", "Zeile 1\r\nZeile 2", "Zeile 1\nZeile 2"),
    ("anzahl", "1.200", 1200),
    ("anzahl", 7, 7),
    ("honorar", "1.234,5", "1234.50"),
    ("honorar", Decimal("99"), "99.00"),
    ("honorar", "12 €", "12.00"),
    ("stichtag", "2027-03-01", "2027-03-01"),
    ("stichtag", "1.3.2027", "2027-03-01"),
    ("stichtag", dt.date(2027, 3, 1), "2027-03-01"),
    ("schulung", {"start": "2027-04-01", "end": "2027-06-30"},
     {"start": "2027-04-01", "end": "2027-06-30"}),
    ("schulung", (dt.date(2027, 4, 1), dt.date(2027, 4, 1)),
     {"start": "2027-04-01", "end": "2027-04-01"}),
    ("vorkenntnisse", "ja", True),
    ("vorkenntnisse", "nein", False),
    ("vorkenntnisse", False, False),
    ("hauptgruppe", "familien", "familien"),
    ("gruppen", ["senioren", "jugend"], ["jugend", "senioren"]),  # in the list's order
    ("kontakt", "koordination@bensheim.example", "koordination@bensheim.example"),
    ("telefon", "06251 14-0", "06251 14-0"),
    ("webseite", "https://www.bensheim.de/lotsen", "https://www.bensheim.de/lotsen"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "value", "stored"), VALID)
def test_valid_answers_are_stored_typed(q, key, value, stored):
    assert clean_answer(q(key), value) == stored


INVALID = [
    ("beschreibung", "x" * 51, "Bitte kürzen Sie den Text auf höchstens 50 Zeichen. Er hat jetzt 51 Zeichen."),
    ("anzahl", "zwölf", "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 12."),
    ("anzahl", "1,5", "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 12."),
    ("honorar", "viel", "Bitte geben Sie einen Betrag in Euro ein, zum Beispiel 1.234,56."),
    ("honorar", "-5", "Bitte geben Sie keinen negativen Betrag ein."),
    ("honorar", "1,555", "Bitte geben Sie höchstens 2 Nachkommastellen an."),
    ("stichtag", "31.02.2027", "Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2027."),
    ("stichtag", "morgen", "Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2027."),
    ("schulung", {"start": "2027-04-01", "end": ""}, "Bitte geben Sie Beginn und Ende des Zeitraums an."),
    ("schulung", {"start": "2027-04-02", "end": "2027-04-01"},
     "Das Ende des Zeitraums darf nicht vor seinem Beginn liegen."),
    ("vorkenntnisse", "vielleicht", "Bitte wählen Sie „Ja“ oder „Nein“."),
    ("hauptgruppe", "alle", "Bitte wählen Sie eine der angebotenen Möglichkeiten."),
    ("gruppen", ["jugend", "alle"], "Bitte wählen Sie nur unter den angebotenen Möglichkeiten."),
    ("kontakt", "keine-mail", "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@kommune.de."),
    ("telefon", "12", "Bitte geben Sie eine Telefonnummer mit Vorwahl an, z. B. 06151 12-3456 oder +49 6151 123456."),
    ("webseite", "www.bensheim", "Bitte geben Sie eine vollständige Internetadresse an, zum Beispiel https://www.kommune.de."),
    ("webseite", "javascript:alert(1)", "Bitte geben Sie eine vollständige Internetadresse an, zum Beispiel https://www.kommune.de."),
]  # fmt: skip


@pytest.mark.parametrize(("key", "value", "message"), INVALID)
def test_malformed_answers_are_refused_in_german(q, key, value, message):
    with pytest.raises(ValidationError) as exc:
        clean_answer(q(key), value)
    assert exc.value.messages == [message]


@pytest.mark.parametrize("empty", ["", "   ", None, [], {"start": "", "end": ""}])
def test_empty_input_is_no_answer(q, empty):
    for key in ("name", "anzahl", "honorar", "stichtag", "vorkenntnisse", "gruppen"):
        if isinstance(empty, dict):
            continue
        assert clean_answer(q(key), empty) is None
    assert clean_answer(q("schulung"), {"start": "", "end": ""}) is None


def test_missing_answers_name_every_required_question(every_type_set):
    questions = question_set_questions(every_type_set)
    errors = missing_answers(questions, {}, attachment_kinds=[])
    assert errors["name"] == ["Bitte füllen Sie „Name des Projekts“ aus."]
    assert errors["anzahl"] == ["Bitte beantworten Sie „Anzahl der Lotsen“."]
    assert errors["schulungskonzept"] == ["Bitte laden Sie die Anlage zu „Schulungskonzept“ hoch."]
    required = {"name", "beschreibung", "anzahl", "honorar", "stichtag", "schulung",
                "vorkenntnisse", "hauptgruppe", "gruppen", "schulungskonzept"}  # fmt: skip
    assert set(errors) == required  # optional ones and hidden ones are not asked for
    assert missing_answers(questions, COMPLETE_ANSWERS, attachment_kinds=["konzept"]) == {}


def test_condition_yes_shows_and_requires_the_follow_up(every_type_set):
    questions = question_set_questions(every_type_set)
    answers = {**COMPLETE_ANSWERS, "vorkenntnisse": True}
    assert "welche" in shown_keys(questions, answers)
    errors = missing_answers(questions, answers, attachment_kinds=["konzept"])
    assert errors == {"welche": ["Bitte füllen Sie „Welche Vorkenntnisse?“ aus."]}


def test_condition_not_met_hides_and_drops_the_answer(every_type_set):
    questions = question_set_questions(every_type_set)
    answers = {**COMPLETE_ANSWERS, "vorkenntnisse": False, "welche": "Sprachkurse"}
    assert "welche" not in shown_keys(questions, answers)
    assert "welche" not in without_hidden(questions, answers)
    assert missing_answers(questions, answers, attachment_kinds=["konzept"]) == {}


def test_condition_on_a_choice_value(every_type_set):
    questions = question_set_questions(every_type_set)
    assert "familien_angebot" not in shown_keys(questions, COMPLETE_ANSWERS)
    answers = {**COMPLETE_ANSWERS, "hauptgruppe": "familien"}
    assert "familien_angebot" in shown_keys(questions, answers)
    assert "familien_angebot" in missing_answers(questions, answers, ["konzept"])


def test_stored_answers_read_typed_and_for_display(q):
    assert typed_value(q("honorar"), "1234.50") == Decimal("1234.50")
    assert display_value(q("honorar"), "1234.50") == "1.234,50 €"
    assert typed_value(q("stichtag"), "2027-03-01") == dt.date(2027, 3, 1)
    assert display_value(q("schulung"), {"start": "2027-04-01", "end": "2027-06-30"}) == (
        "01.04.2027 – 30.06.2027"
    )
    assert display_value(q("hauptgruppe"), "senioren") == "Ältere Menschen"
    assert display_value(q("gruppen"), ["jugend", "familien"]) == "Jugendliche, Familien"
    assert display_value(q("anzahl"), 1200) == "1.200"
    assert display_value(q("vorkenntnisse"), False) is False
    assert display_value(q("name"), None) is None
