"""Issue 14: the declarations and attachment kinds of every existing round become its
configuration (``RoundDeclaration``, ``RoundAttachmentKind``), with today's texts, labels and
required kinds; each application's confirmed declarations move into
``Application.declarations`` and each attachment keeps its kind with its label. The eligibility
rule of existing rounds is the population band (the field's default, set by 0018).

The texts are copies as of this migration (models and forms may change later)."""

from django.db import migrations

DECLARATIONS = (
    ("decl_not_started", "Mit dem Vorhaben wurde noch nicht begonnen.", "", "", ""),
    ("decl_data_correct", "Die Angaben sind vollständig und richtig.", "", "", ""),
    (
        "decl_anbest_gk",
        "Die ANBest-GK sind bekannt und werden anerkannt.",
        "Allgemeine Nebenbestimmungen für Zuwendungen an Gemeinden und Gemeindeverbände:",
        "anbest_gk",
        "Das Wichtigste zu den ANBest-GK lesen",
    ),
    (
        "decl_data_protection",
        "Die Hinweise zum Datenschutz wurden zur Kenntnis genommen.",
        "Wie das Portal Ihre Angaben verarbeitet:",
        "datenschutz",
        "Datenschutzerklärung lesen",
    ),
)
ATTACHMENT_KINDS = (
    ("konzept", "Konzept", False),
    ("letter_of_intent", "Absichtserklärung (Partnerkommune)", True),
    ("cost_plan", "Kosten- und Finanzierungsplan (Anlage)", False),
    ("council", "Beschluss / Detailangaben", False),
    ("other", "Sonstiges", False),
)
LABELS = {key: label for key, label, _per_partner in ATTACHMENT_KINDS}


def forwards(apps, schema_editor):
    FundingRound = apps.get_model("applications", "FundingRound")
    RoundDeclaration = apps.get_model("applications", "RoundDeclaration")
    RoundAttachmentKind = apps.get_model("applications", "RoundAttachmentKind")
    Application = apps.get_model("applications", "Application")
    Attachment = apps.get_model("applications", "Attachment")
    for round_ in FundingRound.objects.all():
        RoundDeclaration.objects.bulk_create(
            RoundDeclaration(
                round=round_, position=i, key=key, text=text, hint=hint,
                link_url=url, link_text=link_text, required=True,
            )
            for i, (key, text, hint, url, link_text) in enumerate(DECLARATIONS, start=1)
        )  # fmt: skip
        required = set(round_.required_attachment_kinds or ())
        RoundAttachmentKind.objects.bulk_create(
            RoundAttachmentKind(
                round=round_, position=i, key=key, label=label,
                required=key in required, per_partner=per_partner,
            )
            for i, (key, label, per_partner) in enumerate(ATTACHMENT_KINDS, start=1)
        )  # fmt: skip
    names = [key for key, *_rest in DECLARATIONS]
    batch = []
    for app in Application.objects.only("pk", *names).iterator(chunk_size=500):
        app.declarations = {name: True for name in names if getattr(app, name)}
        batch.append(app)
        if len(batch) >= 500:
            Application.objects.bulk_update(batch, ["declarations"])
            batch = []
    Application.objects.bulk_update(batch, ["declarations"])
    for key, label in LABELS.items():
        Attachment.objects.filter(kind=key).update(kind_label=label)


def backwards(apps, schema_editor):
    FundingRound = apps.get_model("applications", "FundingRound")
    Application = apps.get_model("applications", "Application")
    for round_ in FundingRound.objects.all():
        round_.required_attachment_kinds = [
            k.key for k in round_.attachment_kinds.filter(required=True, key__in=list(LABELS))
        ]
        round_.save(update_fields=["required_attachment_kinds"])
    names = [key for key, *_rest in DECLARATIONS]
    for app in Application.objects.only("pk", "declarations").iterator(chunk_size=500):
        for name in names:
            setattr(app, name, bool((app.declarations or {}).get(name)))
        app.save(update_fields=names)


class Migration(migrations.Migration):
    dependencies = [("applications", "0021_calls_configuration")]

    operations = [migrations.RunPython(forwards, backwards)]
