"""Downstream readers with configured questions: the RP search finds long text answers, the
CSV and XLSX exports have one column per question, the RP detail page and the receipt PDF
show the answers by section."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.models import Application
from applications.search import search_query
from applications.services import application_answers_save
from applications.workflow import Status
from documents.receipts import receipt_pdf
from tests.accounts.factories import login_verified
from tests.factories import ApplicationFactory, CaseOfficerFactory

from .conftest import COMPLETE_ANSWERS

pytestmark = pytest.mark.django_db


def _found(word: str) -> set[int]:
    return set(
        Application.objects.filter(search_vector=search_query([word])).values_list("pk", flat=True)
    )


def test_long_text_answers_are_searchable(guides_draft, staff):
    application_answers_save(
        application=guides_draft, user=staff, section_key="lotsen",
        expected_version=guides_draft.version,
        data={"name": "Brückenbauer", "beschreibung": "Patenschaften für Geflüchtete"},
    )  # fmt: skip
    assert guides_draft.pk in _found("patenschaften")
    assert guides_draft.pk in _found("gefluchtet") or guides_draft.pk in _found("geflüchtete")
    assert guides_draft.pk not in _found("brückenbauer")  # short text: not in the index
    guides_draft.refresh_from_db()
    application_answers_save(
        application=guides_draft, user=staff, section_key="lotsen",
        expected_version=guides_draft.version,
        data={"beschreibung": "Begleitung zu Behörden"},
    )  # fmt: skip
    assert guides_draft.pk not in _found("patenschaften")
    assert guides_draft.pk in _found("behörden")


@pytest.fixture
def ranked(guides_round, town):
    return ApplicationFactory(
        round=guides_round, lead_municipality=town, complete=True, status=Status.IN_REVIEW,
        answers={**COMPLETE_ANSWERS, "beschreibung": "=HYPERLINK(\"x\")", "honorar": "1234.50"},
    )  # fmt: skip


def test_csv_has_one_column_per_question(client, guides_round, ranked):
    login_verified(client, CaseOfficerFactory())
    response = client.get(reverse("reviews:ranking_csv", args=[guides_round.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    header, first = rows[0], rows[1]
    for label in ("Name des Projekts", "Honorar je Stunde", "Zeitraum der Schulung",
                  "Gibt es Vorkenntnisse?", "Alle Zielgruppen", "Internetseite"):  # fmt: skip
        assert label in header, label
    assert "Schulungskonzept" not in header  # an attachment has no answer to export
    value = dict(zip(header, first, strict=False))
    assert value["Name des Projekts"] == "Lotsen für Bensheim"
    assert value["Honorar je Stunde"] == "1.234,50"
    assert value["Stichtag"] == "01.03.2027"
    assert value["Anzahl der Lotsen"] == "12"
    assert value["Gibt es Vorkenntnisse?"] == "nein"
    assert value["Zeitraum der Schulung"] == "01.04.2027 – 30.06.2027"
    assert value["Alle Zielgruppen"] == "Jugendliche, Familien"
    assert value["Beschreibung"] == '\'=HYPERLINK("x")'  # no formula from an answer
    assert value["Internetseite"] == ""


def test_xlsx_has_an_answers_sheet_with_typed_cells(client, guides_round, ranked):
    login_verified(client, CaseOfficerFactory())
    response = client.get(reverse("reviews:ranking_xlsx", args=[guides_round.pk]))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Antworten"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Rang", "Aktenzeichen", "Antragstellende Kommune"]
    row = dict(zip(header, list(sheet[2]), strict=False))
    assert row["Antragstellende Kommune"].value == "Bensheim"
    assert row["Honorar je Stunde"].value == 1234.5
    assert "€" in row["Honorar je Stunde"].number_format
    assert row["Anzahl der Lotsen"].value == 12
    assert row["Stichtag"].value == dt.datetime(2027, 3, 1)
    assert row["Wichtigste Zielgruppe"].value == "Jugendliche"


def test_rp_detail_shows_the_answers_by_section(client, guides_round, ranked):
    login_verified(client, CaseOfficerFactory())
    html = client.get(reverse("reviews:detail", args=[ranked.pk])).content.decode()
    assert html.index("Die Lotsinnen und Lotsen") < html.index("Lotsen für Bensheim")
    assert html.index("Zielgruppen") < html.index("Jugendliche, Familien")
    assert "1.234,50 €" in html and "01.04.2027 – 30.06.2027" in html


def test_receipt_pdf_shows_the_answers(ranked):
    pdf = receipt_pdf(ranked)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "3.1 Die Lotsinnen und Lotsen" in text
    assert "3.2 Zielgruppen" in text
    assert "Lotsen für Bensheim" in text and "1.234,50 €" in text
