"""Who may use bundles, and which applications a bundle holds in which order."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from applications.models import Application, FundingRound
from applications.workflow import BUNDLEABLE_STATUSES, LODGED_STATUSES, statuses_in
from documents.models import BundleJob, BundleSelection
from reviews.selectors import round_ranking


# Permissions ------------------------------------------------------------------------------------
def can_manage_bundles(user) -> bool:
    """Case officers and admins request, see and download bundles."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_rp)


# Selection --------------------------------------------------------------------------------------
def ranking_rows(round_: FundingRound) -> list:
    """The round's ranking (``reviews.selectors.round_ranking``)."""
    return list(round_ranking(round_))


def ranking_has_scores(rows: Sequence | None) -> bool:
    return bool(rows) and any(getattr(r, "mean_score", None) is not None for r in rows)


def bundle_statuses() -> list[tuple[str, str]]:
    """Statuses a bundle may be filtered by: everything after submission but withdrawn."""
    return [(s.value, s.label) for s in statuses_in(BUNDLEABLE_STATUSES)]


def select_application_ids(
    round_: FundingRound, selection: str, statuses: Sequence[str] = ()
) -> list[int]:
    """The applications of a bundle in bundle order: by reference number, or by rank."""
    if selection == BundleSelection.RANKING:
        rows = ranking_rows(round_) or []
        return [r.application.pk for r in rows if r.application.status in LODGED_STATUSES]
    qs = Application.objects.filter(round=round_).submitted()
    if selection == BundleSelection.STATUS:
        qs = qs.filter(status__in=list(statuses))
    return list(qs.order_by("reference", "pk").values_list("pk", flat=True))


def selection_label(job: BundleJob) -> str:
    if job.selection == BundleSelection.STATUS:
        labels = dict(bundle_statuses())
        return _("Anträge mit Status: %(statuses)s") % {
            "statuses": ", ".join(str(labels.get(s, s)) for s in job.statuses)
        }
    return str(BundleSelection(job.selection).label)
