"""Writes for accounts: invitations, self-registration, memberships, two-factor devices,
deactivation and anonymisation. Keyword-only, typed, transactional."""

from __future__ import annotations

import hashlib
import logging
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import ip_address

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.mail import mail_once, mail_send
from core.outbox import outbox_enqueue
from municipalities.models import Membership, Municipality
from municipalities.selectors import member_municipality_ids

from . import permissions
from .lockout import client_ip
from .models import (
    ANONYMISED_NAME,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    LoginEvent,
    LoginEventKind,
    Role,
    User,
)
from .selectors import RECOVERY_DEVICE_NAME

logger = logging.getLogger(__name__)

REGISTRATION_SALT = "accounts.registration"


class InvalidLink(Exception):
    """A link from an e-mail that cannot be used (any more)."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _send(*, to: str, template: str, context: dict) -> None:
    mail_send(template=f"accounts/email/{template}", context=context, to=[to])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Login events -----------------------------------------------------------------------------


def login_event_record(
    *, kind: str, request: HttpRequest | None, user: User | None = None, email: str = ""
) -> LoginEvent:
    """Records a login-related event. ``email`` is what was typed; a password never is."""
    user_agent = request.headers.get("user-agent", "") if request is not None else ""
    ip = client_ip(request)
    try:
        ip = str(ip_address(ip)) if ip else None
    except ValueError:
        ip = None
    return LoginEvent.objects.create(
        user=user if user is not None and user.pk else None,
        email=(email or (user.email if user is not None else ""))[:254],
        kind=kind,
        ip_address=ip,
        user_agent=user_agent[:300],
    )


# Invitations ------------------------------------------------------------------------------


@transaction.atomic
def invitation_send(
    *,
    email: str,
    role: str,
    municipality: Municipality | None,
    invited_by: User,
    base_url: str,
) -> Invitation:
    """Invites a person; earlier open invitations for the same address stop working."""
    if not permissions.can_invite(invited_by):
        raise PermissionDenied
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Für diese E-Mail-Adresse gibt es bereits ein Konto.")}, code="exists"
        )
    if role == Role.MUNICIPAL_STAFF and municipality is None:
        raise ValidationError(
            {"municipality": _("Bitte wählen Sie die Kommune, für die die Person handelt.")},
            code="required",
        )
    if role != Role.MUNICIPAL_STAFF:
        municipality = None
    now = timezone.now()
    Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).filter(
        expires_at__gt=now
    ).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        municipality=municipality,
        token_hash=hash_token(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.WIR_INVITATION_DAYS),
    )
    url = base_url.rstrip("/") + reverse("accounts:invitation_accept", args=[token])
    _send(
        to=email,
        template="invitation",
        context={"invitation": invitation, "url": url, "days": settings.WIR_INVITATION_DAYS},
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link belongs to, or ``InvalidLink`` saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("municipality")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvalidLink(InvalidLink.UNKNOWN)
    if invitation.is_accepted:
        raise InvalidLink(InvalidLink.USED)
    if invitation.is_expired:
        raise InvalidLink(InvalidLink.EXPIRED)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, full_name: str, password: str) -> User:
    """Creates the invited person's account (and membership) with the chosen password."""
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_accepted:
        raise InvalidLink(InvalidLink.USED)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvalidLink(InvalidLink.USED)
    now = timezone.now()
    user = User(
        email=invitation.email,
        full_name=full_name.strip(),
        role=invitation.role,
        is_staff=invitation.role == Role.ADMIN,
        is_superuser=invitation.role == Role.ADMIN,
        email_confirmed_at=now,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    if invitation.municipality_id:
        Membership.objects.create(user=user, municipality_id=invitation.municipality_id)
    invitation.accepted_at = now
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


# Self-registration of municipal staff ----------------------------------------------------


def _registration_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=REGISTRATION_SALT)


def user_register(*, email: str, full_name: str, base_url: str) -> None:
    """Registers municipal staff: an inactive account without a password, and a mail.

    The password is chosen only after following the link in the mail
    (``registration_confirm``), so nobody can activate a password for an address they do
    not read. The answer says nothing about whether the address is known, and takes the
    same work either way: one lookup-or-insert, no password hashing, and one mail handed to
    the queue after the commit (a new or never confirmed account gets the confirmation
    link, a confirmed one a note that it exists)."""
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            email__iexact=email,
            defaults={
                "email": email,
                "full_name": full_name.strip(),
                "role": Role.MUNICIPAL_STAFF,
                "is_active": False,
                "password": make_password(None),
            },
        )
        unconfirmed = not (user.email_confirmed_at or user.is_active or user.anonymised_at)
        template = "registration_confirm" if created or unconfirmed else "registration_exists"
        user_id = user.pk
        # Owed in this transaction and sent by a worker (the outbox): the same work for a new
        # and a known address, and no mail lost while the queue is down.
        outbox_enqueue("accounts.send_registration_mail", user_id, template, base_url)


