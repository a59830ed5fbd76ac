"""The ranking as CSV (German Excel dialect: semicolons, decimal commas, UTF-8 with BOM) and
as XLSX (openpyxl, real numbers with German-looking number formats). Every cell goes through
``core.spreadsheets`` (no control characters, no formulas from stored text). After the fixed
columns come the answers, one column per question of the round's question set (issue 14),
typed: amounts and whole numbers as numbers, dates as dates, yes/no as "ja"/"nein"."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from applications.models import FundingRound
from core.spreadsheets import clean_text, csv_row, xlsx_cell, xlsx_row
from questionnaires.answers import typed_value
from questionnaires.models import Question, QuestionType
from questionnaires.selectors import question_set_questions

from .selectors import RankingRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = (
    gettext_lazy("Rang"),
    gettext_lazy("Aktenzeichen"),
    gettext_lazy("Antragstellende Kommune"),
    gettext_lazy("Kreis"),
    gettext_lazy("Titel des Vorhabens"),
    gettext_lazy("Status"),
    gettext_lazy("Abgeschlossene Gutachten"),
    gettext_lazy("Mittelwert (gewichtet)"),
    gettext_lazy("Niedrigste Bewertung"),
    gettext_lazy("Höchste Bewertung"),
    gettext_lazy("Spannweite"),
    gettext_lazy("Auffällige Abweichung"),
    gettext_lazy("Beantragte Zuwendung (EUR)"),
    gettext_lazy("Kumuliert beantragt (EUR)"),
    gettext_lazy("Innerhalb des Budgets"),
    gettext_lazy("Einwohnerzahl (mit Partnerkommunen)"),
)
WIDTHS = (7, 16, 30, 28, 40, 18, 12, 12, 12, 12, 11, 12, 16, 16, 12, 14)
EURO_FORMAT = '#,##0.00 "€"'
SCORE_FORMAT = "0.00"


def _headers(questions: Sequence[Question] = ()) -> list[str]:
    """The column headers in the active language."""
    return [str(header) for header in HEADERS] + [q.label for q in questions]


def export_questions(round_: FundingRound) -> list[Question]:
    """The questions of the round's (current) question set that have an answer to export."""
    return [
        q for q in question_set_questions(round_.question_set) if q.type != QuestionType.ATTACHMENT
    ]


def _answers(row: RankingRow, questions: Sequence[Question]) -> list:
    stored = row.application.answers or {}
    values = []
    for question in questions:
        value = typed_value(question, stored.get(question.key))
        if isinstance(value, bool):
            value = _("ja") if value else _("nein")
        values.append(value)
    return values


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
        _("ja") if row.flagged else _("nein"),
        row.requested,
        row.cumulative_requested,
        _("ja") if row.within_budget else _("nein"),
        app.combined_population,
    ]


def ranking_csv(round_: FundingRound, rows: Sequence[RankingRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    questions = export_questions(round_)
    writer.writerow(csv_row(_headers(questions)))
    for row in rows:
        writer.writerow(csv_row(_values(row) + _answers(row, questions)))
    writer.writerow([])
    writer.writerow(csv_row([_("Budget der Förderrunde (EUR)"), round_.budget]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def ranking_xlsx(round_: FundingRound, rows: Sequence[RankingRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rangliste")
    sheet.append([xlsx_cell(_("Rangliste – %(round)s") % {"round": round_.title})])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row([_("Budget der Förderrunde"), round_.budget]))
    sheet["B2"].number_format = EURO_FORMAT
    sheet.append([])
    questions = export_questions(round_)
    sheet.append(xlsx_row(_headers()))
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
    if questions:
        _answers_sheet(workbook, rows, questions)
    workbook.properties.title = clean_text(_("Rangliste %(round)s") % {"round": round_.title})
    workbook.properties.creator = "WIR-Portal, Regierungspräsidium Darmstadt"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _answers_sheet(workbook: Workbook, rows: Sequence[RankingRow], questions) -> None:
    """The answers, one column per question, one row per application in ranking order."""
    sheet = workbook.create_sheet(_("Antworten"))
    fixed = [_("Rang"), _("Aktenzeichen"), _("Antragstellende Kommune")]
    sheet.append(xlsx_row([*fixed, *(q.label for q in questions)]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F4F7")
    for row in rows:
        app = row.application
        sheet.append(
            xlsx_row(
                [row.rank, app.reference, app.lead_municipality.name, *_answers(row, questions)]
            )
        )
        current = sheet.max_row
        for column, question in enumerate(questions, start=len(fixed) + 1):
            if question.type == QuestionType.MONEY:
                sheet.cell(current, column).number_format = EURO_FORMAT
            elif question.type == QuestionType.DATE:
                sheet.cell(current, column).number_format = "DD.MM.YYYY"
    for index, width in enumerate([7, 16, 30, *([40] * len(questions))], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "D2"
