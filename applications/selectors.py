"""Reads of the applicant pages that fetch and authorise in one call. They build on the
QuerySet methods of the models (``Application.objects.visible_to(user)``, ``.with_totals()``,
``FundingRound.objects.open_at(moment)``, ``ApplicationEvent.objects.timeline_for(user)``); the
views call these functions, never the ORM. Services keep their own (locked) reads.

The facts the pure predicates of ``permissions`` need besides the person and the row come from
here too: ``member_municipality_ids`` (municipalities), ``partner_municipality_ids`` and
``open_item_request``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from municipalities.models import Municipality, MunicipalityKind
from municipalities.selectors import member_municipality_ids, municipalities_of

from .calls import eligible_by_rule_q
from .eligibility import HESSEN_LAND_PREFIX
from .models import (
    Application,
    ApplicationEvent,
    ApplicationPartner,
    Attachment,
    CostLine,
    EligibilityRule,
    FundingRound,
    ItemRequest,
    PartnerStatus,
    RoundParticipation,
)
from .workflow import Status


# Applications -----------------------------------------------------------------------------------
def application_list(*, user) -> QuerySet[Application]:
    """Applications ``user`` may see, with round, lead municipality and totals, newest round
    first (a constant number of queries for the status page)."""
    return (
        Application.objects.visible_to(user)
        .with_related()
        .with_totals()
        .order_by("-round__deadline", "lead_municipality__name")
    )


def application_get(*, user, pk: int) -> Application:
    """One application ``user`` may see, or 404 (never revealing that it exists), with round,
    lead municipality, totals and the partners (with their municipalities)."""
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


def application_get_for_action(*, user, pk: int) -> Application:
    """One application ``user`` may see, or 404, as the row alone (no totals, no partners): for
    a POST that hands it to a service, which reads it again under its row lock."""
    return get_object_or_404(Application.objects.visible_to(user), pk=pk)


def partner_municipality_ids(application: Application) -> frozenset[int]:
    """The application's partner municipalities that have not declined (from the prefetched
    partners where the application came from ``application_get``)."""
    return frozenset(
        p.municipality_id for p in application.partners.all() if p.status != PartnerStatus.DECLINED
    )


def open_item_request(application: Application) -> ItemRequest | None:
    """The open Nachforderung of an application in that status (no query in any other)."""
    if application.status != Status.MISSING_ITEMS:
        return None
    return application.open_item_request()


def application_timeline(*, application: Application, user) -> QuerySet[ApplicationEvent]:
    """The status timeline, oldest first: internal events only for RP staff."""
    return application.events.timeline_for(user).order_by("created_at", "pk")


def application_partners(application: Application) -> QuerySet[ApplicationPartner]:
    """Every partner of the application (also declined ones) with municipality and who
    answered."""
    return application.partners.select_related("municipality", "decided_by")


def partners_not_declined(application: Application) -> list[ApplicationPartner]:
    return list(
        application.partners.exclude(status=PartnerStatus.DECLINED).select_related("municipality")
    )


def cost_lines_of(application: Application) -> QuerySet[CostLine]:
    return application.cost_lines.select_related("category").order_by("position", "pk")


def attachments_by_kind(application: Application) -> list[Attachment]:
    """The attachments grouped by kind, oldest first (for the officers and the jury)."""
    return list(application.attachments.order_by("kind", "uploaded_at", "pk"))


def attachments_with_uploader(application: Application) -> QuerySet[Attachment]:
    return application.attachments.select_related("uploaded_by")


def attachment_get(*, application: Application, pk: int | str) -> Attachment:
    """One attachment of ``application`` (already authorised), or 404; ``pk`` may be raw
    input."""
    if isinstance(pk, str):
        pk = int(pk) if pk.isdigit() else 0
    return get_object_or_404(application.attachments, pk=pk)


# The applicant's start page ---------------------------------------------------------------------
def applicant_municipalities(*, user) -> list[Municipality]:
    """The municipalities a member of municipal staff acts for (none for other roles)."""
    if not (user.is_authenticated and user.is_municipal_staff):
        return []
    return list(municipalities_of(user))


def pending_partner_requests(*, user) -> QuerySet[ApplicationPartner]:
    """Partnership requests awaiting an answer from one of ``user``'s municipalities."""
    if not (user.is_authenticated and user.is_municipal_staff):
        return ApplicationPartner.objects.none()
    return ApplicationPartner.objects.filter(
        municipality_id__in=member_municipality_ids(user), status=PartnerStatus.PENDING
    ).select_related("application__lead_municipality", "application__round", "municipality")