def registration_mail_send(*, user_id: int, template: str, base_url: str) -> bool:
    """Sends the registration mail (the Celery task calls this). ``False`` if the account
    has meanwhile been confirmed (a confirmation link is no longer needed) or is gone."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.anonymised_at:
        return False
    if template == "registration_confirm" and user.email_confirmed_at:
        return False
    context = {
        "user": user,
        "days": settings.WIR_REGISTRATION_CONFIRM_DAYS,
        "url": base_url.rstrip("/")
        + reverse("accounts:register_confirm", args=[_registration_token(user)]),
        "reset_url": base_url.rstrip("/") + reverse("accounts:password_reset"),
    }
    _send(to=user.email, template=template, context=context)
    return True


def registration_user_for_token(token: str) -> User:
    """The unconfirmed account a confirmation link belongs to, or ``InvalidLink``."""
    try:
        data = signing.loads(
            token,
            salt=REGISTRATION_SALT,
            max_age=timedelta(days=settings.WIR_REGISTRATION_CONFIRM_DAYS),
        )
    except signing.SignatureExpired:
        raise InvalidLink(InvalidLink.EXPIRED) from None
    except signing.BadSignature:
        raise InvalidLink(InvalidLink.UNKNOWN) from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None or user.anonymised_at:
        raise InvalidLink(InvalidLink.UNKNOWN)
    if user.email_confirmed_at is not None:
        raise InvalidLink(InvalidLink.USED)
    return user


@transaction.atomic
def registration_confirm(*, token: str, full_name: str, password: str) -> User:
    """Confirms the address and sets name and password, chosen now by whoever holds the
    link from the mail, i.e. the person who reads that address. Whatever an earlier
    registration of the address set is replaced; the account becomes active."""
    user = registration_user_for_token(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is not None:
        raise InvalidLink(InvalidLink.USED)
    user.full_name = full_name.strip()
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.email_confirmed_at = timezone.now()
    user.is_active = True
    user.save(update_fields=["full_name", "password", "email_confirmed_at", "is_active"])
    # Nobody could have set up a second factor before the address was confirmed.
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return user


# Memberships and join requests -----------------------------------------------------------


@transaction.atomic
def join_request_create(*, user: User, municipality: Municipality) -> JoinRequest:
    if not permissions.can_request_membership(user):
        raise PermissionDenied
    if Membership.objects.filter(user=user, municipality=municipality).exists():
        raise ValidationError(
            {"municipality": _("Sie gehören dieser Kommune bereits an.")}, code="member"
        )
    if JoinRequest.objects.filter(
        user=user, municipality=municipality, status=JoinRequestStatus.PENDING
    ).exists():
        raise ValidationError(
            {"municipality": _("Sie haben für diese Kommune bereits eine offene Anfrage.")},
            code="pending",
        )
    return JoinRequest.objects.create(user=user, municipality=municipality)


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, actor: User, approve: bool) -> JoinRequest:
    """Approves (adds the membership) or refuses an open join request."""
    join_request = (
        JoinRequest.objects.select_for_update()
        .select_related("user", "municipality")
        .get(pk=join_request.pk)
    )
    if not permissions.can_decide_join_request(actor, join_request, member_municipality_ids(actor)):
        raise PermissionDenied
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.REFUSED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        Membership.objects.get_or_create(
            user=join_request.user, municipality=join_request.municipality
        )
    requester = join_request.user
    if requester.is_active and not requester.anonymised_at:
        outbox_enqueue("accounts.send_join_request_decided_mail", join_request.pk)
    return join_request


def join_request_decided_mail_send(*, join_request_id: int) -> None:
    """Tells the person how their request to join a municipality was decided (the task),
    once however often it runs."""
    join_request = (
        JoinRequest.objects.select_related("user", "municipality")
        .filter(pk=join_request_id)
        .first()
    )
    if join_request is None or join_request.decided_at is None:
        return
    requester = join_request.user
    if not requester.is_active or requester.anonymised_at:
        return
    with mail_once(f"accounts.join_request_decided:{join_request.pk}") as owed:
        if owed:
            _send(
                to=requester.email,
                template="join_request_decided",
                context={
                    "join_request": join_request,
                    "approved": join_request.status == JoinRequestStatus.APPROVED,
                },
            )


@transaction.atomic
def membership_leave(*, membership: Membership, user: User) -> None:
    """The person stops acting for the municipality. Membership has no end date yet, so the
    row goes; the join request that led to it stays as the record."""
    if not permissions.can_leave_membership(user, membership):
        raise PermissionDenied
    Membership.objects.filter(pk=membership.pk).delete()


# Deactivation and anonymisation ----------------------------------------------------------


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """The account stays with its history but can no longer log in (open sessions end)."""
    if not permissions.can_manage_accounts(actor):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError(_("Sie können Ihr eigenes Konto nicht deaktivieren."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_anonymise(*, user: User, actor: User) -> User:
    """Removes the personal data of a departed person. Rows that point to the person keep
    pointing to them, so every history stays complete; they are shown as "ehemalige Person"."""
    if not permissions.can_manage_accounts(actor):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError(_("Sie können Ihr eigenes Konto nicht anonymisieren."))
    user = User.objects.select_for_update().get(pk=user.pk)
    old_email = user.email
    user.email = f"ehemalige-person-{user.pk}@anonymisiert.invalid"
    user.full_name = str(ANONYMISED_NAME)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    Membership.objects.filter(user=user).delete()
    LoginEvent.objects.filter(user=user).update(email="", ip_address=None, user_agent="")
    LoginEvent.objects.filter(user__isnull=True, email__iexact=old_email).update(
        email="", ip_address=None, user_agent=""
    )
    Invitation.objects.filter(email__iexact=old_email).update(email=user.email)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("user %s anonymised by user %s", user.pk, actor.pk)
    return user


# Two-factor authentication ---------------------------------------------------------------


def totp_secret_b32(device: TOTPDevice) -> str:
    """The secret as an authenticator app wants it typed (base32, no padding)."""
    return b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def totp_setup_start(*, user: User) -> TOTPDevice:
    """The device being set up: a new secret, unconfirmed until a code from it is entered."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=False)
    return device


