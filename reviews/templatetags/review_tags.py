"""Template filters of the review pages: German scores, weights, section labels."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from applications.models import Section
from core.formatting import de_number

register = template.Library()


@register.filter
def score(value) -> str:
    """A score the German way with two decimals ("7,50"); "–" when there is none."""
    if value in (None, ""):
        return "–"
    # numberformat cuts off digits; a score of 7.667 is "7,67", not "7,66"
    rounded = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return de_number(rounded, 2)


@register.filter
def weight(value) -> str:
    """A weight without trailing zeros: 1.00 -> "1", 1.50 -> "1,5"."""
    text = de_number(Decimal(value), 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


@register.filter
def section_labels(sections) -> str:
    """Section values of a Nachforderung as their German labels, comma-separated."""
    labels = []
    for value in sections or ():
        try:
            labels.append(str(Section(value).label))
        except ValueError:
            labels.append(str(value))
    return ", ".join(labels)
