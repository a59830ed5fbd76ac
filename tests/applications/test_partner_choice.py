"""Issue 9.12: the partner step offers only municipalities that can be partners, found by a
search that works without JavaScript (and refreshes the list with htmx), labelled as
"Allendorf (Lumda), Stadt (Landkreis Gießen, 4.034 Einwohnerinnen und Einwohner)", in German
alphabetical order."""

import re

import pytest
from django.urls import reverse

from applications import selectors
from applications.eligibility import check_partner
from municipalities.models import Municipality, MunicipalityKind
from tests.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def town(name, population=4_034, kreis="Gießen", **kw):
    return MunicipalityFactory(name=name, population=population, kreis=kreis, **kw)


@pytest.fixture
def setup(client):
    round_ = FundingRoundFactory()  # upper bound 50.000, joint below 10.000
    lead = town("Rabenau", population=5_000)
    staff = staff_for(lead)
    app = ApplicationFactory(round=round_, lead_municipality=lead, created_by=staff)
    other_lead = town("Grünberg, Stadt", population=13_000)
    other = ApplicationFactory(round=round_, lead_municipality=other_lead)
    partner_elsewhere = town("Lollar, Stadt", population=10_000)
    ApplicationPartnerFactory(application=other, municipality=partner_elsewhere)
    towns = {
        "allendorf": town("Allendorf (Lumda), Stadt"),
        "buedingen": town("Büdingen, Stadt", population=21_000, kreis="Wetteraukreis"),
        "butzbach": town(
            "Butzbach, Friedrich-Ludwig-Weidig-Stadt", population=26_000, kreis="Wetteraukreis"
        ),  # fmt: skip
        "oelbach": town("Ölbach", population=900),
        "ortenberg": town("Ortenberg, Stadt", population=9_000, kreis="Wetteraukreis"),
        "too_large": town("Gießen, Universitätsstadt", population=90_000),
        "inactive": town("Altgemeinde", is_active=False),
        "gemeindefrei": town("Gutsbezirk", population=10, kind=MunicipalityKind.GEMEINDEFREI),
        "not_hessian": MunicipalityFactory(ags="07111000", name="Koblenz", population=40_000),
        "other_lead": other_lead,
        "partner_elsewhere": partner_elsewhere,
        "lead": lead,
    }
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    return client, app, towns


def test_only_municipalities_that_can_be_partners_are_candidates(setup):
    _, app, towns = setup
    names = list(selectors.partner_candidates(application=app).values_list("name", flat=True))
    assert names == [
        "Allendorf (Lumda), Stadt",
        "Büdingen, Stadt",  # German order: ü as u, before "Butzbach"
        "Butzbach, Friedrich-Ludwig-Weidig-Stadt",
        "Ölbach",  # Ö as O, not after Z
        "Ortenberg, Stadt",
    ]


def test_candidates_are_exactly_the_municipalities_the_service_accepts(setup):
    _, app, _ = setup
    candidates = set(selectors.partner_candidates(application=app))
    for municipality in Municipality.objects.all():
        accepted = not check_partner(
            app.round, municipality, lead=app.lead_municipality, application=app
        )
        assert (municipality in candidates) == accepted, municipality.name


def test_a_partner_named_is_no_candidate_any_more(setup):
    _, app, towns = setup
    ApplicationPartnerFactory(application=app, municipality=towns["allendorf"])
    assert towns["allendorf"] not in selectors.partner_candidates(application=app)


def test_page_offers_the_lead_s_kreis_with_correct_labels_as_radio_buttons(setup):
    client, app, _ = setup
    page = client.get(reverse("applications:partners", args=[app.pk])).content.decode()
    labels = re.findall(r'<label class="kern-label" for="id_municipality_\d+">(.*?)</label>', page)
    assert labels == [
        "Allendorf (Lumda), Stadt (Landkreis Gießen, 4.034 Einwohnerinnen und Einwohner)",
        "Ölbach (Landkreis Gießen, 900 Einwohnerinnen und Einwohner)",
    ]
    assert "Kommunen im Landkreis Gießen, die Partnerkommune werden können." in page
    assert "<select" not in page


def test_search_without_javascript_finds_any_candidate_in_german_order(setup):
    client, app, _ = setup
    url = reverse("applications:partners", args=[app.pk])
    page = client.get(url, {"suche": "stadt"}).content.decode()
    labels = re.findall(r'<label class="kern-label" for="id_municipality_\d+">(.*?)</label>', page)
    assert [label.rsplit(" (", 1)[0] for label in labels] == [
        "Allendorf (Lumda), Stadt",
        "Büdingen, Stadt",
        "Butzbach, Friedrich-Ludwig-Weidig-Stadt",
        "Ortenberg, Stadt",
    ]
    assert "4 Kommunen passen zu „stadt“." in page
    assert 'value="stadt"' in page  # the search field and the hidden field keep the text
    page = client.get(url, {"suche": "Gießen, Univ"}).content.decode()
    assert "Keine Kommune, die Partnerkommune werden kann, passt zu „Gießen, Univ“." in page


def test_search_with_htmx_answers_with_the_list_only(setup):
    client, app, _ = setup
    url = reverse("applications:partners", args=[app.pk])
    html = client.get(url, {"suche": "lumda"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="partner-choice"')
    assert "<html" not in html
    assert "Allendorf (Lumda), Stadt (Landkreis Gießen, 4.034 Einwohnerinnen und Einwohner)" in html
    assert "Ölbach" not in html
    page = client.get(url).content.decode()
    assert 'hx-get="' + url + '"' in page and 'hx-target="#partner-choice"' in page


def test_choosing_a_search_result_adds_it_and_an_ineligible_one_is_refused(setup):
    client, app, towns = setup
    url = reverse("applications:partners", args=[app.pk])
    response = client.post(
        url, {"municipality": towns["too_large"].pk, "suche": "Gießen", "add_partner": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Diese Kommune kann nicht Partnerkommune werden." in page
    assert not app.partners.exists()
    response = client.post(
        url, {"municipality": towns["buedingen"].pk, "suche": "büd", "add_partner": "1"}
    )
    assert response.status_code == 302
    assert list(app.partners.values_list("municipality__name", flat=True)) == ["Büdingen, Stadt"]


def test_municipalities_are_listed_in_german_order_everywhere():
    from django.contrib import admin
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from tests.factories import AdminFactory

    for name in ("Butzbach", "Ölbach", "Büdingen", "Zwingenberg", "Ortenberg"):
        MunicipalityFactory(name=name)
    assert list(Municipality.objects.values_list("name", flat=True)) == [
        "Büdingen", "Butzbach", "Ölbach", "Ortenberg", "Zwingenberg",
    ]  # fmt: skip
    request = RequestFactory().get("/admin/municipalities/municipality/")
    request.user = AdminFactory(is_superuser=True, is_staff=True)
    SessionMiddleware(lambda r: None).process_request(request)
    response = admin.site.get_model_admin(Municipality).changelist_view(request)
    response.render()
    html = response.content.decode()
    assert html.index("Büdingen") < html.index("Butzbach") < html.index("Ölbach")
