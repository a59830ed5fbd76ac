"""Answers checked against a question set: parsing and validating one answer (German messages),
which questions are shown (conditions), what is missing for submission, and answers for reading.

Answers are stored as JSON keyed by question key (``applications.Application.answers``):
text, e-mail, phone, URL and a choice as strings, a whole number as int, a money amount as a
decimal string ("1234.50", exact), a date as ISO string, a date range as
``{"start": ISO, "end": ISO}``, yes/no as bool, several choices as a list of values. An
attachment question has no stored value: an uploaded attachment of its kind answers it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from core.formatting import de_amount, de_date, de_number, parse_german_decimal
from core.text import TextLengthValidator, clean_text
from core.validators import validate_phone

from .models import TEXT_TYPES, Question, QuestionType

MONEY_MAX = Decimal("9999999999.99")
INTEGER_MAX = 10**12
_TRUE = {"ja", "true", "1", "on", "yes", "t"}
_FALSE = {"nein", "false", "0", "off", "no", "f"}
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == () or value == {}


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        match = _GERMAN_DATE.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.12.2027."), code="date"
        ) from None


def _text(question: Question, value: Any) -> str:
    text = clean_text(str(value)).strip()
    TextLengthValidator(question.limit)(text)
    return text


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("Bitte geben Sie eine ganze Zahl ein, zum Beispiel 12."))
    number: Decimal | None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    else:
        number = parse_german_decimal(str(value))
    if number is None or number != number.to_integral_value():
        raise ValidationError(
            _("Bitte geben Sie eine ganze Zahl ein, zum Beispiel 12."), code="integer"
        )
    if abs(number) >= INTEGER_MAX:
        raise ValidationError(
            _("Bitte geben Sie eine Zahl unter %(max)s ein.") % {"max": de_number(INTEGER_MAX)}
        )
    return int(number)


def _money(value: Any) -> str:
    number: Decimal | None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        number = parse_german_decimal(str(value))
    if number is None:
        raise ValidationError(
            _("Bitte geben Sie einen Betrag in Euro ein, zum Beispiel 1.234,56."), code="money"
        )
    if number < 0:
        raise ValidationError(_("Bitte geben Sie keinen negativen Betrag ein."), code="negative")
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(_("Bitte geben Sie höchstens 2 Nachkommastellen an."))
    if number > MONEY_MAX:
        raise ValidationError(
            _("Bitte geben Sie höchstens %(max)s ein.") % {"max": de_amount(MONEY_MAX)}
        )
    return str(number.quantize(Decimal("0.01")))


def _date_range(value: Any) -> dict[str, str] | None:
    if isinstance(value, Mapping):
        start, end = value.get("start"), value.get("end")
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        start, end = value
    else:
        raise ValidationError(_("Bitte geben Sie Beginn und Ende des Zeitraums an."))
    if _empty(start) and _empty(end):
        return None
    if _empty(start) or _empty(end):
        raise ValidationError(
            _("Bitte geben Sie Beginn und Ende des Zeitraums an."), code="date_range"
        )
    first, last = _parse_date(start), _parse_date(end)
    if last < first:
        raise ValidationError(
            _("Das Ende des Zeitraums darf nicht vor seinem Beginn liegen."), code="date_order"
        )
    return {"start": first.isoformat(), "end": last.isoformat()}


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(_("Bitte wählen Sie „Ja“ oder „Nein“."), code="yes_no")


def _choice(question: Question, value: Any) -> str:
    values = {v for v, _label in question.options}
    if str(value) not in values:
        raise ValidationError(
            _("Bitte wählen Sie eine der angebotenen Möglichkeiten."), code="invalid_choice"
        )
    return str(value)


def _choices(question: Question, value: Any) -> list[str] | None:
    if isinstance(value, str):
        value = [value]
    chosen = {str(v) for v in value if not _empty(v)}
    allowed = [v for v, _label in question.options]
    if not chosen.issubset(allowed):
        raise ValidationError(
            _("Bitte wählen Sie nur unter den angebotenen Möglichkeiten."), code="invalid_choice"
        )
    return [v for v in allowed if v in chosen] or None


def clean_answer(question: Question, value: Any) -> Any:
    """The stored (JSON) form of ``value`` for ``question``, or None for no answer. ``value``
    may be what a form sent (strings) or a typed value (Decimal, date, bool, list).
    Raises a ValidationError with a German message if it is malformed."""
    kind = question.type
    if kind == QuestionType.ATTACHMENT:
        return None
    if isinstance(value, str):
        value = value.strip()
    if _empty(value):
        return None
    if kind in TEXT_TYPES:
        return _text(question, value) or None
    if kind == QuestionType.INTEGER:
        return _integer(value)
    if kind == QuestionType.MONEY:
        return _money(value)
    if kind == QuestionType.DATE:
        return _parse_date(value).isoformat()
    if kind == QuestionType.DATE_RANGE:
        return _date_range(value)
    if kind == QuestionType.YES_NO:
        return _yes_no(value)
    if kind == QuestionType.CHOICE:
        return _choice(question, value)
    if kind == QuestionType.MULTIPLE_CHOICE:
        return _choices(question, value)
    text = clean_text(str(value)).strip()
    if kind == QuestionType.EMAIL:
        EmailValidator(
            _("Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@kommune.de.")
        )(text)
    elif kind == QuestionType.PHONE:
        validate_phone(text)
    elif kind == QuestionType.URL:
        URLValidator(
            schemes=["http", "https"],
            message=_(
                "Bitte geben Sie eine vollständige Internetadresse an, "
                "zum Beispiel https://www.kommune.de."
            ),
        )(text)
    TextLengthValidator(300)(text)
    return text


# Conditions ----------------------------------------------------------------------------------
def condition_met(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether the answer its condition names has the value it asks for (no condition: yes)."""
    if not question.condition_question:
        return True
    answer = answers.get(question.condition_question)
    wanted = question.condition_value.strip()
    if wanted.lower() in ("", "ja", "nein"):
        return answer is (wanted.lower() != "nein")
    if isinstance(answer, list):
        return wanted in answer
    return answer is not None and str(answer) == wanted


