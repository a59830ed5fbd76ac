"""Reader for the Destatis Gemeindeverzeichnis GV100AD.

The file is fixed-width text, one record per line, 220 characters a record, UTF-8 (since the
Sorbian spellings entered the official names) with CRLF line ends. The layout is
``Datensatzbeschreibung_GV100AD.pdf`` (Destatis, valid from 14.06.2000); positions there count
from 1, the slices below from 0. Every record starts with its kind (Satzart), its territorial
status date (Gebietsstand, YYYYMMDD) and its regional key (Regionalschlüssel):

====== ================================ =========== =====================================
slice  field                            kinds       note
====== ================================ =========== =====================================
0:2    Satzart                          all         10 Land, 20 Regierungsbezirk, 30 Region,
                                                    40 Kreis, 50 Gemeindeverband, 60 Gemeinde
2:10   Gebietsstand                     all         YYYYMMDD
10:12  Land                             all
12:13  Regierungsbezirk                 20–60       "0" where a Land has none
13:15  Kreis                            40–60
15:19  Gemeindeverband                  50, 60
19:22  Gemeinde                         60          AGS = [10:15] + [19:22]
22:72  Bezeichnung (name)               all
122:124 Textkennzeichen                 40–60       see ``TEXT_CODES`` for kind 60
128:139 Fläche in ha                    60          11 digits
139:150 Bevölkerung insgesamt           60          11 digits
165:170 Postleitzahl                    60          of the seat of administration
====== ================================ =========== =====================================

``parse`` checks the whole file before anyone writes anything and raises ``GV100ADError`` with
the line number for the first problem. ``municipalities_for_land`` then picks one Land's
municipalities and joins them with the names of their Kreis and Regierungsbezirk;
``kreise_for_land`` picks its Landkreise (kind 40), which may apply in a call for Landkreise,
with the population and area of their municipalities added up (a kind 40 record has neither).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .models import MunicipalityKind

RECORD_LENGTH = 220

KIND_LAND = "10"
KIND_REGIERUNGSBEZIRK = "20"
KIND_REGION = "30"
KIND_KREIS = "40"
KIND_GEMEINDEVERBAND = "50"
KIND_GEMEINDE = "60"
KINDS = (
    KIND_LAND,
    KIND_REGIERUNGSBEZIRK,
    KIND_REGION,
    KIND_KREIS,
    KIND_GEMEINDEVERBAND,
    KIND_GEMEINDE,
)

# Textkennzeichen of a kind 60 record (PDF, sheet 6, EF7U1). A Markt and a Große Kreisstadt are
# legally a Gemeinde and a Stadt; a Stadtkreis is Baden-Württemberg's word for kreisfreie Stadt.
TEXT_CODES = {
    "60": MunicipalityKind.GEMEINDE,  # Markt
    "61": MunicipalityKind.KREISFREIE_STADT,  # Kreisfreie Stadt
    "62": MunicipalityKind.KREISFREIE_STADT,  # Stadtkreis
    "63": MunicipalityKind.STADT,  # Stadt
    "64": MunicipalityKind.GEMEINDE,  # Kreisangehörige Gemeinde
    "65": MunicipalityKind.GEMEINDEFREI,  # gemeindefreies Gebiet, bewohnt
    "66": MunicipalityKind.GEMEINDEFREI,  # gemeindefreies Gebiet, unbewohnt
    "67": MunicipalityKind.STADT,  # Große Kreisstadt
}

# Textkennzeichen of a kind 40 record (PDF, sheet 4). A kreisfreie Stadt (41) and a Stadtkreis
# (42) are also a Gemeinde with a kind 60 record of the same AGS, which the register holds already;
# the others are kept as applicant organisations of their own (a call for Landkreise).
KREIS_TEXT_CODES = {
    "43": MunicipalityKind.LANDKREIS,  # Kreis
    "44": MunicipalityKind.LANDKREIS,  # Landkreis
    "45": MunicipalityKind.LANDKREIS,  # Regionalverband
}

# The file names a Regierungsbezirk "Reg.-Bez. Darmstadt"; the register stores "Darmstadt"
# because the field already says what it is. Kreis and municipality names are stored exactly
# as the file has them ("Darmstadt, Wissenschaftsstadt"): they are the official names.
_RB_PREFIX = re.compile(r"^Reg\.-Bez\.\s*")

_DIGITS = re.compile(r"[0-9]+")


class GV100ADError(ValueError):
    """The file is not a well-formed GV100AD file; nothing may be imported from it."""

    def __init__(self, message: str, *, line_no: int | None = None):
        self.line_no = line_no
        self.detail = message
        if line_no is not None:
            message = _("Zeile %(line)s: %(message)s") % {"line": line_no, "message": message}
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Record:
    """One line of the file, with the fields the register uses."""

    line_no: int
    kind: str
    territory_date: date
    land: str
    regierungsbezirk: str
    kreis: str
    gemeinde: str
    name: str
    text_code: str
    area_ha: int | None = None
    population: int | None = None
    postcode: str = ""

    @property
    def ags(self) -> str:
        return self.land + self.regierungsbezirk + self.kreis + self.gemeinde


@dataclass(frozen=True, slots=True)
class MunicipalityRecord:
    """A municipality (kind 60) joined with the names of its Kreis and Regierungsbezirk."""

    line_no: int
    ags: str
    name: str
    kind: str
    kreis: str
    regierungsbezirk: str
    population: int
    area_ha: int | None
    postcode: str
    territory_date: date


def population_reference_date(territory_date: date) -> date:
    """The reference date (Stichtag) of the population figures of an edition.

    The record layout has no field for it: Destatis names it only in the notes that come with
    each edition (``GV100AD_Hinweise.txt``: "Die Bevölkerungsangaben basieren ... auf dem
    Stichtag 31.12.2020" for the edition with Gebietsstand 30.11.2021). The editions published
    in the course of a year carry the population of the previous 31 December, so it is derived
    from the Gebietsstand as 31.12. of the year before. Where an edition's notes name another
    date, ``import_municipalities --population-date`` sets it explicitly.
    """
    return date(territory_date.year - 1, 12, 31)


def parse(data: bytes) -> list[Record]:
    """Parse and check a whole GV100AD file; raise ``GV100ADError`` on the first problem."""
    if not data.strip():
        raise GV100ADError(
            _("Die Datei ist leer, sie enthält keinen einzigen Datensatz."), line_no=1
        )
    # Another kind of file (a PDF, a spreadsheet) is named as such, not as a wrong encoding.
    first_line_no, first_line = next(
        (n, line) for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()
    )
    first_kind = first_line.removeprefix(b"\xef\xbb\xbf")[:2].decode("utf-8", "replace")
    if first_kind not in KINDS:
        raise _unknown_kind(first_kind, first_line_no)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise GV100ADError(
            _(
                "Die Datei ist nicht UTF-8-kodiert (ungültiges Byte 0x%(byte)02X an Stelle "
                "%(column)s). Das Gemeindeverzeichnis GV100AD wird in UTF-8 geliefert; bitte die "
                "unveränderte Datei von Destatis verwenden."
            )
            % {"byte": data[exc.start], "column": column},
            line_no=line_no,
        ) from exc

    records: list[Record] = []
    territory_date: date | None = None
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        record = _parse_line(line, line_no)
        if territory_date is None:
            territory_date = record.territory_date
        elif record.territory_date != territory_date:
            raise GV100ADError(
                _(
                    "Der Gebietsstand %(found)s weicht vom Gebietsstand %(expected)s der übrigen "
                    "Datensätze ab; eine Datei enthält genau eine Ausgabe des Verzeichnisses."
                )
                % {
                    "found": record.territory_date.strftime("%d.%m.%Y"),
                    "expected": territory_date.strftime("%d.%m.%Y"),
                },
                line_no=line_no,
            )
        records.append(record)
    return records


def _unknown_kind(kind: str, line_no: int) -> GV100ADError:
    return GV100ADError(
        _(
            "Unbekannte Satzart „%(kind)s“. Die Datei hat nicht das Format des "
            "Gemeindeverzeichnisses GV100AD (jede Zeile beginnt mit der Satzart 10, 20, 30, "
            "40, 50 oder 60 und ist %(length)s Zeichen lang)."
        )
        % {"kind": kind, "length": RECORD_LENGTH},
        line_no=line_no,
    )


def _parse_line(line: str, line_no: int) -> Record:
    kind = line[0:2]
    if kind not in KINDS:
        raise _unknown_kind(kind, line_no)
    if len(line) != RECORD_LENGTH:
        if len(line) < RECORD_LENGTH:
            message = _(
                "Der Datensatz ist zu kurz (%(found)s statt %(expected)s Zeichen); die Datei ist "
                "abgeschnitten oder beschädigt."
            )
        else:
            message = _(
                "Der Datensatz ist zu lang (%(found)s statt %(expected)s Zeichen); die Datei hat "
                "nicht das Format GV100AD."
            )
        raise GV100ADError(
            message % {"found": len(line), "expected": RECORD_LENGTH}, line_no=line_no
        )

    try:
        territory_date = date(int(line[2:6]), int(line[6:8]), int(line[8:10]))
    except ValueError:
        raise GV100ADError(
            _("Ungültiger Gebietsstand „%(value)s“ (erwartet: JJJJMMTT).") % {"value": line[2:10]},
            line_no=line_no,
        ) from None

    # The parts of the regional key that records of this kind carry must be digits.
    key_parts = {"land": line[10:12], "regierungsbezirk": "", "kreis": "", "gemeinde": ""}
    if kind >= KIND_REGIERUNGSBEZIRK:
        key_parts["regierungsbezirk"] = line[12:13]
    if kind >= KIND_KREIS:
        key_parts["kreis"] = line[13:15]
    if kind == KIND_GEMEINDE:
        key_parts["gemeinde"] = line[19:22]
    key = "".join(key_parts.values())
    if not _DIGITS.fullmatch(key):
        raise GV100ADError(
            _("Ungültiger Regionalschlüssel „%(value)s“ (erwartet: nur Ziffern).") % {"value": key},
            line_no=line_no,
        )

    name = line[22:72].strip()
    if not name:
        raise GV100ADError(
            _("Der Datensatz hat keine Bezeichnung (Spalte 23–72)."), line_no=line_no
        )

    record = Record(
        line_no=line_no,
        kind=kind,
        territory_date=territory_date,
        name=name,
        text_code=line[122:124].strip(),
        **key_parts,
    )
    if kind != KIND_GEMEINDE:
        return record

    area = line[128:139].strip()
    if area and not _DIGITS.fullmatch(area):
        raise GV100ADError(
            _("Die Fläche „%(value)s“ (Spalte 129–139) ist keine Zahl.") % {"value": area},
            line_no=line_no,
        )
    population = line[139:150].strip()
    if not _DIGITS.fullmatch(population):
        raise GV100ADError(
            _("Die Einwohnerzahl „%(value)s“ (Spalte 140–150) ist keine Zahl.")
            % {"value": population},
            line_no=line_no,
        )
    postcode = line[165:170].strip()
    if postcode and not (len(postcode) == 5 and _DIGITS.fullmatch(postcode)):
        raise GV100ADError(
            _("Die Postleitzahl „%(value)s“ (Spalte 166–170) hat nicht fünf Ziffern.")
            % {"value": postcode},
            line_no=line_no,
        )
    return Record(
        line_no=line_no,
        kind=kind,
        territory_date=territory_date,
        name=name,
        text_code=record.text_code,
        area_ha=int(area) if area else None,
        population=int(population),
        postcode=postcode,
        **key_parts,
    )


def clean_regierungsbezirk_name(name: str) -> str:
    return _RB_PREFIX.sub("", name).strip()


def municipalities_for_land(records: Iterable[Record], land: str) -> list[MunicipalityRecord]:
    """The municipalities (kind 60) of ``land`` with the names of their Kreis and
    Regierungsbezirk; raise ``GV100ADError`` if the file cannot supply them."""
    records = [record for record in records if record.land == land]
    regierungsbezirke = {
        record.land + record.regierungsbezirk: clean_regierungsbezirk_name(record.name)
        for record in records
        if record.kind == KIND_REGIERUNGSBEZIRK
    }
    # A kreisfreie Stadt has a kind 40 record of its own (Textkennzeichen 41), so every
    # municipality finds its Kreis here.
    kreise = {
        record.land + record.regierungsbezirk + record.kreis: record.name
        for record in records
        if record.kind == KIND_KREIS
    }

    municipalities: list[MunicipalityRecord] = []
    seen: dict[str, int] = {}
    for record in records:
        if record.kind != KIND_GEMEINDE:
            continue
        ags = record.ags
        if ags in seen:
            raise GV100ADError(
                _("Der AGS %(ags)s kommt doppelt vor (zuerst in Zeile %(first)s).")
                % {"ags": ags, "first": seen[ags]},
                line_no=record.line_no,
            )
        seen[ags] = record.line_no
        kind = TEXT_CODES.get(record.text_code)
        if kind is None:
            raise GV100ADError(
                _("Unbekanntes Textkennzeichen „%(code)s“ bei %(name)s (%(ags)s).")
                % {"code": record.text_code, "name": record.name, "ags": ags},
                line_no=record.line_no,
            )
        kreis = kreise.get(ags[:5])
        if kreis is None:
            raise GV100ADError(
                _("Zu %(name)s (%(ags)s) fehlt der Datensatz des Kreises %(key)s (Satzart 40).")
                % {"name": record.name, "ags": ags, "key": ags[:5]},
                line_no=record.line_no,
            )
        if record.regierungsbezirk == "0":  # a Land without Regierungsbezirke
            regierungsbezirk = ""
        else:
            regierungsbezirk = regierungsbezirke.get(ags[:3])
            if regierungsbezirk is None:
                raise GV100ADError(
                    _(
                        "Zu %(name)s (%(ags)s) fehlt der Datensatz des Regierungsbezirks "
                        "%(key)s (Satzart 20)."
                    )
                    % {"name": record.name, "ags": ags, "key": ags[:3]},
                    line_no=record.line_no,
                )
        municipalities.append(
            MunicipalityRecord(
                line_no=record.line_no,
                ags=ags,
                name=record.name,
                kind=kind.value,
                kreis=kreis,
                regierungsbezirk=regierungsbezirk,
                population=record.population,
                area_ha=record.area_ha,
                postcode=record.postcode,
                territory_date=record.territory_date,
            )
        )
    if not municipalities:
        raise GV100ADError(
            _("Die Datei enthält keine Gemeinde (Satzart 60) des Landes %(land)s.") % {"land": land}
        )
    return municipalities


def kreise_for_land(
    records: Iterable[Record], municipalities: Iterable[MunicipalityRecord]
) -> list[MunicipalityRecord]:
    """The Landkreise (kind 40 records with Textkennzeichen 43, 44 or 45) of the Land of
    ``municipalities`` (as ``municipalities_for_land`` returned them) as register rows: AGS =
    Kreis key + "000", population and area the sums of their municipalities. A kreisfreie
    Stadt is left out: its kind 60 record is in the register already."""
    municipalities = list(municipalities)
    if not municipalities:
        return []
    land = municipalities[0].ags[:2]
    regierungsbezirke = {m.ags[:3]: m.regierungsbezirk for m in municipalities}
    taken = {m.ags: m.line_no for m in municipalities}
    rows = []
    for record in records:
        if record.kind != KIND_KREIS or record.land != land:
            continue
        kind = KREIS_TEXT_CODES.get(record.text_code)
        if kind is None:
            continue
        key = record.land + record.regierungsbezirk + record.kreis
        ags = key + "000"
        if ags in taken:
            raise GV100ADError(
                _("Der AGS %(ags)s kommt doppelt vor (zuerst in Zeile %(first)s).")
                % {"ags": ags, "first": taken[ags]},
                line_no=record.line_no,
            )
        members = [m for m in municipalities if m.ags.startswith(key)]
        areas = [m.area_ha for m in members if m.area_ha is not None]
        rows.append(
            MunicipalityRecord(
                line_no=record.line_no,
                ags=ags,
                name=record.name,
                kind=kind.value,
                kreis=record.name,
                regierungsbezirk=regierungsbezirke.get(key[:3], ""),
                population=sum(m.population for m in members),
                area_ha=sum(areas) if areas else None,
                postcode="",
                territory_date=record.territory_date,
            )
        )
    return rows
