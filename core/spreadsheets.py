"""Cell values for every CSV and XLSX file the portal writes.

Whatever text is stored (a vertical tab from Word's Shift+Enter, a title beginning with "="),
an export must neither fail nor hand a formula to the spreadsheet program that opens it:

- characters XML and therefore openpyxl refuse (the C0 controls except tab, line feed and
  carriage return) are dropped; vertical tab and form feed become a line break;
- text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
  apostrophe (OWASP "CSV Injection"), so Excel and LibreOffice show it as text;
- numbers, Decimals, dates and booleans keep their type (XLSX) or are written as German
  numbers (CSV), never prefixed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .formatting import de_number

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile("[\x0b\x0c]")
NUMBER_TYPES = (int, float, Decimal)
TYPED = (bool, *NUMBER_TYPES, dt.date, dt.time, dt.timedelta)


def clean_text(value: object) -> str:
    """``value`` as text without characters a spreadsheet file cannot hold."""
    text = _LINE_BREAKS.sub("\n", str(value))
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def safe_text(value: object) -> str:
    """Clean text that a spreadsheet program will not evaluate as a formula."""
    text = clean_text(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _local(value: dt.datetime) -> dt.datetime:
    """Local wall-clock time without a time zone (Excel knows no time zones)."""
    if timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def xlsx_cell(value):
    """A value for ``Worksheet.append`` / ``cell.value``: typed values stay typed (Decimals
    become floats, as openpyxl writes them anyway), everything else is safe text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, TYPED):
        return value
    return safe_text(value)


def xlsx_row(values) -> list:
    return [xlsx_cell(v) for v in values]


def csv_cell(value, decimal_places: int | None = 2) -> str:
    """A value for a CSV in the German Excel dialect: numbers with a decimal comma (not
    prefixed: a negative amount stays a number), dates as DD.MM.YYYY, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, NUMBER_TYPES):
        return de_number(value, decimal_places)
    if isinstance(value, dt.datetime):
        return f"{_local(value):%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return safe_text(value)


def csv_row(values, decimal_places: int | None = 2) -> list[str]:
    return [csv_cell(v, decimal_places) for v in values]
