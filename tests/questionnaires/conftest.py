"""A question set with one question of every type (and a condition), and a round using it."""

from __future__ import annotations

import pytest

from questionnaires.definitions import question_set_from_definition
from questionnaires.models import QuestionType as T
from tests.factories import ApplicationFactory, FundingRoundFactory, MunicipalityFactory, staff_for

CHOICES = (
    "jugend | Jugendliche | Young people\nfamilien | Familien | Families\n"
    "senioren | Ältere Menschen"
)

EVERY_TYPE = (
    (
        "lotsen",
        "Die Lotsinnen und Lotsen",
        "The guides",
        (
            {"key": "name", "label_de": "Name des Projekts", "type": T.SHORT_TEXT},
            {"key": "beschreibung", "label_de": "Beschreibung", "type": T.LONG_TEXT,
             "max_length": 50},
            {"key": "anzahl", "label_de": "Anzahl der Lotsen", "type": T.INTEGER},
            {"key": "honorar", "label_de": "Honorar je Stunde", "type": T.MONEY},
            {"key": "stichtag", "label_de": "Stichtag", "type": T.DATE},
            {"key": "schulung", "label_de": "Zeitraum der Schulung", "type": T.DATE_RANGE},
            {"key": "vorkenntnisse", "label_de": "Gibt es Vorkenntnisse?", "type": T.YES_NO},
            {"key": "welche", "label_de": "Welche Vorkenntnisse?", "type": T.LONG_TEXT,
             "condition_question": "vorkenntnisse"},
        ),
    ),
    (
        "zielgruppen",
        "Zielgruppen",
        "Target groups",
        (
            {"key": "hauptgruppe", "label_de": "Wichtigste Zielgruppe", "type": T.CHOICE,
             "choices": CHOICES},
            {"key": "gruppen", "label_de": "Alle Zielgruppen", "type": T.MULTIPLE_CHOICE,
             "choices": CHOICES},
            {"key": "familien_angebot", "label_de": "Angebot für Familien", "type": T.SHORT_TEXT,
             "condition_question": "hauptgruppe", "condition_value": "familien"},
            {"key": "kontakt", "label_de": "E-Mail der Koordination", "type": T.EMAIL,
             "required": False},
            {"key": "telefon", "label_de": "Telefon der Koordination", "type": T.PHONE,
             "required": False},
            {"key": "webseite", "label_de": "Internetseite", "type": T.URL, "required": False},
            {"key": "schulungskonzept", "label_de": "Schulungskonzept", "type": T.ATTACHMENT,
             "attachment_kind": "konzept"},
        ),
    ),
)  # fmt: skip

COMPLETE_ANSWERS = {
    "name": "Lotsen für Bensheim",
    "beschreibung": "Ehrenamtliche begleiten Neuzugewanderte.",
    "anzahl": 12,
    "honorar": "15.50",
    "stichtag": "2027-03-01",
    "schulung": {"start": "2027-04-01", "end": "2027-06-30"},
    "vorkenntnisse": False,
    "hauptgruppe": "jugend",
    "gruppen": ["jugend", "familien"],
}


@pytest.fixture
def every_type_set(db):
    return question_set_from_definition("Integrationslotsen (Test)", EVERY_TYPE)


@pytest.fixture
def guides_round(every_type_set):
    return FundingRoundFactory(
        title="Lotsen-Runde", question_set=every_type_set, required_attachment_kinds=[]
    )


@pytest.fixture
def town(db):
    return MunicipalityFactory(name="Bensheim", population=20_000)


@pytest.fixture
def staff(town):
    return staff_for(town, full_name="Anna Antrag")


@pytest.fixture
def guides_draft(guides_round, town, staff):
    return ApplicationFactory(round=guides_round, lead_municipality=town, created_by=staff)


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
