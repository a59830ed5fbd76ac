"""The questions of the demo call "WIR-Integrationslotsen 2027", set up as configuration only:
the guides, their training and the target groups, with several types and one condition.

The ``calls`` demo creates the round; ``integration_guides_question_set(round)`` gives it
these questions (idempotent: a round that has them keeps them)."""

from __future__ import annotations

from django.db import transaction

from questionnaires.definitions import Definition, question_set_from_definition
from questionnaires.models import QuestionSet
from questionnaires.models import QuestionType as T

TITLE = "WIR-Integrationslotsen 2027"

TARGET_GROUPS = "\n".join(
    (
        "neuzugewanderte | Neuzugewanderte Familien | Newly arrived families",
        "gefluechtete | Geflüchtete in Gemeinschaftsunterkünften | Refugees in shared housing",
        "jugendliche | Jugendliche und junge Erwachsene | Young people",
        "frauen | Frauen mit Fluchtgeschichte | Women with a refugee background",
        "aeltere | Ältere Zugewanderte | Older immigrants",
    )
)

INTEGRATION_GUIDES: Definition = (
    (
        "lotsen",
        "Die Integrationslotsinnen und -lotsen",
        "The integration guides",
        (
            {"key": "guides_count", "type": T.INTEGER,
             "label_de": "Wie viele Lotsinnen und Lotsen sollen tätig werden?",
             "label_en": "How many guides will be active?"},
            {"key": "guides_profile", "type": T.LONG_TEXT, "max_length": 3_000,
             "label_de": "Wer sind die Lotsinnen und Lotsen, und wie werden sie gewonnen?",
             "label_en": "Who are the guides, and how are they recruited?",
             "hint_de": "Zum Beispiel Sprachen, eigene Migrationsgeschichte, Ehrenamt oder "
                        "Anstellung."},
            {"key": "guides_paid", "type": T.YES_NO,
             "label_de": "Erhalten die Lotsinnen und Lotsen eine Aufwandsentschädigung?",
             "label_en": "Do the guides receive an allowance?"},
            {"key": "allowance_per_month", "type": T.MONEY,
             "label_de": "Aufwandsentschädigung je Person und Monat",
             "label_en": "Allowance per person and month",
             "condition_question": "guides_paid", "condition_value": "ja"},
            {"key": "coordination_contact", "type": T.EMAIL, "required": False,
             "label_de": "E-Mail-Adresse der Koordination",
             "label_en": "E-mail address of the coordination"},
        ),
    ),
    (
        "schulung",
        "Schulung und Begleitung",
        "Training and support",
        (
            {"key": "training_period", "type": T.DATE_RANGE,
             "label_de": "Zeitraum der Grundschulung", "label_en": "Period of the basic training"},
            {"key": "training_content", "type": T.LONG_TEXT, "max_length": 4_000,
             "label_de": "Inhalte der Schulung",
             "label_en": "Content of the training",
             "hint_de": "Zum Beispiel Asyl- und Aufenthaltsrecht, Hilfesystem vor Ort, "
                        "interkulturelle Kommunikation, Rolle und Grenzen."},
            {"key": "training_provider", "type": T.SHORT_TEXT,
             "label_de": "Wer schult?", "label_en": "Who provides the training?"},
            {"key": "supervision", "type": T.YES_NO,
             "label_de": "Gibt es regelmäßige Supervision oder Austauschtreffen?",
             "label_en": "Is there regular supervision or peer exchange?"},
            {"key": "training_concept", "type": T.ATTACHMENT, "attachment_kind": "konzept",
             "required": False,
             "label_de": "Schulungskonzept", "label_en": "Training concept"},
        ),
    ),
    (
        "zielgruppen",
        "Zielgruppen",
        "Target groups",
        (
            {"key": "target_groups", "type": T.MULTIPLE_CHOICE, "choices": TARGET_GROUPS,
             "label_de": "Welche Zielgruppen begleiten die Lotsinnen und Lotsen?",
             "label_en": "Which target groups do the guides support?"},
            {"key": "main_target_group", "type": T.CHOICE, "choices": TARGET_GROUPS,
             "label_de": "Welche Zielgruppe steht im Mittelpunkt?",
             "label_en": "Which target group is the focus?"},
            {"key": "people_reached", "type": T.INTEGER,
             "label_de": "Wie viele Menschen sollen im Jahr begleitet werden?",
             "label_en": "How many people will be supported per year?"},
            {"key": "target_groups_access", "type": T.LONG_TEXT, "max_length": 3_000,
             "label_de": "Wie erreichen die Lotsinnen und Lotsen die Zielgruppen?",
             "label_en": "How do the guides reach the target groups?"},
            {"key": "project_website", "type": T.URL, "required": False,
             "label_de": "Internetseite des Vorhabens", "label_en": "Website of the project"},
        ),
    ),
)  # fmt: skip


@transaction.atomic
def integration_guides_question_set(round) -> QuestionSet:  # noqa: A002 - the caller's name
    """Give ``round`` the questions of the integration guides call (once)."""
    current = round.question_set
    if current is not None and current.title == TITLE:
        return current
    question_set = question_set_from_definition(TITLE, INTEGRATION_GUIDES)
    round.question_set = question_set
    round.save(update_fields=["question_set"])
    return question_set
