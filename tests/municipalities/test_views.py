"""The public register pages /kommunen/ and /kommunen/<ags>/, and the admin."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from municipalities.models import Municipality

LIST_URL = reverse("municipalities:list")


class _Html(HTMLParser):
    """Collects the tags of a page with their attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def names(response) -> list[str]:
    return [m.name for m in response.context["municipalities"]]


@pytest.fixture
def register(municipality_factory):
    """A small register: three Regierungsbezirke, four Kreise, every size band."""
    f = municipality_factory
    return {
        "darmstadt": f(
            ags="06411000",
            name="Darmstadt, Wissenschaftsstadt",
            kind="kreisfreie_stadt",
            kreis="Darmstadt, Wissenschaftsstadt",
            regierungsbezirk="Darmstadt",
            population=159_174,
            area_ha=12_207,
        ),
        "bensheim": f(
            ags="06431002",
            name="Bensheim, Stadt",
            kind="stadt",
            kreis="Bergstraße",
            population=40_791,
        ),
        "birkenau": f(ags="06431004", name="Birkenau", kreis="Bergstraße", population=9_852),
        "michelbuch": f(
            ags="06431200",
            name="Michelbuch, gemfr. Gebiet",
            kind="gemeindefrei",
            kreis="Bergstraße",
            population=0,
        ),
        "lollar": f(
            ags="06531013",
            name="Lollar, Stadt",
            kind="stadt",
            kreis="Gießen",
            regierungsbezirk="Gießen",
            population=10_399,
        ),
        "kassel_stadt": f(
            ags="06611000",
            name="Kassel, documenta-Stadt",
            kind="kreisfreie_stadt",
            kreis="Kassel, documenta-Stadt",
            regierungsbezirk="Kassel",
            population=201_048,
        ),
        "berkatal": f(
            ags="06636002",
            name="Berkatal",
            kreis="Werra-Meißner-Kreis",
            regierungsbezirk="Kassel",
            population=1_442,
        ),
        "retired": f(
            ags="06635005", name="Bromskirchen", regierungsbezirk="Kassel", is_active=False
        ),
    }


