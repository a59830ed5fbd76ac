"""What is due on a grant and by when: acceptance (until the appeal period ends), each interim
report, the final report. The municipality's "Nach der Bewilligung" area, the RP's overdue
queue and the reminders read these.

Which reports were handed in is the ``reports`` app's knowledge, and it sits above this one: it
registers a resolver in its ``AppConfig.ready`` (``register_done``) that names the items done,
as (grant id, key) pairs, keys ``"interim:<year>"`` and ``"final"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import deadlines
from .models import Grant, GrantRules
from .selectors import grant_term_end, rules_by_round
from .workflow import GrantState

ACCEPTANCE = "acceptance"
FINAL = "final"
INTERIM = "interim"

DoneResolver = Callable[[Sequence[int]], Iterable[tuple[int, str]]]
_done_resolvers: list[DoneResolver] = []


def register_done(resolver: DoneResolver) -> None:
    """``resolver(grant_ids)`` yields (grant id, key) of the items already done."""
    if resolver not in _done_resolvers:
        _done_resolvers.append(resolver)


@dataclass(frozen=True)
class DueItem:
    grant: Grant
    key: str
    label: str | Promise
    due_on: dt.date

    def overdue(self, today: dt.date) -> bool:
        return self.due_on < today

    def days_left(self, today: dt.date) -> int:
        return (self.due_on - today).days


def _items_of(grant: Grant, rules: GrantRules) -> list[DueItem]:
    items = []
    if grant.state == GrantState.NOTIFIED:
        items.append(
            DueItem(
                grant,
                ACCEPTANCE,
                _("Annahme der Zuwendung erklären"),
                deadlines.appeal_period_end(grant.notified_on, rules.appeal_period_months),
            )
        )
    if grant.state == GrantState.CLOSED:
        return items
    end = grant_term_end(grant)
    for year, due in deadlines.interim_report_due_dates(
        grant.term_start, end, rules.interim_report_months
    ):
        label = _("Zwischennachweis für das Haushaltsjahr %(year)s") % {"year": year}
        items.append(DueItem(grant, f"{INTERIM}:{year}", label, due))
    final = deadlines.final_report_due_date(end, rules.final_report_months)
    if final is not None:
        items.append(DueItem(grant, FINAL, _("Verwendungsnachweis"), final))
    return items


def due_items(grants: Sequence[Grant]) -> list[DueItem]:
    """The open items of ``grants`` (each with ``application`` loaded), by due date. Queries: the
    rules of their rounds, and one per registered resolver."""
    if not grants:
        return []
    rules = rules_by_round({g.application.round_id for g in grants})
    done: set[tuple[int, str]] = set()
    ids = [g.pk for g in grants]
    for resolver in _done_resolvers:
        done.update(resolver(ids))
    items = [
        item
        for g in grants
        for item in _items_of(g, rules[g.application.round_id])
        if (g.pk, item.key) not in done
    ]
    return sorted(items, key=lambda i: (i.due_on, i.grant.pk, i.key))
