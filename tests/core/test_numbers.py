"""One German number parser (``core.formatting.parse_german_decimal``): the forms
(``GermanDecimalField``) and the service that takes amounts as text
(``applications.services.parse_amount``) read every input the same way."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.services import parse_amount
from core.formatting import de_amount, de_number, format_money, format_number
from core.forms import GermanDecimalField


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234", Decimal("1234")),
        ("10.005", Decimal("10005")),
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.5", Decimal("1234.5")),
        ("0,5", Decimal("0.5")),
        ("1.234.567,8", Decimal("1234567.8")),
        (" 12 500,00 € ", Decimal("12500.00")),
        ("42", Decimal("42")),
    ],
)
def test_forms_and_services_read_a_number_alike(text, expected):
    assert GermanDecimalField().clean(text) == expected
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["zehn", "1,2,3", "1.23,4", "12.34.5", "1e5", "NaN"])
def test_forms_and_services_refuse_the_same_text(text):
    with pytest.raises(ValidationError):
        GermanDecimalField().clean(text)
    with pytest.raises(ValidationError) as exc:
        parse_amount(text)
    assert exc.value.messages == ["Bitte geben Sie einen Betrag in Euro an."]


def test_three_decimal_places_are_refused_by_both():
    with pytest.raises(ValidationError):
        GermanDecimalField().clean("10,005")
    with pytest.raises(ValidationError) as exc:
        parse_amount("10,005")
    assert exc.value.messages == ["Beträge haben höchstens zwei Nachkommastellen (Cent)."]


def test_machine_values_are_not_read_as_german_text():
    assert parse_amount(Decimal("10.5")) == Decimal("10.50")
    assert parse_amount(1500) == Decimal("1500.00")
    with pytest.raises(ValidationError, match="zwei Nachkommastellen"):
        parse_amount(1.005)  # a float: a decimal point, not German grouping


def test_empty_text_is_missing():
    for text in ("", "  ", "€"):
        with pytest.raises(ValidationError) as exc:
            parse_amount(text)
        assert exc.value.messages == ["Bitte geben Sie einen Betrag an."]


def test_german_formatters_are_the_one_formatter_with_lang_de():
    assert de_number(1234567) == format_number(1234567, lang="de") == "1.234.567"
    assert de_number(Decimal("1234.5"), 2) == "1.234,50"
    assert de_amount(20000) == format_money(20000, lang="de").replace("\u00a0", " ")