@pytest.mark.django_db
class TestList:
    def test_public_page_lists_the_active_municipalities(self, client, register):
        response = client.get(LIST_URL)

        assert response.status_code == 200
        assert names(response) == [
            "Bensheim, Stadt",
            "Berkatal",
            "Birkenau",
            "Darmstadt, Wissenschaftsstadt",
            "Kassel, documenta-Stadt",
            "Lollar, Stadt",
            "Michelbuch, gemfr. Gebiet",
        ]
        assert "Bromskirchen" not in response.content.decode()

    def test_table_markup_numbers_and_attribution(self, client, register):
        html = client.get(LIST_URL).content.decode()

        assert 'class="kern-table' in html
        assert "kern-table__header" in html
        assert "kern-table__cell--numeric" in html
        assert "159.174" in html  # German thousands separator
        assert "10.399" in html
        source = re.search(r'<p class="wir-source">(.*?)</p>', html, re.S).group(1)
        assert "© Statistisches Bundesamt (Destatis), 2021" in source
        assert "Vervielfältigung und Verbreitung, auch auszugsweise, mit Quellenangabe" in source
        assert "Gebietsstand 30.11.2021" in source
        assert "Stichtag 31.12.2020" in source
        # the attribution comes after the table
        assert html.index("</table>") < html.index('class="wir-source"')

    def test_accessibility_basics(self, client, register):
        html = client.get(LIST_URL).content.decode()
        page = _Html(html)

        assert len(page.all("h1")) == 1
        assert len(page.all("caption")) == 1
        assert page.all("th")
        assert all(th.get("scope") in {"col", "row"} for th in page.all("th"))
        main = html[html.index("<main") : html.index("</main>")]
        filters = _Html(main)
        labelled = {label.get("for") for label in filters.all("label")}
        controls = [
            *[i for i in filters.all("input") if i.get("type") not in {"hidden", "submit"}],
            *filters.all("select"),
        ]
        assert {c["name"] for c in controls} >= {"q", "regierungsbezirk", "kreis", "groesse"}
        assert all(c.get("id") in labelled for c in controls)
        assert 'method="get"' in main

    def test_search_by_name(self, client, register):
        assert names(client.get(LIST_URL, {"q": "kassel"})) == ["Kassel, documenta-Stadt"]
        assert names(client.get(LIST_URL, {"q": "Be"})) == ["Bensheim, Stadt", "Berkatal"]

    def test_search_by_ags(self, client, register):
        assert names(client.get(LIST_URL, {"q": "06411000"})) == ["Darmstadt, Wissenschaftsstadt"]
        assert names(client.get(LIST_URL, {"q": "06431"})) == [
            "Bensheim, Stadt",
            "Birkenau",
            "Michelbuch, gemfr. Gebiet",
        ]

    def test_filter_by_regierungsbezirk(self, client, register):
        response = client.get(LIST_URL, {"regierungsbezirk": "Kassel"})

        assert names(response) == ["Berkatal", "Kassel, documenta-Stadt"]

    def test_filter_by_kreis(self, client, register):
        response = client.get(LIST_URL, {"kreis": "06431"})

        assert names(response) == ["Bensheim, Stadt", "Birkenau", "Michelbuch, gemfr. Gebiet"]
        html = response.content.decode()
        assert '<optgroup label="Darmstadt">' in html
        assert re.search(r'<option value="06431" selected>\s*Bergstraße', html)

    @pytest.mark.parametrize(
        ("band", "expected"),
        [
            ("0", ["Michelbuch, gemfr. Gebiet"]),
            ("lt10k", ["Berkatal", "Birkenau"]),
            ("10k-50k", ["Bensheim, Stadt", "Lollar, Stadt"]),
            ("gt50k", ["Darmstadt, Wissenschaftsstadt", "Kassel, documenta-Stadt"]),
        ],
    )
    def test_filter_by_size_band(self, client, register, band, expected):
        assert names(client.get(LIST_URL, {"groesse": band})) == expected

    def test_filters_combine(self, client, register):
        response = client.get(
            LIST_URL, {"regierungsbezirk": "Darmstadt", "groesse": "lt10k", "q": "bir"}
        )

        assert names(response) == ["Birkenau"]

    def test_invalid_filter_value_is_reported_and_ignored(self, client, register):
        response = client.get(LIST_URL, {"kreis": "99999", "q": "Ber"})

        assert response.status_code == 200
        assert response.context["form"].errors["kreis"]
        assert names(response) == ["Berkatal"]

    def test_nothing_found(self, client, register):
        response = client.get(LIST_URL, {"q": "Atlantis"})

        assert names(response) == []
        assert "Keine Kommune entspricht der Suche" in response.content.decode()

    def test_pagination_fifty_a_page(self, client, municipality_factory):
        municipality_factory.create_batch(120, regierungsbezirk="Gießen")

        first = client.get(LIST_URL, {"regierungsbezirk": "Gießen"})
        last = client.get(LIST_URL, {"regierungsbezirk": "Gießen", "page": 3})

        all_names = sorted(Municipality.objects.values_list("name", flat=True))
        assert names(first) == all_names[:50]
        assert names(last) == all_names[100:]
        html = first.content.decode()
        assert "Seite 1 von 3" in html
        assert 'href="?regierungsbezirk=Gie%C3%9Fen&amp;page=2"' in html
        assert "120 Kommunen gefunden" in html
        # a page number out of range shows the last page, not an error
        assert client.get(LIST_URL, {"page": 99}).context["page_obj"].number == 3


@pytest.mark.django_db
class TestDetail:
    def test_shows_every_field(self, client, register):
        response = client.get(reverse("municipalities:detail", args=["06411000"]))

        html = response.content.decode()
        assert response.status_code == 200
        assert len(_Html(html).all("h1")) == 1
        for text in [
            "Darmstadt, Wissenschaftsstadt",
            "06411000",
            "Kreisfreie Stadt",
            "Darmstadt",
            "159.174 (Stichtag 31.12.2020)",
            "122,07 km² (12.207 ha)",
            "64283",
            "30.11.2021",
            "Statistisches Bundesamt (Destatis)",
        ]:
            assert text in html

    def test_retired_municipality_is_shown_as_such(self, client, register):
        response = client.get(reverse("municipalities:detail", args=["06635005"]))

        assert response.status_code == 200
        assert "nicht mehr im aktuellen Gemeindeverzeichnis" in response.content.decode()

    def test_unknown_ags_is_404(self, client, register):
        assert client.get(reverse("municipalities:detail", args=["06999999"])).status_code == 404
        assert client.get("/kommunen/quatsch/").status_code == 404


@pytest.mark.django_db
class TestAdmin:
    """The admin's search and filters, through its ChangeList (the admin pages themselves sit
    behind login and the second factor, tested with the accounts)."""

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"q": "Birkenau"}, 1),
            ({"q": "06431"}, 3),
            ({"regierungsbezirk__exact": "Kassel"}, 3),
            ({"kreis__exact": "Bergstraße"}, 3),
            ({"groesse": "gt50k"}, 2),
            ({"groesse": "lt10k", "regierungsbezirk__exact": "Darmstadt"}, 1),
        ],
    )
    def test_changelist_search_and_filters(self, register, django_user_model, params, expected):
        request = RequestFactory().get(
            reverse("admin:municipalities_municipality_changelist"), params
        )
        request.user = django_user_model(is_superuser=True, is_staff=True, is_active=True)

        changelist = admin.site.get_model_admin(Municipality).get_changelist_instance(request)

        assert changelist.result_count == expected
