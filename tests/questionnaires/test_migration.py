"""The data migration of issue 14 on a database that holds the old columns with real-looking
content: every round gets the strategy call's question set, every answer is carried over byte
for byte (line breaks, combining characters, trailing spaces, the full length), empty columns
become no answer, rounds with submitted applications get a frozen set, and the long answers
are searchable."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.models import Application
from applications.search import search_query
from applications.workflow import Status
from questionnaires.selectors import question_set_questions
from tests.factories import ApplicationFactory, FundingRoundFactory

BEFORE = [("applications", "0018_question_set_answers")]
COLUMNS = [
    "starting_situation", "aims", "social_space", "municipal_identity", "participation",
    "participation_formats", "outreach", "external_moderation", "milestones",
    "council_resolution",
]  # fmt: skip

CONTENT = {
    "starting_situation": (
        "Rund 27 % der Einwohnerinnen und Einwohner haben eine Migrationsgeschichte.\r\n"
        "Die Angebote sind kaum vernetzt – viele kennen sie nicht.  "
    ),
    "aims": "Eine beschlussfähige Strategie.\n\n• Teilhabe\n• Bildung\n• Arbeit 🙂",
    "social_space": "Quartiere Weststadt und Au" + "a\u0308" + "ßere Mitte",  # NFD, as typed
    "municipal_identity": "Ankunftsort seit 1946; Städtepartnerschaft mit Riva del Garda.",
    "participation": "Gleichberechtigte Teilhabe " * 296,  # 8.000 characters minus a few
    "participation_formats": "Quartierswerkstätten, Online-Beteiligung, Runder Tisch Vielfalt",
    "outreach": "Mehrsprachige Einladungen (Türkisch, Arabisch, Ukrainisch): Zugewanderte",
    "external_moderation": "",
    "milestones": "Q1 Auftakt; Q2–Q3 Werkstätten; Q4 Entwurf & Beschluss",
    "council_resolution": "Stadtverordnetenversammlung, voraussichtlich im Dezember 2027",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_every_answer_is_carried_over_byte_for_byte():
    submitted_round = FundingRoundFactory(title="2. Förderrunde 2019")
    draft_round = FundingRoundFactory(title="Förderrunde 2027")
    submitted = ApplicationFactory(round=submitted_round, complete=True, status=Status.SUBMITTED)
    drafts = [ApplicationFactory(round=draft_round, complete=True) for _ in range(3)]
    empty = ApplicationFactory(round=draft_round)
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        OldApplication = old.get_model("applications", "Application")
        OldApplication.objects.filter(pk=submitted.pk).update(**CONTENT)
        for number, app in enumerate(drafts):
            OldApplication.objects.filter(pk=app.pk).update(
                **{name: f"{CONTENT[name]} ({number})" if CONTENT[name] else "" for name in COLUMNS}
            )
        old_rows = {row["pk"]: row for row in OldApplication.objects.values("pk", *COLUMNS)}
        assert old_rows[empty.pk]["aims"] == ""
        _migrate([("applications", "0019_strategy_question_sets")])
    finally:
        _migrate(_latest())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'applications_application'"
        )
        columns = {row[0] for row in cursor.fetchall()}
    assert columns.isdisjoint(COLUMNS) and {"answers", "question_set_id"} <= columns

    for pk, row in old_rows.items():
        app = Application.objects.select_related("round").get(pk=pk)
        expected = {name: value for name, value in row.items() if name != "pk" and value != ""}
        assert app.answers == expected
        for name, value in expected.items():  # byte for byte
            assert app.answers[name].encode() == value.encode()
        assert app.question_set_id == app.round.question_set_id
    assert (
        Application.objects.get(pk=submitted.pk)
        .answers["social_space"]
        .endswith("Au" + "a\u0308" + "ßere Mitte")  # not normalised to NFC on the way
    )

    submitted_round.refresh_from_db()
    draft_round.refresh_from_db()
    assert submitted_round.question_set.is_frozen
    assert not draft_round.question_set.is_frozen
    assert submitted_round.question_set_id != draft_round.question_set_id
    questions = question_set_questions(draft_round.question_set)
    assert [q.key for q in questions] == COLUMNS
    assert questions[0].label_de == "Ausgangslage" and questions[-1].max_length == 2000
    assert all(q.required and q.type == "long_text" for q in questions)

    # The long answers are in the stored search vector.
    found = set(
        Application.objects.filter(search_vector=search_query(["ukrainisch"])).values_list(
            "pk", flat=True
        )
    )
    assert found == {submitted.pk, *(app.pk for app in drafts)}
