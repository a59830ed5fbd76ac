"""The GV100AD reader on its own, with the lines of the built-in sample."""

from datetime import date

import pytest

from municipalities import gv100ad
from municipalities.models import MunicipalityKind


@pytest.fixture
def lines(sample_path) -> list[str]:
    return sample_path.read_bytes().decode("utf-8").split("\r\n")[:-1]


def encode(lines: list[str], newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode("utf-8")


def test_parses_every_record_with_the_documented_slices(lines):
    records = gv100ad.parse(encode(lines))

    assert len(records) == 31
    darmstadt = next(r for r in records if r.kind == "60" and r.ags == "06411000")
    assert darmstadt.line_no == 4
    assert darmstadt.territory_date == date(2021, 11, 30)
    assert darmstadt.name == "Darmstadt, Wissenschaftsstadt"
    assert darmstadt.text_code == "61"
    assert darmstadt.area_ha == 12_207
    assert darmstadt.population == 159_174
    assert darmstadt.postcode == "64283"


def test_municipalities_of_a_land_with_kreis_and_regierungsbezirk(lines):
    rows = gv100ad.municipalities_for_land(gv100ad.parse(encode(lines)), "06")

    assert len(rows) == 19
    by_ags = {row.ags: row for row in rows}
    assert by_ags["06411000"].regierungsbezirk == "Darmstadt"
    assert by_ags["06411000"].kreis == "Darmstadt, Wissenschaftsstadt"
    assert by_ags["06411000"].kind == MunicipalityKind.KREISFREIE_STADT
    assert by_ags["06431002"].kind == MunicipalityKind.STADT
    assert by_ags["06431002"].kreis == "Bergstraße"
    assert by_ags["06431004"].kind == MunicipalityKind.GEMEINDE
    assert by_ags["06431200"].kind == MunicipalityKind.GEMEINDEFREI
    assert by_ags["06431200"].population == 0
    assert by_ags["06531013"].regierungsbezirk == "Gießen"
    assert by_ags["06636015"].name == "Weißenborn"


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("Reg.-Bez. Darmstadt", "Darmstadt"),
        ("Reg.-Bez. Gießen", "Gießen"),
        ("Kassel", "Kassel"),
    ],
)
def test_regierungsbezirk_names_lose_their_prefix(name, clean):
    assert gv100ad.clean_regierungsbezirk_name(name) == clean


def test_population_reference_date_is_the_year_end_before_the_territory_date():
    assert gv100ad.population_reference_date(date(2021, 11, 30)) == date(2020, 12, 31)


def test_lf_line_ends_and_a_byte_order_mark_are_accepted(lines):
    records = gv100ad.parse(b"\xef\xbb\xbf" + encode(lines, "\n"))

    assert len(records) == 31


def test_mixed_editions_are_refused(lines):
    lines[5] = lines[5][:2] + "20201231" + lines[5][10:]

    with pytest.raises(gv100ad.GV100ADError, match="Zeile 6: Der Gebietsstand 31.12.2020"):
        gv100ad.parse(encode(lines))


def test_invalid_territory_date_is_refused(lines):
    lines[2] = lines[2][:2] + "2021133O" + lines[2][10:]

    with pytest.raises(gv100ad.GV100ADError, match="Zeile 3: Ungültiger Gebietsstand"):
        gv100ad.parse(encode(lines))


def test_record_longer_than_220_characters_is_refused(lines):
    lines[1] += ";"

    with pytest.raises(gv100ad.GV100ADError, match="Zeile 2: Der Datensatz ist zu lang"):
        gv100ad.parse(encode(lines))


def test_non_numeric_key_is_refused(lines):
    lines[3] = lines[3][:19] + "0x0" + lines[3][22:]

    with pytest.raises(gv100ad.GV100ADError, match="Zeile 4: Ungültiger Regionalschlüssel"):
        gv100ad.parse(encode(lines))


def test_duplicate_ags_is_refused(lines):
    lines.append(lines[3])

    records = gv100ad.parse(encode(lines))
    with pytest.raises(gv100ad.GV100ADError, match="Zeile 32: Der AGS 06411000 kommt doppelt"):
        gv100ad.municipalities_for_land(records, "06")


def test_unknown_text_code_is_refused(lines):
    lines[3] = lines[3][:122] + "69" + lines[3][124:]

    records = gv100ad.parse(encode(lines))
    with pytest.raises(gv100ad.GV100ADError, match="Zeile 4: Unbekanntes Textkennzeichen „69“"):
        gv100ad.municipalities_for_land(records, "06")


def test_missing_regierungsbezirk_is_refused(lines):
    lines = [line for line in lines if not line.startswith("20") or line[12] != "6"]

    records = gv100ad.parse(encode(lines))
    with pytest.raises(gv100ad.GV100ADError, match=r"Zeile \d+: .*Regierungsbezirks 066"):
        gv100ad.municipalities_for_land(records, "06")
