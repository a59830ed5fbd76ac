"""Demo data: accounts for every role and (once the applications app provides them) the
demo funding rounds. Used by `manage.py seed_demo` and by the browser tests."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, User
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
    DemoAccount(
        "sachbearbeitung@wir-portal.example", "Demo-Pruefung-2019!", "Sven Sachbearbeitung",
        Role.CASE_OFFICER,
    ),
    DemoAccount("jury1@wir-portal.example", "Demo-Jury1-2019!", "Julia Jury", Role.REVIEWER),
    DemoAccount("jury2@wir-portal.example", "Demo-Jury2-2019!", "Jonas Jury", Role.REVIEWER),
    DemoAccount(
        "admin@wir-portal.example", "Demo-Admin-2019!", "Ada Administration", Role.ADMIN,
        is_staff=True, is_superuser=True,
    ),
)  # fmt: skip


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
        user.set_password(account.password)
        user.save()
        names = []
        for ags in account.municipality_ags:
            municipality = Municipality.objects.filter(ags=ags).first()
            if municipality is None:
                continue
            Membership.objects.get_or_create(user=user, municipality=municipality)
            names.append(municipality.name)
        result.append((account, names))
    return result


def seed_all() -> dict:
    accounts = seed_accounts()
    rounds = []
    try:
        from applications.demo import seed_rounds
    except ImportError:  # the applications app provides its demo data itself
        seed_rounds = None
    if seed_rounds is not None:
        rounds = seed_rounds()
    return {"accounts": accounts, "rounds": rounds}
