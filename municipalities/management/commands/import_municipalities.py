"""python manage.py import_municipalities PATH [--land 06] [--dry-run]"""

import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from municipalities import gv100ad
from municipalities.models import Municipality
from municipalities.services import ImportSummary, municipalities_import


def _german_date(value: str) -> date:
    try:
        day, month, year = (int(part) for part in value.split("."))
        return date(year, month, day)
    except ValueError:
        raise CommandError(
            _("„%(value)s“ ist kein Datum der Form TT.MM.JJJJ.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = _(
        "Liest das Gemeindeverzeichnis GV100AD von Destatis und gleicht die Kommunen eines "
        "Landes damit ab: legt neue an, aktualisiert geänderte, setzt fehlende auf inaktiv "
        "(gelöscht wird nie)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help=_("Pfad der GV100AD-Datei (Standard: Einstellung WIR_GV100AD)."),
        )
        parser.add_argument(
            "--land",
            default="06",
            help=_("Zweistelliger Schlüssel des Landes (Standard: 06, Hessen)."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Nur anzeigen, was sich ändern würde; nichts speichern."),
        )
        parser.add_argument(
            "--population-date",
            help=_(
                "Stichtag der Einwohnerzahlen (TT.MM.JJJJ), wenn er nicht der 31.12. des Jahres "
                "vor dem Gebietsstand ist (siehe GV100AD_Hinweise.txt der Ausgabe)."
            ),
        )

    def handle(self, *args, **options):
        path = options["path"] or settings.WIR_GV100AD
        if not path:
            raise CommandError(
                _("Bitte den Pfad der GV100AD-Datei angeben (oder WIR_GV100AD setzen).")
            )
        land = options["land"]
        if not re.fullmatch(r"[0-9]{2}", land):
            raise CommandError(
                _("--land erwartet einen zweistelligen Landesschlüssel wie 06, nicht „%(land)s“.")
                % {"land": land}
            )
        population_date = (
            _german_date(options["population_date"]) if options["population_date"] else None
        )
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Die Datei %(path)s kann nicht gelesen werden: %(reason)s")
                % {"path": path, "reason": exc.strerror or exc}
            ) from exc

        try:
            records = gv100ad.parse(data)
            summary = municipalities_import(
                records=records,
                land=land,
                dry_run=options["dry_run"],
                population_date=population_date,
            )
        except gv100ad.GV100ADError as exc:
            raise CommandError(
                _("%(path)s wurde nicht importiert, der Bestand ist unverändert. %(error)s")
                % {"path": path, "error": exc}
            ) from exc
        self._report(summary, verbosity=options["verbosity"])

    def _report(self, summary: ImportSummary, *, verbosity: int) -> None:
        if summary.dry_run:
            self.stdout.write(
                self.style.WARNING(_("Probelauf (--dry-run): es wurde nichts gespeichert."))
            )
        self.stdout.write(
            _(
                "Gemeindeverzeichnis GV100AD, Land %(land)s, Gebietsstand %(territory)s, "
                "Einwohnerzahlen zum %(population)s."
            )
            % {
                "land": summary.land,
                "territory": summary.territory_date.strftime("%d.%m.%Y"),
                "population": summary.population_date.strftime("%d.%m.%Y"),
            }
        )
        if verbosity >= 2:
            for ags in summary.created:
                self.stdout.write(_("  neu: %(ags)s") % {"ags": ags})
            for ags, fields in summary.updated.items():
                self.stdout.write(
                    _("  geändert: %(ags)s (%(fields)s)")
                    % {
                        "ags": ags,
                        "fields": ", ".join(
                            str(Municipality._meta.get_field(name).verbose_name) for name in fields
                        ),
                    }
                )
            for ags in summary.deactivated:
                self.stdout.write(_("  inaktiv: %(ags)s") % {"ags": ags})
        counts = {
            "created": len(summary.created),
            "updated": len(summary.updated),
            "deactivated": len(summary.deactivated),
            "unchanged": summary.unchanged,
        }
        if summary.dry_run:
            line = _(
                "Ergebnis (Probelauf): %(created)s würden neu angelegt, %(updated)s aktualisiert, "
                "%(deactivated)s deaktiviert, %(unchanged)s blieben unverändert."
            )
        else:
            line = _(
                "Ergebnis: %(created)s neu angelegt, %(updated)s aktualisiert, "
                "%(deactivated)s deaktiviert, %(unchanged)s unverändert."
            )
        self.stdout.write(self.style.SUCCESS(line % counts))
        if not summary.has_changes:
            self.stdout.write(_("Keine Änderungen: der Bestand entspricht bereits der Datei."))
