"""Numbers in and out: the one formatter for numbers, money, file sizes and IBANs shown to
people, and the one parser for numbers typed the German way.

Pages, e-mails, PDFs, exports and the admin format through ``format_number`` (templates through
the ``number``, ``euro`` and ``iban`` filters and Django's localisation with
``USE_THOUSAND_SEPARATOR``), so that 10000 reads "10.000" in German and "10,000" in English
everywhere. Official texts that are German whatever the reader's language (service messages,
letters, spreadsheets) use ``de_number`` and ``de_amount``, which are ``format_number`` with
``lang="de"``.

Every number a person types (forms, and strings handed to a service) is read by
``parse_german_decimal``: "1.234" is one thousand two hundred thirty-four, as in German.
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import numberformat, translation

# Separators per language; German is the portal's default.
_SEPARATORS = {"de": (",", "."), "en": (".", ",")}


def _separators(lang: str | None) -> tuple[str, str]:
    code = (lang or translation.get_language() or "de").split("-")[0]
    return _SEPARATORS.get(code, _SEPARATORS["de"])


def format_number(
    value: Decimal | int | float, decimal_places: int | None = None, *, lang: str | None = None
) -> str:
    """``10126`` → ``"10.126"``; ``Decimal("1234.5")``, 2 → ``"1.234,50"`` (German)."""
    decimal_sep, thousand_sep = _separators(lang)
    if decimal_places is not None:
        value = Decimal(str(value)).quantize(
            Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP
        )
    return numberformat.format(
        value,
        decimal_sep=decimal_sep,
        decimal_pos=decimal_places,
        grouping=3,
        thousand_sep=thousand_sep,
        force_grouping=True,
        use_l10n=False,
    )


def format_money(value: Decimal | int | float | None, *, lang: str | None = None) -> str:
    """``20000`` → ``"20.000,00 €"`` (with a non-breaking space); ``None`` → ``"–"``."""
    if value in (None, ""):
        return "–"
    return f"{format_number(Decimal(str(value)), 2, lang=lang)}\u00a0€"


def de_number(value: Decimal | int | float, decimal_places: int | None = None) -> str:
    """German whatever the active language: ``9852`` → ``"9.852"``;
    ``Decimal("1234.5")`` → ``"1.234,5"`` (``"1.234,50"`` with ``decimal_places=2``)."""
    return format_number(value, decimal_places, lang="de")


def de_amount(value: Decimal | int | float | str) -> str:
    """German whatever the active language, with a plain space (service messages):
    ``20000`` → ``"20.000,00 €"``."""
    return format_money(value, lang="de").replace("\u00a0", " ")


def de_date(value: dt.date | dt.datetime) -> str:
    """German whatever the active language: ``date(2030, 4, 1)`` → ``"01.04.2030"``."""
    return value.strftime("%d.%m.%Y")


def format_file_size(size: int, *, limit: int | None = None, lang: str | None = None) -> str:
    """``20971520`` → ``"20,0 MB"``.

    With ``limit``, the size is shown precisely enough to differ from the limit it is compared
    with: a file of 20 MB and one byte is "20.971.521 Bytes", not "20,0 MB" like the limit."""
    mb = format_number(Decimal(size) / (1024 * 1024), 1, lang=lang)
    same_as_limit = (
        limit is not None
        and size != limit
        and mb == format_number(Decimal(limit) / (1024 * 1024), 1, lang=lang)
    )
    if same_as_limit:
        return f"{format_number(size, lang=lang)} Bytes"
    return f"{mb} MB"


def format_iban(value: str | None) -> str:
    """``DE89370400440532013000`` → ``"DE89 3704 0044 0532 0130 00"`` (groups of four)."""
    iban = "".join((value or "").split()).upper()
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# Parsing ----------------------------------------------------------------------------------------
# An integer part with or without thousands separators ("1234", "1.234", "1 234"),
# and, after a comma, the decimal part.
_GERMAN_NUMBER = re.compile(
    r"^(?P<sign>[-−]?)(?P<int>\d{1,3}(?:[. \u00a0\u202f]\d{3})+|\d+)(?:,(?P<frac>\d+))?$"
)
# Without a comma, a single point may be a decimal point ("1234.5", "0.25").
_POINT_DECIMAL = re.compile(r"^(?P<sign>[-−]?)(?P<int>\d+)\.(?P<frac>\d+)$")


def parse_german_decimal(text: str) -> Decimal | None:
    """Read a number as people in Germany write it; ``None`` if it is not one.

    "1.234,56" and "1234,56" are 1234.56; points and spaces may group thousands. Without a
    comma, "1.234" is one thousand two hundred thirty-four (German grouping), while a
    single point that cannot be grouping, as in "1234.5" or "0.25", is a decimal point.
    A leading or trailing "€" is ignored.
    """
    text = text.strip().removeprefix("€").removesuffix("€").strip()
    match = _GERMAN_NUMBER.match(text) or _POINT_DECIMAL.match(text)
    if not match:
        return None
    integer = re.sub(r"\D", "", match["int"])
    fraction = match["frac"]
    number = integer + (f".{fraction}" if fraction else "")
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        return None
    return -value if match["sign"] else value
