"""The test world for the security tests: one person per role of the matrix, and the
objects the URLs need (a municipality with a member, a join request, an invitation …)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import Invitation, Role, User
from accounts.services import REGISTRATION_SALT, hash_token
from tests.accounts.factories import login_verified
from tests.conftest import shared_data
from tests.factories import (
    AdminFactory,
    CaseOfficerFactory,
    JoinRequestFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

from . import matrix


@dataclass
class World:
    municipality: object
    other_municipality: object
    partner_municipality: object
    users: dict
    staff_membership: object
    join_request: object
    invitation_token: str
    confirm_token: str
    # Applications of the municipality (lead) with the partner municipality (see
    # _application_world): a draft, a submitted one with documents, one awaiting the
    # partner's answer, and an open round the municipality does not take part in yet.
    draft: object = None
    submitted: object = None
    pending_partner: object = None
    open_round: object = None
    attachment: object = None


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once per module (see ``tests.conftest.shared_data``): every test
    finds it as built, since what a test changes is rolled back."""
    media = tmp_path_factory.mktemp("world-media")
    with shared_data(django_db_blocker, media, _build_world) as data:
        yield data


@pytest.fixture
def world(_world, db, settings) -> World:
    return _world.for_test(settings.MEDIA_ROOT)


def _build_world() -> World:
    municipality = MunicipalityFactory(name="Heppenheim (Bergstraße)", ags="06431011")
    other = MunicipalityFactory(name="Lorsch", ags="06431015")
    partner = MunicipalityFactory(name="Mörlenbach", ags="06431017", population=10_126)
    users = {
        matrix.STAFF: staff_for(municipality),
        matrix.STAFF_OTHER: staff_for(other),
        matrix.PARTNER: staff_for(partner),
        matrix.REVIEWER_ASSIGNED: ReviewerFactory(),
        matrix.REVIEWER_UNASSIGNED: ReviewerFactory(),
        matrix.CASE_OFFICER: CaseOfficerFactory(),
        matrix.ADMIN: AdminFactory(is_staff=True, is_superuser=True),
    }
    join_request = JoinRequestFactory(municipality=municipality)
    token = "ein-gueltiger-einladungs-token"
    Invitation.objects.create(
        email="eingeladen@x.example", role=Role.REVIEWER, token_hash=hash_token(token),
        invited_by=users[matrix.ADMIN], expires_at=timezone.now() + timezone.timedelta(days=1),
    )  # fmt: skip
    pending = User.objects.create_user("neu@x.example", "x" * 20, is_active=False)
    world = World(
        municipality=municipality,
        other_municipality=other,
        partner_municipality=partner,
        users=users,
        staff_membership=users[matrix.STAFF].memberships.get(),
        join_request=join_request,
        invitation_token=token,
        confirm_token=signing.dumps({"u": pending.pk, "e": pending.email}, salt=REGISTRATION_SALT),
    )
    _application_world(world)
    return world


SECRET_TITLE = "Vertrauliches Vorhaben Heppenheim"


def _application_world(world: World) -> None:
    from applications.models import ApplicationPartner, PartnerStatus
    from applications.workflow import Status
    from documents.models import DocumentKind, GeneratedDocument
    from tests.factories import ApplicationFactory, FundingRoundFactory

    def joint(status, partner_status, **kwargs):
        application = ApplicationFactory(
            round=FundingRoundFactory(
                lead_between_bounds_may_be_joint=True, required_attachment_kinds=["konzept"]
            ),
            lead_municipality=world.municipality,
            complete=True,
            status=status,
            title=SECRET_TITLE,
            **kwargs,
        )
        ApplicationPartner.objects.create(
            application=application,
            municipality=world.partner_municipality,
            status=partner_status,
        )
        return application

    world.draft = joint(Status.DRAFT, PartnerStatus.CONFIRMED)
    world.submitted = joint(Status.SUBMITTED, PartnerStatus.CONFIRMED)
    world.attachment = world.submitted.attachments.first()
    document = GeneratedDocument(
        application=world.submitted, kind=DocumentKind.RECEIPT, filename="Eingang.pdf"
    )
    document.file.save("Eingang.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    pending_app = joint(Status.DRAFT, PartnerStatus.PENDING)
    world.pending_partner = pending_app.partners.get()
    world.open_round = FundingRoundFactory()


@pytest.fixture(autouse=True)
def _health_checks_without_worker(monkeypatch):
    """/healthz/ reports the workers' heartbeats; none runs here, its own tests cover that."""
    from core import views

    monkeypatch.setitem(views.CHECKS, "workers", lambda: {"ok": True})


def act_as(client, world: World, role: str):
    if role != matrix.ANONYMOUS:
        login_verified(client, world.users[role])
    return client


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, str]]:
    """(name, pattern) of every URL pattern, recursively, with namespaces; unnamed
    patterns appear as ``<unnamed>`` so that they fail the matrix too."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            found.extend(url_names(pattern, ns))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed>"
            found.append((name, str(pattern.pattern)))
    return found


def is_excluded(name: str) -> bool:
    if name in matrix.INCLUDED_DESPITE_NAMESPACE:
        return False
    if name in matrix.EXCLUDED_NAMES:
        return True
    return any(name.startswith(f"{ns}:") for ns in matrix.EXCLUDED_NAMESPACES)


def matrix_cases():
    for name, entry in matrix.MATRIX.items():
        for method in ("get", "post"):
            for role in matrix.ROLES:
                yield name, method, role, getattr(entry, method)[role]
