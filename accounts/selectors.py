"""Reads for accounts: fetching and authorising in one call."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from municipalities.models import Membership
from municipalities.selectors import member_municipality_ids

from .models import Invitation, JoinRequest, JoinRequestStatus, LoginEvent, User

RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("municipality")


def join_requests_of(user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("municipality", "decided_by")


def join_requests_decidable_by(user: User) -> QuerySet[JoinRequest]:
    """Open requests that ``user`` may approve or refuse: for admins all, for members of a
    municipality those for it; never the person's own."""
    qs = JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).exclude(user=user)
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if not user.is_portal_admin:
        qs = qs.filter(municipality_id__in=member_municipality_ids(user))
    return qs.select_related("user", "municipality").order_by("created_at")


def join_request_get(pk: int) -> JoinRequest:
    """One join request with its person and municipality, or 404 (the caller authorises)."""
    return get_object_or_404(JoinRequest.objects.select_related("user", "municipality"), pk=pk)


def membership_get(pk: int) -> Membership:
    """One membership with its municipality, or 404 (the caller authorises)."""
    return get_object_or_404(Membership.objects.select_related("municipality"), pk=pk)


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    if not (user.is_authenticated and user.is_portal_admin):
        return Invitation.objects.none()
    return Invitation.objects.select_related("municipality", "invited_by", "accepted_user")


def login_events_of(user: User) -> QuerySet[LoginEvent]:
    return LoginEvent.objects.filter(user=user)


def totp_device_of(user: User, *, confirmed: bool | None = True) -> TOTPDevice | None:
    qs = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.order_by("-id").first()


def recovery_device_of(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(device: StaticDevice | None) -> int:
    """Unused recovery codes on ``device`` (0 without one)."""
    return device.token_set.count() if device is not None else 0


def has_two_factor(user: User) -> bool:
    """The person has set up an authenticator app (a confirmed TOTP device)."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