def shown_keys(questions: Iterable[Question], answers: Mapping[str, Any]) -> set[str]:
    """The keys of the questions shown with these answers: a question whose condition is not
    met is hidden, and so is one depending on a hidden question (in the set's order)."""
    shown: set[str] = set()
    for question in questions:
        depends_on = question.condition_question
        if depends_on and depends_on not in shown:
            continue
        if condition_met(question, answers):
            shown.add(question.key)
    return shown


def without_hidden(questions: Sequence[Question], answers: Mapping[str, Any]) -> dict:
    """``answers`` of the shown questions only (a hidden question's answer is dropped)."""
    keys = shown_keys(questions, answers)
    return {key: value for key, value in answers.items() if key in keys}


# Completeness ---------------------------------------------------------------------------------
def missing_answers(
    questions: Sequence[Question], answers: Mapping[str, Any], attachment_kinds: Iterable[str]
) -> dict[str, list[str]]:
    """``{key: [German message]}`` for every shown required question without an answer (an
    attachment question: without an attachment of its kind)."""
    kinds = set(attachment_kinds)
    errors: dict[str, list[str]] = {}
    shown = shown_keys(questions, answers)
    for question in questions:
        if not question.required or question.key not in shown:
            continue
        if question.type == QuestionType.ATTACHMENT:
            if question.attachment_kind not in kinds:
                errors[question.key] = [
                    _("Bitte laden Sie die Anlage zu „%(label)s“ hoch.") % {"label": question.label}
                ]
        elif _empty(answers.get(question.key)):
            if question.type in TEXT_TYPES:
                text = _("Bitte füllen Sie „%(label)s“ aus.")
            else:
                text = _("Bitte beantworten Sie „%(label)s“.")
            errors[question.key] = [text % {"label": question.label}]
    return errors


# Reading -------------------------------------------------------------------------------------
def typed_value(question: Question, stored: Any) -> Any:
    """The stored answer as a Python value: Decimal, date, bool, int or text (a date range
    and lists as text, a choice by its label); None for no answer."""
    if _empty(stored):
        return None
    kind = question.type
    try:
        if kind == QuestionType.MONEY:
            return Decimal(stored)
        if kind == QuestionType.DATE:
            return dt.date.fromisoformat(stored)
        if kind == QuestionType.DATE_RANGE:
            start = dt.date.fromisoformat(stored["start"])
            end = dt.date.fromisoformat(stored["end"])
            return f"{de_date(start)} – {de_date(end)}"
    except (InvalidOperation, ValueError, TypeError, KeyError):
        return str(stored)
    labels = dict(question.options)
    if kind == QuestionType.CHOICE:
        return labels.get(stored, stored)
    if kind == QuestionType.MULTIPLE_CHOICE:
        return ", ".join(str(labels.get(v, v)) for v in stored)
    return stored


def display_value(question: Question, stored: Any) -> Any:
    """``typed_value`` with money as German text ("1.234,50 €"), for pages and PDFs."""
    value = typed_value(question, stored)
    if question.type == QuestionType.MONEY and value is not None:
        return de_amount(value)
    if question.type == QuestionType.INTEGER and isinstance(value, int):
        return de_number(value)
    return value
