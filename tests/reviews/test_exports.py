"""Issue 9.1 and 9.2: the ranking exports survive every stored text (control characters that
openpyxl refuses) and never hand a formula to the spreadsheet program (OWASP CSV injection),
while numbers stay numbers. Every CSV and XLSX writer uses ``core.spreadsheets``."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from core.spreadsheets import csv_cell, safe_text, xlsx_cell
from reviews import exports, selectors

pytestmark = pytest.mark.django_db

C0_CONTROLS = [chr(code) for code in range(0x20)]
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
TITLE_COLUMN = 4  # zero-based: Rang, Aktenzeichen, Kommune, Kreis, Titel
REQUESTED_COLUMN = 12


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _xlsx_sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def _rows_with_title(round_, title: str):
    rows = selectors.round_ranking(round_)
    rows[0].application.title = title  # in memory: NUL cannot even be stored in PostgreSQL
    return rows


# Every C0 control character, in the middle and at the start of a title -------------------------
@pytest.mark.parametrize("char", C0_CONTROLS, ids=[f"U+{ord(c):04X}" for c in C0_CONTROLS])
def test_xlsx_export_survives_every_control_character(round_, in_review, char):
    rows = _rows_with_title(round_, f"Vor{char}Ort{char}")
    sheet = _xlsx_sheet(exports.ranking_xlsx(round_, rows))
    cell = sheet.cell(5, TITLE_COLUMN + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith("Vor") and "Ort" in cell.value
    assert not any(c in cell.value for c in C0_CONTROLS if c not in "\t\n\r")


@pytest.mark.parametrize("char", C0_CONTROLS, ids=[f"U+{ord(c):04X}" for c in C0_CONTROLS])
def test_csv_export_survives_every_control_character(round_, in_review, char):
    rows = _rows_with_title(round_, f"{char}Vor{char}Ort")
    parsed = _csv_rows(exports.ranking_csv(round_, rows))
    title = parsed[1][TITLE_COLUMN]
    assert "Vor" in title and "Ort" in title
    assert not any(c in title for c in C0_CONTROLS if c not in "\t\n\r")
    assert not title.startswith(tuple(FORMULA_STARTS))


def test_vertical_tab_from_word_becomes_a_line_break(round_, in_review):
    rows = _rows_with_title(round_, "Zeile eins\vZeile zwei")
    sheet = _xlsx_sheet(exports.ranking_xlsx(round_, rows))
    assert sheet.cell(5, TITLE_COLUMN + 1).value == "Zeile eins\nZeile zwei"


# Every dangerous first character -----------------------------------------------------------------
@pytest.mark.parametrize("start", FORMULA_STARTS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_xlsx_export_writes_formulas_as_text(round_, in_review, start):
    title = f'{start}HYPERLINK("https://evil.example","Klick")'
    sheet = _xlsx_sheet(exports.ranking_xlsx(round_, _rows_with_title(round_, title)))
    cell = sheet.cell(5, TITLE_COLUMN + 1)
    assert cell.data_type == "s"
    # Whether a lone CR reads back as CR or LF depends on the XML parser openpyxl finds (lxml
    # keeps the escaped CR); either way the cell holds the text, not a formula.
    assert cell.value.replace("\r", "\n") == "'" + title.replace("\r", "\n")
    requested = sheet.cell(5, REQUESTED_COLUMN + 1)
    assert requested.data_type == "n" and requested.value == float(in_review.requested_grant)


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_csv_export_escapes_formulas(round_, in_review, start):
    title = f"{start}cmd|' /C calc'!A0"
    parsed = _csv_rows(exports.ranking_csv(round_, _rows_with_title(round_, title)))
    assert parsed[1][TITLE_COLUMN] == "'" + title
    assert parsed[1][0] == "1"  # the rank stays a plain number


def test_numbers_stay_numbers_even_when_negative():
    assert xlsx_cell(Decimal("-12.50")) == -12.5
    assert xlsx_cell(-3) == -3
    assert csv_cell(Decimal("-1234.5")) == "-1.234,50"
    assert csv_cell(7) == "7"
    assert safe_text("-1234,50") == "'-1234,50"  # but text that merely looks like one is text


# The views answer 200 with what is stored --------------------------------------------------------
@pytest.mark.parametrize("name", ["reviews:ranking_xlsx", "reviews:ranking_csv"])
def test_export_views_answer_200_for_hostile_titles(
    client, login, case_officer, round_, in_review, name
):
    Application.objects.filter(pk=in_review.pk).update(title="=SUMME(1;2)\vSchnell\x1bneu")
    in_review.lead_municipality.__class__.objects.filter(pk=in_review.lead_municipality_id).update(
        name="@Heppenheim"
    )
    login(client, case_officer)
    response = client.get(reverse(name, args=[round_.pk]))
    assert response.status_code == 200
    if name.endswith("xlsx"):
        sheet = _xlsx_sheet(response.content)
        values = [c.value for c in sheet[5]]
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    else:
        values = _csv_rows(response.content)[1]
    assert values[TITLE_COLUMN] == "'=SUMME(1;2)\nSchnellneu"
    assert values[2] == "'@Heppenheim"
