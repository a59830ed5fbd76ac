"""The GV100AD import: the real Destatis file, re-imports, a newer file, malformed files."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import Membership, Municipality, MunicipalityKind, SizeBand

from .gv100ad_files import line_index, write_gv100ad

DARMSTADT = "06411000"
BROMSKIRCHEN = "06635005"


def run_import(*args) -> str:
    out = StringIO()
    call_command("import_municipalities", *map(str, args), stdout=out)
    return out.getvalue()


def snapshot() -> list[dict]:
    return list(Municipality.objects.order_by("ags").values())


@pytest.mark.django_db
class TestRealFile:
    def test_imports_the_426_hessian_records_of_kind_60_and_21_landkreise(self, gv100ad_path):
        out = run_import(gv100ad_path, "--land", "06")

        assert Municipality.objects.exclude(kind=MunicipalityKind.LANDKREIS).count() == 426
        assert Municipality.objects.filter(kind=MunicipalityKind.LANDKREIS).count() == 21
        assert not Municipality.objects.exclude(ags__startswith="06").exists()
        assert "Ergebnis: 447 neu angelegt, 0 aktualisiert, 0 deaktiviert, 0 unverändert." in out
        assert "Gebietsstand 30.11.2021" in out
        assert "Einwohnerzahlen zum 31.12.2020" in out

    def test_landkreise_from_the_kind_40_records(self, imported, gv100ad_lines):
        """A Landkreis (kind 40, Textkennzeichen 44) is an applicant organisation of its own:
        AGS = Kreis key + 000, inhabitants and area those of its municipalities added up."""
        bergstrasse = imported.get(ags="06431000")
        members = [ln for ln in gv100ad_lines if ln[:2] == "60" and ln[10:15] == "06431"]
        assert bergstrasse.kind == MunicipalityKind.LANDKREIS
        assert bergstrasse.name == "Bergstraße"
        assert bergstrasse.display_name == "Landkreis Bergstraße"
        assert str(bergstrasse) == "Landkreis Bergstraße (06431000)"
        assert bergstrasse.kreis == "Bergstraße"
        assert bergstrasse.regierungsbezirk == "Darmstadt"
        assert bergstrasse.population == sum(int(ln[139:150]) for ln in members)
        assert bergstrasse.population > 250_000
        assert bergstrasse.population_date == date(2020, 12, 31)
        hochtaunus = imported.get(ags="06434000")
        assert hochtaunus.display_name == "Hochtaunuskreis"
        # Landkreis Kassel and the kreisfreie documenta-Stadt Kassel are two rows
        assert imported.get(ags="06633000").display_name == "Landkreis Kassel"
        assert imported.get(ags="06611000").kind == MunicipalityKind.KREISFREIE_STADT
        # a kreisfreie Stadt is not imported twice (its kind 40 record has Textkennzeichen 41)
        assert imported.filter(kind=MunicipalityKind.KREISFREIE_STADT).count() == 5
        # the register's Kreis filter finds the Landkreis with its municipalities
        assert imported.in_kreis("06431").filter(kind=MunicipalityKind.LANDKREIS).count() == 1

    def test_darmstadt(self, imported):
        darmstadt = Municipality.objects.get(ags=DARMSTADT)

        assert darmstadt.population == 159_174
        assert darmstadt.regierungsbezirk == "Darmstadt"
        assert darmstadt.name == "Darmstadt, Wissenschaftsstadt"
        assert darmstadt.kind == MunicipalityKind.KREISFREIE_STADT
        # a kreisfreie Stadt is its own Kreis (it has a kind 40 record of its own)
        assert darmstadt.kreis == "Darmstadt, Wissenschaftsstadt"
        assert darmstadt.area_ha == 12_207
        assert darmstadt.postcode == "64283"
        assert darmstadt.population_date == date(2020, 12, 31)
        assert darmstadt.territory_date == date(2021, 11, 30)
        assert darmstadt.is_active

    def test_kinds_and_regions(self, imported):
        kinds = {kind: imported.filter(kind=kind).count() for kind in MunicipalityKind.values}
        assert kinds == {
            MunicipalityKind.KREISFREIE_STADT: 5,
            MunicipalityKind.STADT: 186,
            MunicipalityKind.GEMEINDE: 231,
            MunicipalityKind.GEMEINDEFREI: 4,
            MunicipalityKind.LANDKREIS: 21,
        }
        assert set(imported.values_list("regierungsbezirk", flat=True)) == {
            "Darmstadt",
            "Gießen",
            "Kassel",
        }
        assert imported.values("kreis").distinct().count() == 26
        assert imported.get(ags="06633200").kreis == "Kassel"  # the Landkreis
        assert imported.get(ags="06611000").kreis == "Kassel, documenta-Stadt"

    def test_size_bands_among_inhabited_municipalities(self, imported):
        # Counted once from the file by an independent script (slices [139:150] of the kind 60
        # records with Land 06): 4 uninhabited gemeindefreie Gebiete, then 252 / 158 / 12.
        municipalities = imported.exclude(kind=MunicipalityKind.LANDKREIS)
        counts = {band: municipalities.in_size_band(band).count() for band in SizeBand.values}
        assert counts == {
            SizeBand.UNINHABITED: 4,
            SizeBand.BELOW_10K: 252,
            SizeBand.FROM_10K_TO_50K: 158,
            SizeBand.ABOVE_50K: 12,
        }
        assert imported.filter(kind=MunicipalityKind.GEMEINDEFREI, population=0).count() == 4

    def test_reimport_changes_nothing(self, imported, gv100ad_path):
        before = snapshot()

        out = run_import(gv100ad_path)

        assert "Ergebnis: 0 neu angelegt, 0 aktualisiert, 0 deaktiviert, 447 unverändert." in out
        assert "Keine Änderungen" in out
        assert snapshot() == before

    def test_changed_name_and_population_are_updated(self, imported, gv100ad_lines, tmp_path):
        lines = list(gv100ad_lines)
        i = line_index(lines, DARMSTADT)
        line = lines[i]
        lines[i] = (
            line[:22]
            + "Darmstadt, Wissenschaftsstadt (neu)".ljust(50)
            + line[72:139]
            + "160000".zfill(11)
            + line[150:]
        )
        other = Municipality.objects.exclude(ags=DARMSTADT).order_by("ags")
        others_before = list(other.values())

        out = run_import(write_gv100ad(tmp_path / "changed.asc", lines), "-v", "2")

        darmstadt = Municipality.objects.get(ags=DARMSTADT)
        assert darmstadt.name == "Darmstadt, Wissenschaftsstadt (neu)"
        assert darmstadt.population == 160_000
        # Darmstadt is kreisfrei: no Landkreis adds its inhabitants
        assert "Ergebnis: 0 neu angelegt, 1 aktualisiert, 0 deaktiviert, 446 unverändert." in out
        assert f"geändert: {DARMSTADT} (Name, Einwohnerzahl)" in out
        assert list(other.values()) == others_before

    def test_missing_municipality_is_deactivated_not_deleted(
        self, imported, gv100ad_lines, gv100ad_path, tmp_path, django_user_model
    ):
        user = django_user_model.objects.create_user(email="kommune@example.org")
        Membership.objects.create(user=user, municipality=imported.get(ags=BROMSKIRCHEN))
        lines = list(gv100ad_lines)
        del lines[line_index(lines, BROMSKIRCHEN)]
        newer = write_gv100ad(tmp_path / "newer.asc", lines)

        out = run_import(newer)

        # its Landkreis (Waldeck-Frankenberg) has fewer inhabitants now: 1 updated
        assert "Ergebnis: 0 neu angelegt, 1 aktualisiert, 1 deaktiviert, 445 unverändert." in out
        bromskirchen = Municipality.objects.get(ags=BROMSKIRCHEN)
        assert not bromskirchen.is_active
        assert bromskirchen.memberships.count() == 1
        assert Municipality.objects.count() == 447
        assert Municipality.objects.active().count() == 446

        # a second run of the newer file: nothing to do, the retired one is not counted again
        out = run_import(newer)
        assert "Ergebnis: 0 neu angelegt, 0 aktualisiert, 0 deaktiviert, 446 unverändert." in out

        # it comes back if a file has it again
        out = run_import(gv100ad_path)
        assert "Ergebnis: 0 neu angelegt, 2 aktualisiert, 0 deaktiviert, 445 unverändert." in out
        assert Municipality.objects.get(ags=BROMSKIRCHEN).is_active

    def test_other_lands_are_left_alone(self, imported, gv100ad_path):
        out = run_import(gv100ad_path, "--land", "04")  # Bremen: 2 municipalities

        assert "Ergebnis: 2 neu angelegt, 0 aktualisiert, 0 deaktiviert, 0 unverändert." in out
        assert Municipality.objects.active().filter(ags__startswith="06").count() == 447

    def test_population_date_can_be_given(self, db, gv100ad_path):
        run_import(gv100ad_path, "--population-date", "30.06.2021")

        assert set(Municipality.objects.values_list("population_date", flat=True)) == {
            date(2021, 6, 30)
        }


@pytest.mark.django_db
class TestDryRun:
    def test_writes_nothing_on_an_empty_register(self, gv100ad_path):
        out = run_import(gv100ad_path, "--dry-run")

        assert "Probelauf" in out
        assert "447 würden neu angelegt" in out
        assert not Municipality.objects.exists()

    def test_reports_changes_without_writing_them(self, imported, gv100ad_lines, tmp_path):
        lines = list(gv100ad_lines)
        del lines[line_index(lines, BROMSKIRCHEN)]
        before = snapshot()

        out = run_import(write_gv100ad(tmp_path / "newer.asc", lines), "--dry-run")

        assert (
            "0 würden neu angelegt, 1 aktualisiert, 1 deaktiviert, 445 blieben unverändert" in out
        )
        assert snapshot() == before


def _latin1_line(lines):
    i = next(i for i, line in enumerate(lines) if "ß" in line)
    data = b"".join(
        (line.encode("latin-1") if n == i else line.encode("utf-8")) + b"\r\n"
        for n, line in enumerate(lines)
    )
    return data, i + 1


def _truncated_record(lines):
    i = line_index(lines, DARMSTADT)
    changed = [*lines[:i], lines[i][:145], *lines[i + 1 :]]
    return ("\r\n".join(changed) + "\r\n").encode(), i + 1


def _truncated_file(lines):
    data = ("\r\n".join(lines) + "\r\n").encode()
    return data[: len(data) - 120], len(lines)


def _non_numeric_population(lines):
    i = line_index(lines, DARMSTADT)
    line = lines[i]
    changed = [*lines[:i], line[:139] + "000001591?4" + line[150:], *lines[i + 1 :]]
    return ("\r\n".join(changed) + "\r\n").encode(), i + 1


def _csv(lines):
    return b"AGS;Name;Einwohner\r\n06411000;Darmstadt;159174\r\n", 1


def _random_text(lines):
    return b"Dies ist nur ein Brief an die Gemeinde.\nMit freundlichen Gruessen\n", 1


def _pdf(lines):
    return b"%PDF-1.4\n%\xb5\xb5\xb5\xb5\n1 0 obj\n", 1


def _foreign_line_inside(lines):
    changed = [*lines[:4999], "06411000;Darmstadt;159174", *lines[4999:]]
    return ("\r\n".join(changed) + "\r\n").encode(), 5000


def _empty(lines):
    return b"", 1


def _blank(lines):
    return b"\r\n  \r\n", 1


MALFORMED = {
    "not UTF-8": (_latin1_line, "nicht UTF-8-kodiert"),
    "truncated record": (_truncated_record, "zu kurz (145 statt 220 Zeichen)"),
    "truncated file": (_truncated_file, "zu kurz"),
    "non-numeric population": (_non_numeric_population, "Einwohnerzahl „000001591?4“"),
    "CSV": (_csv, "Unbekannte Satzart „AG“"),
    "random text": (_random_text, "nicht das Format des Gemeindeverzeichnisses GV100AD"),
    "PDF": (_pdf, "Unbekannte Satzart „%P“"),
    "foreign line inside": (_foreign_line_inside, "Unbekannte Satzart „06“"),
    "empty": (_empty, "Die Datei ist leer"),
    "only blank lines": (_blank, "Die Datei ist leer"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", MALFORMED.keys())
def test_malformed_file_is_refused_and_changes_nothing(case, imported, gv100ad_lines, tmp_path):
    make, message = MALFORMED[case]
    data, line_no = make(gv100ad_lines)
    path = tmp_path / "bad.asc"
    path.write_bytes(data)
    before = snapshot()

    with pytest.raises(CommandError) as excinfo:
        run_import(path)

    error = str(excinfo.value)
    assert f"Zeile {line_no}: " in error
    assert message in error
    assert "wurde nicht importiert, der Bestand ist unverändert" in error
    assert snapshot() == before


@pytest.mark.django_db
def test_file_without_the_land_is_refused(imported, gv100ad_lines, tmp_path):
    path = write_gv100ad(tmp_path / "bayern.asc", [ln for ln in gv100ad_lines if ln[10:12] == "09"])
    before = snapshot()

    with pytest.raises(CommandError, match="keine Gemeinde .Satzart 60. des Landes 06"):
        run_import(path, "--land", "06")
    assert snapshot() == before


@pytest.mark.django_db
def test_municipality_without_its_kreis_record_is_refused(imported, gv100ad_lines, tmp_path):
    lines = [ln for ln in gv100ad_lines if not (ln[:2] == "40" and ln[10:15] == "06431")]
    path = write_gv100ad(tmp_path / "ohne-kreis.asc", lines)
    expected = next(i for i, ln in enumerate(lines) if ln[:2] == "60" and ln[10:15] == "06431")

    with pytest.raises(CommandError, match=rf"Zeile {expected + 1}: .*Kreises 06431"):
        run_import(path)


@pytest.mark.django_db
def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(CommandError, match="zweistelligen Landesschlüssel"):
        run_import(tmp_path / "x.asc", "--land", "6")
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        run_import(tmp_path / "gibt-es-nicht.asc")
    assert not Municipality.objects.exists()


@pytest.mark.django_db
class TestSample:
    def test_the_built_in_sample_imports(self, sample_path):
        out = run_import(sample_path)

        # 19 municipalities and the 6 Landkreise they belong to
        assert "Ergebnis: 25 neu angelegt, 0 aktualisiert, 0 deaktiviert, 0 unverändert." in out
        assert Municipality.objects.get(ags=DARMSTADT).population == 159_174
        municipalities = Municipality.objects.exclude(kind=MunicipalityKind.LANDKREIS)
        counts = {band: municipalities.in_size_band(band).count() for band in SizeBand}
        assert counts == {
            SizeBand.UNINHABITED: 1,
            SizeBand.BELOW_10K: 6,
            SizeBand.FROM_10K_TO_50K: 8,
            SizeBand.ABOVE_50K: 4,
        }
        assert set(Municipality.objects.values_list("regierungsbezirk", flat=True)) == {
            "Darmstadt",
            "Gießen",
            "Kassel",
        }

    def test_the_sample_is_cut_from_the_real_file(self, sample_path, gv100ad_lines):
        real = set(gv100ad_lines)
        sample = sample_path.read_bytes().decode("utf-8").split("\r\n")[:-1]

        assert 25 <= len(sample) <= 35
        assert all(line in real for line in sample)
        assert {line[:2] for line in sample} == {"10", "20", "40", "60"}
