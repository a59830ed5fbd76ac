"""The one formatter for numbers, money, file sizes and IBANs shown to people.

Pages, e-mails, PDFs, exports and the admin format through these functions (templates through
the ``number``, ``euro`` and ``iban`` filters and Django's localisation with
``USE_THOUSAND_SEPARATOR``), so that 10000 reads "10.000" in German and "10,000" in English
everywhere. Official texts that are German whatever the reader's language (service messages,
letters) pass ``lang="de"``.
"""

from decimal import ROUND_HALF_UP, Decimal

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
