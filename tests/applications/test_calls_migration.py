"""Migrations 0021-0023 (issue 14): existing rounds keep today's eligibility rule, declarations
and required attachments as their configuration; every application keeps its answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.eligibility import application_eligibility
from applications.models import Application, Attachment, EligibilityRule, FundingRound, Section
from applications.services import application_validate_for_submission
from applications.snapshots import content_snapshot
from tests.factories import ApplicationFactory, AttachmentFactory, FundingRoundFactory

BEFORE = [("applications", "0020_remove_strategy_columns")]
OLD_DECLARATIONS = [
    "Mit dem Vorhaben wurde noch nicht begonnen.",
    "Die Angaben sind vollständig und richtig.",
    "Die ANBest-GK sind bekannt und werden anerkannt.",
    "Die Hinweise zum Datenschutz wurden zur Kenntnis genommen.",
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_rounds_and_answers_carried_over():
    round_ = FundingRoundFactory(title="KIV 2019")
    app = ApplicationFactory(round=round_, complete=True, with_attachments=False)
    attachment = AttachmentFactory(application=app, kind="council", kind_label="")
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        OldRound = old.get_model("applications", "FundingRound")
        OldApplication = old.get_model("applications", "Application")
        # the old columns as a database of today holds them
        OldRound.objects.filter(pk=round_.pk).update(
            required_attachment_kinds=["konzept", "letter_of_intent"]
        )
        OldApplication.objects.filter(pk=app.pk).update(
            decl_not_started=True,
            decl_data_correct=True,
            decl_anbest_gk=False,
            decl_data_protection=True,
        )
    finally:
        _migrate(_latest())

    round_ = FundingRound.objects.get(pk=round_.pk)
    assert round_.eligibility_rule == EligibilityRule.POPULATION_BAND
    assert list(round_.declarations.values_list("text", "required")) == [
        (text, True) for text in OLD_DECLARATIONS
    ]
    anbest = round_.declarations.get(key="decl_anbest_gk")
    assert anbest.link_url == "anbest_gk" and anbest.link_text
    kinds = {k.key: (k.label, k.required, k.per_partner) for k in round_.attachment_kinds.all()}
    assert kinds == {
        "konzept": ("Konzept", True, False),
        "letter_of_intent": ("Absichtserklärung (Partnerkommune)", True, True),
        "cost_plan": ("Kosten- und Finanzierungsplan (Anlage)", False, False),
        "council": ("Beschluss / Detailangaben", False, False),
        "other": ("Sonstiges", False, False),
    }

    app = Application.objects.get(pk=app.pk)
    assert app.declarations == {
        "decl_not_started": True,
        "decl_data_correct": True,
        "decl_data_protection": True,
    }
    assert Attachment.objects.get(pk=attachment.pk).get_kind_display() == (
        "Beschluss / Detailangaben"
    )
    # the submission check says what it said before: the unconfirmed declaration, the Konzept
    errors = application_validate_for_submission(app)
    assert errors["decl:decl_anbest_gk"] == [
        "Bitte bestätigen Sie: Die ANBest-GK sind bekannt und werden anerkannt."
    ]
    assert errors[Section.ATTACHMENTS] == ["Bitte laden Sie die Anlage „Konzept“ hoch."]
    assert application_eligibility(app).eligible
    # snapshot rows keep their keys and labels (no false "changed" for a Nachreichung)
    rows = content_snapshot(app)[Section.DECLARATIONS]
    assert rows[0] == ["decl_not_started", OLD_DECLARATIONS[0], "ja"]
    assert rows[2] == ["decl_anbest_gk", OLD_DECLARATIONS[2], "nein"]
