# The stored search vectors hold every text word for word too (applications/search.py), so a
# search for a name that begins with a German stop word ("Weiter" of Weiterstadt) finds it.

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
    reference_parts = Replace("reference", Value("-"), Value(" "))
    Application.objects.update(
        search_vector=SearchVector("title", "reference", lead_name, partner_names, config="german")
        + SearchVector("title", lead_name, partner_names, reference_parts, config="simple")
    )


class Migration(migrations.Migration):
    dependencies = [("applications", "0016_round_status_lead_index")]

    operations = [migrations.RunPython(fill_search_vectors, migrations.RunPython.noop)]
