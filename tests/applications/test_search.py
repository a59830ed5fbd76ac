"""The stored search vector (applications/search.py) follows every change of the text it holds:
the title, the reference at submission, partners added, declined and removed, a municipality
renamed by a save or by the register import; and the data migration fills existing rows."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command

from applications.models import Application
from applications.search import search_vectors_refresh
from applications.services import (
    application_create,
    application_submit,
    application_update_section,
    partner_add,
    partner_remove,
    partner_respond,
)
from applications.workflow import Status
from municipalities.models import Municipality
from tests.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    MunicipalityFactory,
    staff_for,
)
from tests.municipalities.gv100ad_files import line_index, write_gv100ad

pytestmark = pytest.mark.django_db


def found(application: Application, *words: str) -> bool:
    """Whether the stored vector matches every word as a prefix (German configuration, as the
    RP overview asks)."""
    raw = " & ".join(f"{word}:*" for word in words)
    query = SearchQuery(raw, search_type="raw", config="german")
    return Application.objects.filter(pk=application.pk, search_vector=query).exists()


@pytest.fixture
def draft(funding_round):
    small = MunicipalityFactory(population=8_000, name="Lautertal")
    user = staff_for(small)
    return application_create(round=funding_round, municipality=small, user=user), user


def test_a_new_draft_holds_the_lead_municipality(draft):
    app, _ = draft
    assert found(app, "lautertal")


def test_the_title_is_searchable_once_saved(draft):
    app, user = draft
    assert not found(app, "Zukunftswerkstatt")
    application_update_section(
        application=app,
        user=user,
        section="project",
        data={"title": "Zukunftswerkstatt Lautertal"},
        expected_version=app.version,
    )
    assert found(app, "zukunftswerkstatt")  # German stemming: "Zukunftswerkstätten" too
    application_update_section(
        application=app,
        user=user,
        section="project",
        data={"title": "Vielfalt im Odenwald"},
        expected_version=app.version,
    )
    assert found(app, "odenwald") and not found(app, "zukunftswerkstatt")


def test_the_reference_is_searchable_after_submission(complete_app, applicant):
    application_submit(application=complete_app, user=applicant)
    complete_app.refresh_from_db()
    prefix, year, number = complete_app.reference.rsplit("-", 2)
    # Every part, also a prefix the German configuration would drop as a stop word.
    assert found(complete_app, number) and found(complete_app, year, number)
    assert found(complete_app, prefix.split("-")[0].lower())


def test_partners_added_declined_and_removed(draft):
    app, lead_user = draft
    lindenfels = MunicipalityFactory(population=4_000, name="Lindenfels")
    partner = partner_add(application=app, user=lead_user, municipality=lindenfels)
    assert found(app, "lindenfels")  # pending partners count
    partner_respond(partner=partner, user=staff_for(lindenfels), confirm=False)
    assert not found(app, "lindenfels")  # declined ones do not
    partner = partner_add(application=app, user=lead_user, municipality=lindenfels)
    assert found(app, "lindenfels")
    partner_remove(partner=partner, user=lead_user)
    assert not found(app, "lindenfels") and found(app, "lautertal")


def test_a_renamed_municipality(db):
    lead = MunicipalityFactory(name="Altdorf")
    partner = MunicipalityFactory(name="Neuweiler", population=3_000)
    app = ApplicationFactory(lead_municipality=lead, title="Gemeinsam")
    ApplicationPartnerFactory(application=app, municipality=partner)
    other = ApplicationFactory(title="Anderswo")

    lead.name = "Altstadt"
    lead.save()
    partner.name = "Hochweiler"
    partner.save(update_fields=["name"])

    assert found(app, "altstadt") and found(app, "hochweiler")
    assert not found(app, "altdorf") and not found(app, "neuweiler")
    assert found(other, "anderswo")


def test_a_municipality_renamed_by_the_register_import(tmp_path):
    sample = settings.BASE_DIR / "municipalities" / "data" / "sample_gv100ad.asc"
    call_command("import_municipalities", str(sample), stdout=StringIO())
    birkenau = Municipality.objects.get(ags="06431004")
    app = ApplicationFactory(lead_municipality=birkenau, title="Gemeinsam")
    assert found(app, "birkenau")

    lines = sample.read_bytes().decode("utf-8").split("\r\n")[:-1]
    i = line_index(lines, "06431004")
    lines[i] = lines[i][:22] + "Birkenau-Hornbach".ljust(50) + lines[i][72:]
    changed = write_gv100ad(tmp_path / "changed.asc", lines)
    call_command("import_municipalities", str(changed), stdout=StringIO())

    assert found(app, "hornbach")


def test_saving_an_instance_keeps_the_vector(draft):
    """Only applications.search writes the vector: a model instance from before a refresh
    (here: one that never had a vector in memory) does not put it back when saved."""
    app, user = draft
    stale = Application.objects.get(pk=app.pk)
    fresh = ApplicationFactory.build()  # an instance's vector is None until read back
    assert fresh.search_vector is None
    application_update_section(
        application=app,
        user=user,
        section="project",
        data={"title": "Neue Wege"},
        expected_version=app.version,
    )
    stale.save()
    app.save()
    assert found(app, "wege")


def test_the_data_migration_fills_existing_rows(db):
    migration = importlib.import_module("applications.migrations.0015_application_search_vector")
    app = ApplicationFactory(
        lead_municipality=MunicipalityFactory(name="Grasellenbach"),
        title="Brücken bauen",
        status=Status.SUBMITTED,
    )
    ApplicationPartnerFactory(
        application=app, municipality=MunicipalityFactory(name="Wald-Michelbach")
    )
    Application.objects.update(search_vector=None)
    assert not found(app, "brücken")

    migration.fill_search_vectors(apps, None)

    assert found(app, "brücken") and found(app, "grasellenbach") and found(app, "michelbach")
    assert found(app, app.reference.rsplit("-", 1)[1])


def test_refresh_of_nothing_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search_vectors_refresh([]) == 0
