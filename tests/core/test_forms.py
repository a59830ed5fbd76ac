"""The shared form helpers: German number input (``GermanDecimalField``, read by
``core.formatting.parse_german_decimal``). Moved here from the KERN pack's tests, which test
the markup."""

from decimal import Decimal

import pytest
from django import forms

from core.formatting import parse_german_decimal
from core.forms import GermanDecimalField


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.5", Decimal("1234.5")),
        ("0", Decimal("0")),
        ("0,5", Decimal("0.5")),
        ("1.234", Decimal("1234")),
        ("1.234.567,8", Decimal("1234567.8")),
        (" 12 500,00 € ", Decimal("12500.00")),
        ("-7,25", Decimal("-7.25")),
    ],
)
def test_german_decimal_field_parses(text, expected):
    assert GermanDecimalField().clean(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.23,4", "12.34.5", "1,", ",5", "1e5", "NaN"])
def test_german_decimal_field_rejects_non_numbers(text):
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField().clean(text)
    assert excinfo.value.messages == ["Bitte geben Sie eine Zahl ein, zum Beispiel 1.234,56."]
    assert parse_german_decimal(text) is None


def test_german_decimal_field_rejects_three_decimals():
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField().clean("1,234")
    assert excinfo.value.messages == ["Bitte geben Sie höchstens 2 Nachkommastellen an."]
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField(decimal_places=1).clean("1,23")
    assert excinfo.value.messages == ["Bitte geben Sie höchstens 1 Nachkommastelle an."]


def test_german_decimal_field_limits():
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField(min_value=0).clean("-1")
    assert excinfo.value.messages == ["Bitte geben Sie keine negative Zahl ein."]
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField(min_value=Decimal("10.5")).clean("3")
    assert excinfo.value.messages == ["Bitte geben Sie mindestens 10,5 ein."]
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField(max_value=1_000_000).clean("1.000.000,01")
    assert excinfo.value.messages == ["Bitte geben Sie höchstens 1.000.000 ein."]
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField(max_digits=5).clean("1.234,56")
    assert excinfo.value.messages == ["Bitte geben Sie höchstens 5 Ziffern ein."]
    assert GermanDecimalField(min_value=0).clean("0") == Decimal("0")


def test_german_decimal_field_required_and_empty():
    with pytest.raises(forms.ValidationError) as excinfo:
        GermanDecimalField().clean("")
    assert excinfo.value.messages == ["Dieses Feld ist zwingend erforderlich."]
    assert GermanDecimalField(required=False).clean("  ") is None
    with pytest.raises(forms.ValidationError, match="zwingend erforderlich"):
        GermanDecimalField().clean("  ")


def test_german_decimal_field_shows_amounts_the_german_way():
    class Form(forms.Form):
        amount = GermanDecimalField(label="Betrag")

    html = str(Form(initial={"amount": Decimal("1234.5")})["amount"])
    assert 'value="1.234,50"' in html
    assert 'inputmode="decimal"' in html and 'type="text"' in html
    # What the person typed comes back unchanged.
    assert 'value="12,345"' in str(Form(data={"amount": "12,345"})["amount"])
