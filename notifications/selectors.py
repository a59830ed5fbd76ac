"""Reads of the notifications app: the person's notifications and unread count, their
preferences, and what is due for them (the start page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone

from applications.models import Application, ItemRequest
from applications.workflow import Status
from municipalities.selectors import member_municipality_ids
from reviews.models import Assignment, ReviewStatus
from reviews.selectors import reviewer_assignments

from .catalogue import catalogue
from .models import Delivery, Notification, NotificationPreference

REQUEST_ATTR = "_notifications_unread"
DUE_LIMIT = 50


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()


def request_unread_count(request) -> int:
    """The header's counter: one query per request, however often the page asks."""
    cached = getattr(request, REQUEST_ATTR, None)
    if cached is None:
        cached = unread_count(getattr(request, "user", None))
        setattr(request, REQUEST_ATTR, cached)
    return cached


def user_notifications(user) -> QuerySet[Notification]:
    """The person's notifications, unread first, newest first (the view paginates)."""
    return (
        Notification.objects.for_user(user)
        .select_related("application")
        .order_by(Case(When(read_at__isnull=True, then=0), default=1), "-created_at", "-id")
    )


def preference_rows(user) -> list[dict]:
    """Every type with the person's choice (legally relevant: fixed)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [
        {
            "type": t,
            "delivery": Delivery.IMMEDIATE
            if t.legally_relevant
            else chosen.get(t.kind, Delivery.IMMEDIATE),
        }
        for t in catalogue
    ]


# What is due ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DueItem:
    application: Application
    what: str
    due: dt.date | None = None
    days_left: int | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.overdue and self.days_left is not None else 0


def _days(day: dt.date | None, today: dt.date) -> int | None:
    return None if day is None else (day - today).days


def staff_due(user, now: dt.datetime | None = None) -> dict[str, list[DueItem]]:
    """Drafts of the person's municipalities in rounds still open (deadline, days left), and
    their open Nachforderungen (due date)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = member_municipality_ids(user)
    drafts = (
        Application.objects.filter(
            lead_municipality_id__in=ids, status=Status.DRAFT, round__deadline__gte=now
        )
        .select_related("round", "lead_municipality")
        .order_by("round__deadline", "pk")[:DUE_LIMIT]
    )
    requests = (
        ItemRequest.objects.filter(
            application__lead_municipality_id__in=ids,
            application__status=Status.MISSING_ITEMS,
            resolved_at__isnull=True,
        )
        .select_related("application__round", "application__lead_municipality")
        .order_by("due_date", "pk")[:DUE_LIMIT]
    )
    return {
        "drafts": [
            DueItem(
                a,
                "unsubmitted",
                timezone.localtime(a.round.deadline).date(),
                _days(timezone.localtime(a.round.deadline).date(), today),
            )
            for a in drafts
        ],
        "item_requests": [
            DueItem(r.application, "item_request", r.due_date, _days(r.due_date, today))
            for r in requests
        ],
    }


def case_officer_due(now: dt.datetime | None = None) -> dict[str, list[DueItem]]:
    """Applications waiting for the formal check, answered Nachforderungen waiting for the
    check to go on, and overdue Nachforderungen."""
    today = timezone.localdate(now or timezone.now())
    related = ("round", "lead_municipality")
    waiting = (
        Application.objects.filter(status=Status.SUBMITTED)
        .select_related(*related)
        .order_by("submitted_at", "pk")[:DUE_LIMIT]
    )
    answered = (
        Application.objects.filter(status=Status.IN_CHECK)
        .filter(
            Exists(ItemRequest.objects.filter(application=OuterRef("pk")).exclude(resolved_at=None))
        )
        .select_related(*related)
        .order_by("updated_at", "pk")[:DUE_LIMIT]
    )
    overdue = (
        ItemRequest.objects.filter(
            resolved_at__isnull=True,
            due_date__lt=today,
            application__status=Status.MISSING_ITEMS,
        )
        .select_related("application__round", "application__lead_municipality")
        .order_by("due_date", "pk")[:DUE_LIMIT]
    )
    return {
        "waiting": [DueItem(a, "check") for a in waiting],
        "answered": [DueItem(a, "answer") for a in answered],
        "overdue": [
            DueItem(r.application, "overdue", r.due_date, _days(r.due_date, today)) for r in overdue
        ],
    }


def reviewer_due(user) -> list[Assignment]:
    """The reviewer's assignments whose review is not final yet."""
    return list(
        reviewer_assignments(user=user).filter(
            ~Q(review__status=ReviewStatus.FINAL) | Q(review__isnull=True)
        )[:DUE_LIMIT]
    )
