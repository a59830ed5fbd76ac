"""The ranking as CSV (German Excel dialect: semicolons, decimal commas, UTF-8 with BOM) and
as XLSX (openpyxl, real numbers with German-looking number formats). Every cell goes through
``wir_portal.spreadsheets`` (no control characters, no formulas from stored text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from applications.models import FundingRound
from wir_portal.spreadsheets import clean_text, csv_row, xlsx_cell, xlsx_row

from .selectors import RankingRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = (
    "Rang",
    "Aktenzeichen",
    "Antragstellende Kommune",
    "Kreis",
    "Titel des Vorhabens",
    "Status",
    "Abgeschlossene Gutachten",
    "Mittelwert (gewichtet)",
    "Niedrigste Bewertung",
    "Höchste Bewertung",
    "Spannweite",
    "Auffällige Abweichung",
    "Beantragte Zuwendung (EUR)",
    "Kumuliert beantragt (EUR)",
    "Innerhalb des Budgets",
    "Einwohnerzahl (mit Partnerkommunen)",
)
WIDTHS = (7, 16, 30, 28, 40, 18, 12, 12, 12, 12, 11, 12, 16, 16, 12, 14)
EURO_FORMAT = '#,##0.00 "€"'
SCORE_FORMAT = "0.00"


def filename(round_: FundingRound, extension: str) -> str:
    return f"Rangliste_{round_.reference_prefix}_{timezone.localdate():%Y-%m-%d}.{extension}"


def _values(row: RankingRow) -> list:
    app = row.application
    return [
        row.rank,
        app.reference,
        app.lead_municipality.name,
        app.lead_municipality.kreis,
        app.title,
        app.get_status_display(),
        row.final_reviews,
        row.mean_score,
        row.min_score,
        row.max_score,
        row.spread,
        "ja" if row.flagged else "nein",
        row.requested,
        row.cumulative_requested,
        "ja" if row.within_budget else "nein",
        app.combined_population,
    ]


def ranking_csv(round_: FundingRound, rows: Sequence[RankingRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(csv_row(HEADERS))
    for row in rows:
        writer.writerow(csv_row(_values(row)))
    writer.writerow([])
    writer.writerow(csv_row(["Budget der Förderrunde (EUR)", round_.budget]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def ranking_xlsx(round_: FundingRound, rows: Sequence[RankingRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rangliste"
    sheet.append([xlsx_cell(f"Rangliste – {round_.title}")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(["Budget der Förderrunde", round_.budget]))
    sheet["B2"].number_format = EURO_FORMAT
    sheet.append([])
    sheet.append(xlsx_row(HEADERS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F4F7")
    line = Side(style="medium", color="C0392B")
    for row in rows:
        sheet.append(xlsx_row(_values(row)))
        current = sheet.max_row
        for column in (8, 9, 10, 11):
            sheet.cell(current, column).number_format = SCORE_FORMAT
        for column in (13, 14):
            sheet.cell(current, column).number_format = EURO_FORMAT
        sheet.cell(current, 16).number_format = "#,##0"  # population
        if row.budget_line_before:  # the line where the money runs out
            for column in range(1, len(HEADERS) + 1):
                sheet.cell(current, column).border = Border(top=line)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    if rows:
        sheet.auto_filter.ref = (
            f"A{header_row}:{get_column_letter(len(HEADERS))}{header_row + len(rows)}"
        )
    workbook.properties.title = clean_text(f"Rangliste {round_.title}")
    workbook.properties.creator = "WIR-Portal, Regierungspräsidium Darmstadt"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
