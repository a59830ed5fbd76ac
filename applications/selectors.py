"""Reads that fetch and authorise in one call. Most live as QuerySet methods on the models
(``Application.objects.visible_to(user)``, ``.editable_by(user)``, ``.with_totals()``,
``FundingRound.objects.open_at(moment)``, ``ApplicationEvent.objects.timeline_for(user)``);
these functions combine them for the pages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from municipalities.models import Municipality, MunicipalityKind

from .eligibility import HESSEN_LAND_PREFIX
from .models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    FundingRound,
    PartnerStatus,
    RoundParticipation,
)
from .permissions import municipality_ids


def application_list(*, user) -> QuerySet[Application]:
    """Applications ``user`` may see, with round, lead municipality and totals (constant number
    of queries for a list page)."""
    return (
        Application.objects.visible_to(user)
        .with_related()
        .with_totals()
        .order_by("-updated_at", "-id")
    )


def application_get(*, user, pk: int) -> Application:
    """One application ``user`` may see, or 404, with partners prefetched."""
    qs = (
        Application.objects.visible_to(user)
        .with_related()
        .with_totals()
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=ApplicationPartner.objects.select_related("municipality"),
            )
        )
    )
    return get_object_or_404(qs, pk=pk)


def application_timeline(*, application: Application, user) -> QuerySet[ApplicationEvent]:
    """The status timeline: internal events only for RP staff."""
    return application.events.timeline_for(user)


def open_rounds(*, moment=None) -> QuerySet[FundingRound]:
    return FundingRound.objects.open_at(moment or timezone.now()).order_by("deadline")


def pending_partner_requests(*, user) -> QuerySet[ApplicationPartner]:
    """Partnership requests awaiting an answer from one of ``user``'s municipalities."""
    return (
        ApplicationPartner.objects.filter(
            municipality_id__in=municipality_ids(user), status=PartnerStatus.PENDING
        )
        .select_related("application__lead_municipality", "application__round", "municipality")
        .order_by("added_at")
    )


def partner_candidates(*, application: Application, search: str = "") -> QuerySet[Municipality]:
    """The municipalities ``application`` may name as partner, in German alphabetical order:
    the rules of ``eligibility.check_partner`` as one query (active Hessian municipality, not
    gemeindefrei, not above the round's upper bound, not the lead, not yet taking part in the
    round, also not as partner of this application). ``search``: part of the name."""
    round_ = application.round
    taken = RoundParticipation.objects.filter(round=round_, municipality=OuterRef("pk"))
    qs = (
        Municipality.objects.active()
        .filter(ags__startswith=HESSEN_LAND_PREFIX, population__lte=round_.population_upper)
        .exclude(kind=MunicipalityKind.GEMEINDEFREI)
        .exclude(pk=application.lead_municipality_id)
        .exclude(Exists(taken))
    )
    search = (search or "").strip()
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.alphabetical()
