"""The RP overview's search reads the stored search vector (applications/search.py): it finds
by title, reference and partner, costs the same number of queries at two sizes, never computes
``to_tsvector`` per row (neither for the page nor for its count), and PostgreSQL serves it from
the GIN index once the round is large enough for an index to pay."""

from __future__ import annotations

import itertools

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, PartnerStatus
from applications.search import search_vectors_refresh
from applications.workflow import Status
from reviews.selectors import OverviewFilters, round_applications
from reviews.views.common import PAGE_SIZE
from tests.factories import ApplicationFactory, ApplicationPartnerFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

INDEX = "application_search_vector"


@pytest.fixture
def searched_world(round_):
    bensheim = ApplicationFactory(
        round=round_,
        lead_municipality=MunicipalityFactory(name="Bensheim"),
        status=Status.SUBMITTED,
        title="Streuobstwiesen verbinden",
    )
    lich = ApplicationFactory(
        round=round_,
        lead_municipality=MunicipalityFactory(name="Lich"),
        status=Status.IN_REVIEW,
        title="Vielfalt leben",
    )
    ApplicationPartnerFactory(
        application=lich, municipality=MunicipalityFactory(name="Hungen", population=5_000)
    )
    ApplicationPartnerFactory(
        application=lich,
        municipality=MunicipalityFactory(name="Laubach", population=5_000),
        status=PartnerStatus.DECLINED,
    )
    return {"bensheim": bensheim, "lich": lich}


def search(client, round_, q: str) -> str:
    response = client.get(reverse("reviews:overview", args=[round_.pk]), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "q, expected",
    [
        ("streuobst", "bensheim"),  # a prefix of a word of the title
        ("Bensheim", "bensheim"),  # the lead municipality
        ("hungen", "lich"),  # a partner
        ("vielfalt hungen", "lich"),  # every word must match
    ],
)
def test_the_overview_finds(client, login, round_, case_officer, searched_world, q, expected):
    login(client, case_officer)
    html = search(client, round_, q)
    found = {key for key, app in searched_world.items() if f">{app.reference}</a>" in html}
    assert found == {expected}
    assert "1 Antrag gefunden." in html


def test_a_name_that_begins_with_a_stop_word_is_found(client, login, round_, case_officer):
    """The German configuration drops "weiter" (a stop word); Weiterstadt must still be found
    by its beginning."""
    app = ApplicationFactory(
        round=round_,
        lead_municipality=MunicipalityFactory(name="Weiterstadt"),
        status=Status.SUBMITTED,
        title="Ankommen und bleiben",
    )
    ApplicationFactory(round=round_, status=Status.SUBMITTED, title="Neue Wege")
    login(client, case_officer)
    html = search(client, round_, "Weiter")
    assert f">{app.reference}</a>" in html
    assert "1 Antrag gefunden." in html
    assert f">{app.reference}</a>" in search(client, round_, "weiter ankommen")


def test_the_overview_finds_by_reference(client, login, round_, case_officer, searched_world):
    """As typed from a letter: the whole reference, or its number alone."""
    login(client, case_officer)
    lich = searched_world["lich"]
    for q in (lich.reference, lich.reference.lower(), lich.reference.rsplit("-", 1)[1]):
        html = search(client, round_, q)
        assert f">{lich.reference}</a>" in html and "1 Antrag gefunden." in html, q


def test_a_declined_partner_does_not_find_the_application(
    client, login, round_, case_officer, searched_world
):
    login(client, case_officer)
    assert "0 Anträge gefunden." in search(client, round_, "laubach")


def test_the_searched_overview_costs_the_same_queries(
    client, login, round_, case_officer, assert_constant_queries
):
    login(client, case_officer)
    response = assert_constant_queries(
        reverse("reviews:overview", args=[round_.pk]) + "?q=musterhausen",
        make_rows=lambda n: ApplicationFactory.create_batch(
            n, round=round_, status=Status.SUBMITTED
        ),
        client=client,
    )
    assert "20 Anträge gefunden." in response.content.decode()  # the search did match


# At programme scale ----------------------------------------------------------------------------
WORDS = [
    "Vielfalt",
    "Teilhabe",
    "Integration",
    "Zusammenhalt",
    "Begegnung",
    "Nachbarschaft",
    "Ehrenamt",
    "Sprache",
    "Bildung",
    "Jugend",
    "Familie",
    "Quartier",
    "Dialog",
    "Heimat",
    "Zukunft",
    "Willkommen",
    "Netzwerk",
    "Kultur",
    "Sport",
    "Beteiligung",
    "Senioren",
    "Arbeit",
    "Wohnen",
    "Gesundheit",
    "Dorf",
    "Stadt",
    "Werkstatt",
    "Brücken",
    "Wege",
    "Miteinander",
]


SEEDED = 10_000
MATCH_EVERY = 500  # 20 of 10,000 applications match: one page, few rows


def seed_round(round_, n: int) -> None:
    """``n`` submitted applications of 200 municipalities with titles of three common words,
    written directly, their vectors refreshed, and the table analysed; one in
    ``MATCH_EVERY`` has a title word the others do not use. A search as people make it: a
    rare word, a page of matches. (With one match the page's LIMIT is 1, and with hundreds of
    matches a page is found early in the sort order's index: then PostgreSQL rightly walks
    that index and filters by the stored vector, which computes no vector either.)

    Why 200 municipalities: PostgreSQL estimates a prefix match (``wort:*``) from the most
    common lexemes of the column; with fewer than 100 of them it assumes 2 % of the rows and
    prefers a sequential scan. A real round (varied titles, many municipalities) has them."""
    leads = MunicipalityFactory.create_batch(200)
    now = timezone.now()
    titles = itertools.cycle(itertools.permutations(WORDS, 3))
    Application.objects.bulk_create(
        Application(
            round=round_,
            lead_municipality=leads[i % len(leads)],
            status=Status.SUBMITTED,
            reference=f"{round_.reference_prefix}-{i + 1:05d}",
            submitted_at=now,
            title="Streuobstwiesen " + " ".join(next(titles))
            if i % MATCH_EVERY == 0
            else " ".join(next(titles)),
        )
        for i in range(n)
    )
    search_vectors_refresh(Application.objects.filter(round=round_).values("pk"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applications_application")


def test_the_search_uses_the_gin_index(round_, case_officer):
    seed_round(round_, SEEDED)
    qs, _ = round_applications(
        user=case_officer, round=round_, filters=OverviewFilters(q="Streuobstwiesen")
    )
    plan = qs.explain()
    assert INDEX in plan, plan

    # What the view runs: the count and the page, two queries, both through the index, and
    # neither computes a vector.
    with CaptureQueriesContext(connection) as captured:
        page = Paginator(qs, PAGE_SIZE).get_page(1)
        rows = list(page.object_list)
    assert len(rows) == page.paginator.count == SEEDED // MATCH_EVERY
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) == 2, statements
    assert not any("to_tsvector" in sql for sql in statements), statements
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert INDEX in plan, plan
