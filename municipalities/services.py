"""Writes to the municipality register."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from . import gv100ad
from .models import Municipality
from .signals import municipality_names_changed

# The fields an import sets from the register; a difference in any of them is an update.
IMPORTED_FIELDS = (
    "name",
    "kind",
    "kreis",
    "regierungsbezirk",
    "population",
    "population_date",
    "area_ha",
    "postcode",
    "territory_date",
    "is_active",
)


@dataclass
class ImportSummary:
    land: str
    territory_date: date
    population_date: date
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    deactivated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


@transaction.atomic
def municipalities_import(
    *,
    records: Iterable[gv100ad.Record],
    land: str,
    dry_run: bool = False,
    population_date: date | None = None,
) -> ImportSummary:
    """Bring the register of ``land`` in line with a parsed GV100AD file. Landkreise (kind 40) are
    kept as rows of their own, next to the municipalities, so that a call for Landkreise needs no
    code. Creates new municipalities, updates changed ones (and reactivates those that are back),
    and marks those missing from the file inactive; it never deletes one, since applications point
    to them. Everything is checked before the first write and happens in one transaction. With
    ``dry_run`` it only reports what it would do.
    """
    if not re.fullmatch(r"[0-9]{2}", land or ""):
        raise ValueError(f"land must be two digits, not {land!r}")
    records = list(records)
    rows = gv100ad.municipalities_for_land(records, land)
    rows += gv100ad.kreise_for_land(records, rows)
    territory_date = rows[0].territory_date
    if population_date is None:
        population_date = gv100ad.population_reference_date(territory_date)
    summary = ImportSummary(
        land=land,
        territory_date=territory_date,
        population_date=population_date,
        dry_run=dry_run,
    )

    existing = {
        municipality.ags: municipality
        for municipality in Municipality.objects.select_for_update().filter(ags__startswith=land)
    }
    now = timezone.now()
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    for row in rows:
        values = {
            "name": row.name,
            "kind": row.kind,
            "kreis": row.kreis,
            "regierungsbezirk": row.regierungsbezirk,
            "population": row.population,
            "population_date": population_date,
            "area_ha": row.area_ha,
            "postcode": row.postcode,
            "territory_date": row.territory_date,
            "is_active": True,
        }
        municipality = existing.pop(row.ags, None)
        if municipality is None:
            to_create.append(Municipality(ags=row.ags, **values))
            summary.created.append(row.ags)
            continue
        changed = [name for name, value in values.items() if getattr(municipality, name) != value]
        if not changed:
            summary.unchanged += 1
            continue
        for name in changed:
            setattr(municipality, name, values[name])
        municipality.updated_at = now
        to_update.append(municipality)
        summary.updated[row.ags] = changed

    to_deactivate = sorted(
        municipality.ags for municipality in existing.values() if municipality.is_active
    )
    summary.deactivated = to_deactivate

    if not dry_run:
        Municipality.objects.bulk_create(to_create)
        Municipality.objects.bulk_update(
            to_update, [*IMPORTED_FIELDS, "updated_at"], batch_size=200
        )
        Municipality.objects.filter(ags__in=to_deactivate).update(is_active=False, updated_at=now)
        renamed = [m.pk for m in to_update if "name" in summary.updated[m.ags]]
        if renamed:
            municipality_names_changed.send(sender=Municipality, municipality_ids=renamed)
    return summary
