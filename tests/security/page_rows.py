"""Rows of the authorisation matrix for the legal and information pages (pages/views.py), in
the format of matrix.py, which merges them into MATRIX. Everyone may read them; a POST to the
accessibility statement with an empty form comes back with its errors (200), to the others it
is answered like a GET."""

from __future__ import annotations

from .matrix import OK, Entry, everyone

PAGE_ROWS: dict[str, Entry] = {
    name: Entry(get=everyone(OK), post=everyone(OK))
    for name in (
        "impressum",
        "datenschutz",
        "barrierefreiheit",
        "leichte_sprache",
        "gebaerdensprache",
        "anbest_gk",
    )
}