@transaction.atomic
def totp_setup_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the new device with a code from it. Replaces an older app, and returns
    fresh recovery codes (shown once), or ``None`` if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_generate(user=user)


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working. Returns them in plain text once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.WIR_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _otp_failures_now(user: User) -> int:
    """Wrong codes in a row, counted from the database; a run older than
    ``WIR_OTP_LOCKOUT_MINUTES`` (since its last miss) no longer counts."""
    row = User.objects.filter(pk=user.pk).values("otp_failures", "otp_last_failure_at").first()
    if not row or row["otp_last_failure_at"] is None:
        return 0
    window = timedelta(minutes=settings.WIR_OTP_LOCKOUT_MINUTES)
    if row["otp_last_failure_at"] <= timezone.now() - window:
        return 0
    return row["otp_failures"]


def otp_is_locked(user: User) -> bool:
    """Codes from the authenticator app are refused (recovery codes may still work)."""
    return _otp_failures_now(user) >= settings.WIR_OTP_FAILURE_LIMIT


def otp_recovery_is_locked(user: User) -> bool:
    """Even recovery codes are refused: as many misses again while the app code was locked."""
    return _otp_failures_now(user) >= 2 * settings.WIR_OTP_FAILURE_LIMIT


def _otp_failure_record(user: User) -> int:
    """Counts one wrong code; returns the number of wrong codes in a row."""
    with transaction.atomic():
        row = User.objects.select_for_update().only("pk").get(pk=user.pk)
        failures = _otp_failures_now(row) + 1
        User.objects.filter(pk=user.pk).update(
            otp_failures=min(failures, 32767), otp_last_failure_at=timezone.now()
        )
    return failures


def _otp_failures_reset(user: User) -> None:
    User.objects.filter(pk=user.pk).exclude(otp_failures=0, otp_last_failure_at=None).update(
        otp_failures=0, otp_last_failure_at=None
    )


@dataclass(frozen=True)
class SecondFactorResult:
    device: object | None
    locked: bool = False
    recovery_locked: bool = False
    refused_while_locked: bool = False


def second_factor_verify(
    *, user: User, token: str, request: HttpRequest | None = None
) -> SecondFactorResult:
    """Checks a code from the authenticator app or a recovery code (used up on success).

    ``WIR_OTP_FAILURE_LIMIT`` wrong codes in a row lock the app codes for
    ``WIR_OTP_LOCKOUT_MINUTES``; while locked, not even a right app code is accepted, but a
    recovery code is, until as many wrong codes again lock the second factor completely.
    Every code is checked as soon as it arrives (django-otp's own back-off is off, see
    settings), so a right code is never refused because a wrong one came just before it."""
    token = (token or "").strip().replace(" ", "").replace("-", "").lower()
    is_recovery = bool(token) and not token.isdigit()
    failures = _otp_failures_now(user)
    limit = settings.WIR_OTP_FAILURE_LIMIT
    if failures >= 2 * limit or (failures >= limit and not is_recovery):
        return SecondFactorResult(
            device=None,
            locked=True,
            recovery_locked=failures >= 2 * limit,
            refused_while_locked=bool(token),
        )
    device = None
    if token:
        with transaction.atomic():
            if is_recovery:
                candidates = StaticDevice.objects.filter(user=user, confirmed=True)
            else:
                candidates = TOTPDevice.objects.filter(user=user, confirmed=True)
            for candidate in candidates.select_for_update():
                if candidate.verify_token(token):
                    device = candidate
                    break
    if device is not None:
        _otp_failures_reset(user)
        login_event_record(kind=LoginEventKind.OTP_VERIFIED, request=request, user=user)
        return SecondFactorResult(device=device)
    failures = _otp_failure_record(user)
    login_event_record(kind=LoginEventKind.OTP_FAILED, request=request, user=user)
    logger.warning("second factor failed for user %s (%s in a row)", user.pk, failures)
    return SecondFactorResult(
        device=None, locked=failures >= limit, recovery_locked=failures >= 2 * limit
    )
