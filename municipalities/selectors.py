"""Reads of the register and of memberships. ``member_municipality_ids(user)`` is the one
answer to "which municipalities does this person belong to?" for every app above this one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from .models import Membership, Municipality

# The ids are kept on the user object: a request's user lives as long as the request, so the
# memberships are read once per request, and the predicates that are given them never query.
_MEMBER_IDS_ATTR = "_member_municipality_ids"


def member_municipality_ids(user) -> frozenset[int]:
    """Ids of the municipalities ``user`` is a member of, whatever the person's role (the
    callers decide what a membership means for a role). One query per user object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _MEMBER_IDS_ATTR, None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user).values_list("municipality_id", flat=True)
        )
        setattr(user, _MEMBER_IDS_ATTR, cached)
    return cached


def municipality_ids_by_member(user_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """``member_municipality_ids`` for many people at once, by person id (one query, nothing
    cached): for the services that check a whole jury for conflicts."""
    found: dict[int, set[int]] = defaultdict(set)
    for user_id, municipality_id in Membership.objects.filter(
        user_id__in=list(user_ids)
    ).values_list("user_id", "municipality_id"):
        found[user_id].add(municipality_id)
    return defaultdict(frozenset, {k: frozenset(v) for k, v in found.items()})


def municipalities_of(user) -> QuerySet[Municipality]:
    """The municipalities ``user`` is a member of, in German alphabetical order."""
    return Municipality.objects.filter(pk__in=member_municipality_ids(user)).alphabetical()


def member_municipality_get(*, user, ags: str) -> Municipality:
    """One of ``user``'s municipalities by its AGS, or 404."""
    return get_object_or_404(
        Municipality.objects.filter(pk__in=member_municipality_ids(user)), ags=ags
    )


# The public register --------------------------------------------------------------------------
def register_kreise() -> list[tuple[str, str, str]]:
    """(Regierungsbezirk, Kreis key, Kreis name) of the active municipalities, for the filter."""
    return list(
        Municipality.objects.active()
        .annotate(kreis_key=Substr("ags", 1, 5))
        .values_list("regierungsbezirk", "kreis_key", "kreis")
        .order_by()
        .distinct()
    )


def register_municipalities() -> QuerySet[Municipality]:
    """The active municipalities (the register's list filters and orders them)."""
    return Municipality.objects.active()


def municipality_get(*, ags: str) -> Municipality:
    return get_object_or_404(Municipality, ags=ags)