def round_offers(
    *, municipalities: list[Municipality], moment: dt.datetime | None = None
) -> list[dict]:
    """Where ``municipalities`` may start an application: each open round with each of them
    that does not take part in it yet (two queries)."""
    rounds = list(open_rounds(moment=moment))
    taking_part = {
        (p.round_id, p.municipality_id)
        for p in RoundParticipation.objects.filter(
            round__in=rounds, municipality__in=municipalities
        )
    }
    return [
        {"round": r, "municipality": m}
        for r in rounds
        for m in municipalities
        if (r.pk, m.pk) not in taking_part
    ]


def partner_request_get(*, user, pk: int) -> ApplicationPartner:
    """A partnership of one of ``user``'s municipalities, with its application, or 404."""
    return get_object_or_404(
        ApplicationPartner.objects.select_related(
            "application__round", "application__lead_municipality", "municipality"
        ).filter(municipality_id__in=member_municipality_ids(user)),
        pk=pk,
    )


def partner_candidates(
    *, application: Application, search: str = "", kreis: str = ""
) -> QuerySet[Municipality]:
    """The municipalities ``application`` may name as partner, in German alphabetical order:
    the rules of ``eligibility.check_partner`` as one query (active Hessian municipality, not
    gemeindefrei, admitted by the round's rule type, in the band: not above its upper bound;
    not the lead, not yet taking part in the round, also not as partner of this application).
    ``search``: part of the name; ``kreis``: only those of that Kreis."""
    round_ = application.round
    taken = RoundParticipation.objects.filter(round=round_, municipality=OuterRef("pk"))
    qs = Municipality.objects.active().filter(ags__startswith=HESSEN_LAND_PREFIX)
    if round_.eligibility_rule == EligibilityRule.POPULATION_BAND:
        qs = qs.filter(population__lte=round_.population_upper)
    qs = (
        qs.filter(eligible_by_rule_q(round_))
        .exclude(kind=MunicipalityKind.GEMEINDEFREI)
        .exclude(pk=application.lead_municipality_id)
        .exclude(Exists(taken))
    )
    search = (search or "").strip()
    if search:
        qs = qs.filter(name__icontains=search)
    if kreis:
        qs = qs.filter(kreis=kreis)
    return qs.alphabetical()


# Funding rounds ---------------------------------------------------------------------------------
def open_rounds(*, moment: dt.datetime | None = None) -> QuerySet[FundingRound]:
    """Rounds accepting applications at ``moment`` (now), latest deadline first."""
    return FundingRound.objects.open_at(moment or timezone.now())


def _rounds_with_categories() -> QuerySet[FundingRound]:
    return FundingRound.objects.prefetch_related(Prefetch("cost_categories"))


def round_list() -> QuerySet[FundingRound]:
    """Every round with its cost categories, latest deadline first."""
    return _rounds_with_categories().order_by("-deadline")


def round_get(*, pk: int) -> FundingRound:
    return get_object_or_404(_rounds_with_categories(), pk=pk)


def round_participation(
    *, user, round: FundingRound
) -> tuple[list[Municipality], list[Municipality]]:
    """``user``'s municipalities (by name) that may still apply in ``round`` and those that
    take part in it already."""
    mine = list(municipalities_of(user).order_by("name"))
    in_round = set(
        RoundParticipation.objects.filter(round=round, municipality__in=mine).values_list(
            "municipality_id", flat=True
        )
    )
    return [m for m in mine if m.pk not in in_round], [m for m in mine if m.pk in in_round]
