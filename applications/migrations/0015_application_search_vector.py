# The stored search vector of applications (applications/search.py) with its GIN index, and
# the vectors of the existing rows.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Replace


def fill_search_vectors(apps, schema_editor):
    """The vector as applications.search._vector defines it at this migration (a copy, so
    that a later change of the definition does not change what this migration did)."""
    Application = apps.get_model("applications", "Application")
    ApplicationPartner = apps.get_model("applications", "ApplicationPartner")
    Municipality = apps.get_model("municipalities", "Municipality")
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
    Application.objects.update(
        search_vector=SearchVector("title", "reference", lead_name, partner_names, config="german")
        + SearchVector(Replace("reference", Value("-"), Value(" ")), config="simple")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_event_action_choices_from_registry"),
        ("municipalities", "0003_german_alphabetical_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="Suchindex"
            ),
        ),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="application",
            index=django.contrib.postgres.indexes.GinIndex(
                fastupdate=False, fields=["search_vector"], name="application_search_vector"
            ),
        ),
    ]
