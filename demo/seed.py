"""Demo data: accounts for every role, the demo funding rounds and criteria, and on request
three submitted applications. Used by `manage.py seed_demo` and by the browser tests.

This app sits above every other app (it seeds all of them), so it imports them at the top;
the rounds, criteria and applications come from each app's own ``demo`` module."""

from base64 import b32decode
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from demo.applications import seed_applications, seed_rounds
from demo.calls import seed_calls
from demo.grants import seed_grants
from demo.messaging import seed_messages
from demo.reports import seed_reports
from demo.reviews import seed_criteria
from municipalities.models import Membership, Municipality


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    full_name: str
    role: str
    municipality_ags: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False
    # DEMO ONLY: a fixed TOTP secret (base32) for the roles that must use a second factor, so
    # that a person can add it to an authenticator app and the browser tests can compute the
    # codes. Never use fixed secrets for real accounts.
    totp_secret: str = ""


# Heppenheim (Bergstraße) 26,218 inhabitants: may apply alone. Birkenau 9,852: only jointly.
# Mörlenbach 10,126: a partner for Birkenau. All in Kreis Bergstraße, RB Darmstadt.
DEMO_ACCOUNTS = (
    DemoAccount(
        "antrag@wir-portal.example", "Demo-Antrag-2019!", "Anna Antrag", Role.MUNICIPAL_STAFF,
        ("06431011",),
    ),
    DemoAccount(
        "birkenau@wir-portal.example", "Demo-Birkenau-2019!", "Bernd Birkenau",
        Role.MUNICIPAL_STAFF, ("06431004",),
    ),
    DemoAccount(
        "partner@wir-portal.example", "Demo-Partner-2019!", "Paula Partner", Role.MUNICIPAL_STAFF,
        ("06431017",),
    ),
    # Landkreis Bergstraße (kind 40 of the register): applies in "WIR-Integrationslotsen 2027".
    DemoAccount(
        "landkreis@wir-portal.example", "Demo-Landkreis-2027!", "Lena Landkreis",
        Role.MUNICIPAL_STAFF, ("06431000",),
    ),
    DemoAccount(
        "sachbearbeitung@wir-portal.example", "Demo-Pruefung-2019!", "Sven Sachbearbeitung",
        Role.CASE_OFFICER, totp_secret="WIRDEMOSACHBEARBEITUNGRPDARMSTAD",  # noqa: S106 - demo only
    ),
    DemoAccount(
        "jury1@wir-portal.example", "Demo-Jury1-2019!", "Julia Jury", Role.REVIEWER,
        totp_secret="WIRDEMOJURYEINSGUTACHTERINXXXXXX",  # noqa: S106 - demo only
    ),
    DemoAccount(
        "jury2@wir-portal.example", "Demo-Jury2-2019!", "Jonas Jury", Role.REVIEWER,
        totp_secret="WIRDEMOJURYZWEIGUTACHTERXXXXXXXX",  # noqa: S106 - demo only
    ),
    DemoAccount(
        "admin@wir-portal.example", "Demo-Admin-2019!", "Ada Administration", Role.ADMIN,
        is_staff=True, is_superuser=True, totp_secret="WIRDEMOADMINISTRATIONHMSIXXXXXXX",  # noqa: S106 - demo only
    ),
)  # fmt: skip


DEMO_DEVICE_NAME = "Demo-Authenticator"


@transaction.atomic
def seed_accounts() -> list[tuple[DemoAccount, list[str]]]:
    """Create or reset the demo accounts; returns each with the municipalities it belongs to."""
    result = []
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(email=account.email)
        user.full_name = account.full_name
        user.role = account.role
        user.is_staff = account.is_staff
        user.is_superuser = account.is_superuser
        user.is_active = True
        user.email_confirmed_at = user.email_confirmed_at or timezone.now()
        user.set_password(account.password)
        user.save()
        _seed_totp_device(user, account)
        names = []
        for ags in account.municipality_ags:
            municipality = Municipality.objects.filter(ags=ags).first()
            if municipality is None:
                continue
            Membership.objects.get_or_create(user=user, municipality=municipality)
            names.append(municipality.name)
        result.append((account, names))
    return result


def _seed_totp_device(user: User, account: DemoAccount) -> None:
    """A confirmed authenticator app with the account's fixed demo secret, reset so that the
    next code is accepted (no throttling, no used time step)."""
    TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE_NAME).delete()
    if not account.totp_secret:
        TOTPDevice.objects.filter(user=user).delete()
        return
    TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_DEVICE_NAME,
        defaults={
            "key": b32decode(account.totp_secret).hex(),
            "confirmed": True,
            "last_t": -1,
            "drift": 0,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )


def demo_totp_uri(account: DemoAccount) -> str:
    """The otpauth:// URI of the account's demo secret (for an authenticator app)."""
    device = TOTPDevice.objects.select_related("user").get(
        user__email=account.email, name=DEMO_DEVICE_NAME
    )
    return device.config_url


def seed_all(*, applications: bool = False) -> dict:
    """Demo accounts, rounds and criteria; with ``applications`` also three submitted
    applications in the open round (scripts/run does that; the tests make their own)."""
    accounts = seed_accounts()
    rounds = seed_rounds() + seed_calls()
    seed_criteria()
    submitted = seed_applications() if applications else []
    return {
        "accounts": accounts,
        "rounds": rounds,
        "applications": [*submitted, *(seed_reports() if applications else [])],
        "messages": seed_messages() if applications else [],
        "grants": seed_grants() if applications else [],
    }
