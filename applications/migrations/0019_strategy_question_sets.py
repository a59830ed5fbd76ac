# Issue 14: the strategy call's content questions, columns of Application until now, become
# the question set of every existing round; every answer is copied into Application.answers
# exactly as stored (byte for byte; an empty column is no answer). The columns go in 0020.

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Replace
from django.utils import timezone

# The strategy call's questions at this migration (a copy of
# questionnaires.definitions.STRATEGY_QUESTIONS, so that a later change there does not change
# what this migration did): (section key, title de, title en, [(key, label de, label en,
# limit, hint de, hint en)]).
SECTIONS = (
    (
        "strategie",
        "Inhalt der Strategie",
        "Content of the strategy",
        (
            ("starting_situation", "Ausgangslage", "Initial situation", 8000, "", ""),
            ("aims", "Ziele", "Objectives", 8000, "", ""),
            ("social_space", "Sozialraumbezug", "Relation to the local social area", 8000, "", ""),
            ("municipal_identity", "Kommunale Identität", "Municipal identity", 8000, "", ""),
            ("participation", "Gesellschaftliche Teilhabe", "Participation in society", 8000, "", ""),
        ),
    ),
    (
        "umsetzung",
        "Beteiligung und Umsetzung",
        "Participation and implementation",
        (
            ("participation_formats", "Beteiligungsformate", "Participation formats", 8000, "", ""),
            (
                "outreach",
                "Erreichen aller Teile der Bevölkerung, nicht zuletzt der Zugewanderten",
                "Reaching all parts of the population, not least immigrants",
                8000,
                "Wie erreichen Sie alle Teile der Bevölkerung, nicht zuletzt Zugewanderte?",
                "How will you reach all parts of the population, not least immigrants?",
            ),
            (
                "external_moderation",
                "Externe Prozessmoderation",
                "External process facilitation",
                8000,
                "",
                "",
            ),
            ("milestones", "Meilensteine", "Milestones", 8000, "", ""),
            (
                "council_resolution",
                "Geplanter Beschluss der Gemeindevertretung",
                "Planned resolution of the municipal council",
                2000,
                "Wann und in welchem Gremium soll die Strategie beschlossen werden?",
                "When and by which body is the strategy to be adopted?",
            ),
        ),
    ),
)
COLUMNS = [q[0] for _s in SECTIONS for q in _s[3]]


def _create_set(apps, title):
    QuestionSet = apps.get_model("questionnaires", "QuestionSet")
    QuestionSection = apps.get_model("questionnaires", "QuestionSection")
    Question = apps.get_model("questionnaires", "Question")
    question_set = QuestionSet.objects.create(title=title[:200], version=1)
    for position, (key, title_de, title_en, questions) in enumerate(SECTIONS):
        section = QuestionSection.objects.create(
            question_set=question_set, position=position, key=key, title_de=title_de,
            title_en=title_en,
        )  # fmt: skip
        for index, (qkey, label_de, label_en, limit, hint_de, hint_en) in enumerate(questions):
            Question.objects.create(
                question_set=question_set, section=section, position=index, key=qkey,
                label_de=label_de, label_en=label_en, hint_de=hint_de, hint_en=hint_en,
                type="long_text", required=True, max_length=limit,
            )  # fmt: skip
    return question_set


def forwards(apps, schema_editor):
    FundingRound = apps.get_model("applications", "FundingRound")
    Application = apps.get_model("applications", "Application")
    now = timezone.now()
    for round_ in FundingRound.objects.order_by("pk"):
        question_set = _create_set(apps, round_.title)
        round_.question_set = question_set
        round_.save(update_fields=["question_set"])
        applications = Application.objects.filter(round=round_).only("pk", *COLUMNS)
        changed = []
        for application in applications.iterator(chunk_size=500):
            application.answers = {
                name: getattr(application, name)
                for name in COLUMNS
                if getattr(application, name) != ""
            }
            application.question_set = question_set
            changed.append(application)
            if len(changed) >= 500:
                Application.objects.bulk_update(changed, ["answers", "question_set"])
                changed = []
        Application.objects.bulk_update(changed, ["answers", "question_set"])
        if Application.objects.filter(round=round_, submitted_at__isnull=False).exists():
            question_set.frozen_at = now
            question_set.save(update_fields=["frozen_at"])
    _fill_search_vectors(apps)


def backwards(apps, schema_editor):
    """The strategy answers back into their columns; every question set goes (answers to
    questions of other sets, which the columns cannot hold, are lost on a rollback)."""
    Application = apps.get_model("applications", "Application")
    changed = []
    for application in Application.objects.exclude(answers={}).iterator(chunk_size=500):
        for name in COLUMNS:
            setattr(application, name, application.answers.get(name, ""))
        changed.append(application)
    Application.objects.bulk_update(changed, COLUMNS, batch_size=500)
    Application.objects.update(question_set=None, answers={})
    apps.get_model("applications", "FundingRound").objects.update(question_set=None)
    QuestionSet = apps.get_model("questionnaires", "QuestionSet")
    apps.get_model("questionnaires", "Question").objects.all().delete()
    apps.get_model("questionnaires", "QuestionSection").objects.all().delete()
    QuestionSet.objects.all().delete()


def _fill_search_vectors(apps):
    """The vector as applications.search._vector defines it at this migration (a copy): the
    long text answers join title, reference and the municipalities' names."""
    Application = apps.get_model("applications", "Application")
    ApplicationPartner = apps.get_model("applications", "ApplicationPartner")
    Municipality = apps.get_model("municipalities", "Municipality")
    Question = apps.get_model("questionnaires", "Question")
    lead_name = Subquery(
        Municipality.objects.filter(pk=OuterRef("lead_municipality_id")).values("name")[:1]
    )
    partner_names = Subquery(
        ApplicationPartner.objects.filter(application=OuterRef("pk"))
        .exclude(status="declined")
        .order_by()
        .values("application")
        .annotate(names=StringAgg("municipality__name", " ", order_by="municipality__name"))
        .values("names")[:1],
        output_field=TextField(),
    )
    answer_text = Func(
        OuterRef("answers"), F("key"), arg_joiner=" ->> ", template="(%(expressions)s)",
        output_field=TextField(),
    )  # fmt: skip
    long_answers = Subquery(
        Question.objects.filter(question_set=OuterRef("question_set_id"), type="long_text")
        .order_by()
        .values("question_set")
        .annotate(text=StringAgg(answer_text, " ", order_by=("section__position", "position")))
        .values("text")[:1],
        output_field=TextField(),
    )
    reference_parts = Replace("reference", Value("-"), Value(" "))
    Application.objects.update(
        search_vector=SearchVector(
            "title", "reference", lead_name, partner_names, long_answers, config="german"
        )
        + SearchVector(
            "title", lead_name, partner_names, reference_parts, long_answers, config="simple"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0018_question_set_answers"),
        ("municipalities", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
