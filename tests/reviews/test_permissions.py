"""Every review URL × every role × GET and POST gets exactly what it may, and no response
contains data (title, reference, municipality) of an application its user may not see.

Roles: anonymous, staff of the lead municipality, staff of the partner municipality, staff
of another municipality, a reviewer assigned (declared no conflict), a reviewer not assigned,
a reviewer who declared a conflict (biased), a case officer and an admin. A test also walks
the URL configuration, so a new review URL cannot ship without its row here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import get_resolver, reverse

from applications.models import PartnerStatus
from applications.workflow import Status
from reviews import permissions as p
from reviews.models import Assignment, AssignmentStatus
from tests.accounts.factories import login_verified
from tests.conftest import shared_data
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

from .conftest import assign_and_declare, make_round, score_all, to_in_review

ANONYMOUS = "anonymous"
STAFF = "municipal_staff"
PARTNER = "partner_staff"
STAFF_OTHER = "staff_other_municipality"
ASSIGNED = "reviewer_assigned"
UNASSIGNED = "reviewer_not_assigned"
BIASED = "reviewer_biased"
CASE_OFFICER = "case_officer"
ADMIN = "admin"
ROLES = (ANONYMOUS, STAFF, PARTNER, STAFF_OTHER, ASSIGNED, UNASSIGNED, BIASED, CASE_OFFICER,
         ADMIN)  # fmt: skip
MUNICIPAL = (STAFF, PARTNER, STAFF_OTHER)
JURY = (ASSIGNED, UNASSIGNED, BIASED)

OK, LOGIN, REDIRECT, DENIED = 200, "login", "redirect", "denied"


def outcome(**by_role) -> dict:
    """Anonymous -> login, municipal staff -> denied, unless given; every role named."""
    result = {ANONYMOUS: LOGIN, **dict.fromkeys(MUNICIPAL, DENIED)}
    for key, value in by_role.items():
        roles = {"jury": JURY, "rp": (CASE_OFFICER, ADMIN)}.get(key, (key,))
        result.update(dict.fromkeys(roles, value))
    assert set(result) == set(ROLES), sorted(set(ROLES) - set(result))
    return result


RP_READ = outcome(jury=DENIED, rp=OK)
RP_READ_POST = outcome(jury=DENIED, rp=405)
MANAGER = outcome(jury=DENIED, case_officer=OK, admin=DENIED)


@dataclass(frozen=True)
class Row:
    kwargs: str  # which objects the URL takes (see World.kwargs)
    get: dict
    post: dict
    post_data: tuple = ()


MATRIX = {
    "reviews:index": Row("none", RP_READ, RP_READ_POST),
    "reviews:overview": Row("round", RP_READ, RP_READ_POST),
    "reviews:ranking": Row("round", RP_READ, RP_READ_POST),
    "reviews:ranking_csv": Row("round", RP_READ, RP_READ_POST),
    "reviews:ranking_xlsx": Row("round", RP_READ, RP_READ_POST),
    "reviews:bulk_assign": Row("round", MANAGER, MANAGER),
    "reviews:detail": Row("app", RP_READ, RP_READ_POST),
    "reviews:note_add": Row("app", outcome(jury=DENIED, rp=405), outcome(jury=DENIED, rp=REDIRECT)),
    "reviews:formal_check": Row(
        "app", MANAGER, outcome(jury=DENIED, case_officer=REDIRECT, admin=DENIED)
    ),
    "reviews:check_start": Row(
        "app",
        outcome(jury=DENIED, case_officer=405, admin=DENIED),
        outcome(jury=DENIED, case_officer=REDIRECT, admin=DENIED),
    ),
    # the application is in scoring: no open Nachforderung, back to the detail page (the page
    # itself: tests/security/item_request_rows.py)
    "reviews:item_request_extend": Row(
        "app",
        outcome(jury=DENIED, case_officer=REDIRECT, admin=DENIED),
        outcome(jury=DENIED, case_officer=REDIRECT, admin=DENIED),
    ),
    "reviews:assignments": Row("app", MANAGER, MANAGER),
    "reviews:assignment_end": Row("final_assignment", MANAGER, MANAGER),
    "reviews:review_reopen": Row("final_assignment", MANAGER, MANAGER),
    "reviews:decision": Row("app", MANAGER, MANAGER),
    "reviews:mark_ready": Row(
        "app",
        outcome(jury=DENIED, case_officer=405, admin=DENIED),
        outcome(jury=DENIED, case_officer=REDIRECT, admin=DENIED),
    ),
    "reviews:jury_list": Row("none", outcome(jury=OK, rp=DENIED), outcome(jury=405, rp=DENIED)),
    "reviews:jury_review": Row(
        "app",
        outcome(jury=DENIED, reviewer_assigned=OK, rp=DENIED),
        outcome(jury=DENIED, reviewer_assigned=REDIRECT, rp=DENIED),
        post_data=(("save", "1"),),
    ),
    "reviews:jury_declare": Row(
        "app",
        outcome(jury=DENIED, reviewer_assigned=REDIRECT, rp=DENIED),
        outcome(jury=DENIED, reviewer_assigned=REDIRECT, rp=DENIED),
    ),
    "reviews:jury_attachment": Row(
        "attachment",
        outcome(jury=DENIED, reviewer_assigned=OK, rp=DENIED),
        outcome(jury=405, rp=DENIED),  # the method is refused before the lookup
    ),
}


@dataclass
class World:
    round: object
    app: object
    other_app: object
    draft: object
    final_assignment: object
    users: dict

    def kwargs(self, kind: str) -> dict:
        return {
            "none": {},
            "round": {"round_pk": self.round.pk},
            "app": {"pk": self.app.pk},
            "final_assignment": {"pk": self.app.pk, "assignment_pk": self.final_assignment.pk},
            "attachment": {"pk": self.app.pk, "attachment_pk": self.app.attachments.first().pk},
        }[kind]

    def secrets_for(self, role: str) -> list[str]:
        """Texts of the applications ``role`` may not see: drafts nobody at RP sees, the
        application nobody in the jury is assigned to, and for everyone but RP staff and the
        assigned reviewer the assigned application too."""
        texts = [self.draft.title]  # a draft has no reference yet
        if role in (CASE_OFFICER, ADMIN):
            return texts
        texts += [self.other_app.title, self.other_app.reference]
        if role != ASSIGNED:
            texts += [self.app.title, self.app.reference]
        return texts


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once per module (see ``tests.conftest.shared_data``): every test
    finds it as built, since what a test changes is rolled back."""
    media = tmp_path_factory.mktemp("review-world-media")
    with shared_data(django_db_blocker, media, _build_world) as data:
        yield data


@pytest.fixture
def world(_world, db, settings):
    return _world.for_test(settings.MEDIA_ROOT)


@pytest.fixture
def round_(world):
    """The world's round (the round of ``tests/reviews/conftest.py``, built with the world)."""
    return world.round


def _build_world():
    round_ = make_round()
    criteria = list(round_.criteria.order_by("position"))
    lead = MunicipalityFactory(name="Heppenheim (Bergstraße)")
    partner = MunicipalityFactory(name="Mörlenbach", population=9_000)
    other = MunicipalityFactory(name="Lorsch")
    case_officer = CaseOfficerFactory()
    users = {
        STAFF: staff_for(lead),
        PARTNER: staff_for(partner),
        STAFF_OTHER: staff_for(other),
        ASSIGNED: ReviewerFactory(full_name="Julia Jury"),
        UNASSIGNED: ReviewerFactory(full_name="Uwe Unbeteiligt"),
        BIASED: ReviewerFactory(full_name="Bea Befangen"),
        CASE_OFFICER: case_officer,
        ADMIN: AdminFactory(is_staff=True, is_superuser=True),
    }
    app = ApplicationFactory(
        round=round_, lead_municipality=lead, complete=True, status=Status.SUBMITTED,
        title="Heppenheim lebt Vielfalt",
    )  # fmt: skip
    ApplicationPartnerFactory(
        application=app, municipality=partner, status=PartnerStatus.CONFIRMED, with_letter=True
    )
    to_in_review(app, case_officer)
    assign_and_declare(app, users[ASSIGNED], case_officer)
    assign_and_declare(app, users[BIASED], case_officer, conflict=True)
    finisher = ReviewerFactory(full_name="Fritz Fertig")
    final_assignment = assign_and_declare(app, finisher, case_officer)
    score_all(final_assignment, finisher, criteria, 7)
    other_app = ApplicationFactory(
        round=round_, lead_municipality=other, complete=True, status=Status.SUBMITTED,
        title="Geheimes Vorhaben Lorsch",
    )  # fmt: skip
    to_in_review(other_app, case_officer)
    draft = ApplicationFactory(
        round=round_, lead_municipality=MunicipalityFactory(name="Entwurfsstadt"),
        title="Unveröffentlichter Entwurf",
    )  # fmt: skip
    return World(round_, app, other_app, draft, final_assignment, users)


def check(response, expected, where):
    status = response.status_code
    if expected == LOGIN:
        login = reverse(settings.LOGIN_URL)
        assert status == 302 and response.url.startswith(login), f"{where}: {status}"
    elif expected == REDIRECT:
        assert status in (301, 302, 303), f"{where}: expected a redirect, got {status}"
        assert not response.url.startswith(reverse(settings.LOGIN_URL)), where
    elif expected == DENIED:
        assert status in (403, 404), f"{where}: expected 403/404, got {status}"
    else:
        assert status == expected, f"{where}: expected {expected}, got {status}"


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    content_type = response.get("Content-Type", "")
    if content_type.startswith(("text/", "application/json")):
        return response.content.decode()
    return ""


CASES = [(name, method, role) for name in MATRIX for method in ("get", "post") for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("name, method, role", CASES, ids=["-".join(c) for c in CASES])
def test_matrix(client, world, name, method, role):
    row = MATRIX[name]
    expected = getattr(row, method)[role]
    url = reverse(name, kwargs=world.kwargs(row.kwargs))
    if role != ANONYMOUS:
        login_verified(client, world.users[role])
    response = client.get(url) if method == "get" else client.post(url, dict(row.post_data))
    where = f"{method.upper()} {url} as {role}"
    check(response, expected, where)
    text = body(response)
    for secret in world.secrets_for(role):
        assert secret not in text, f"{where} shows {secret!r}"


def test_every_review_url_has_a_row():
    names = {f"reviews:{p.name}" for p in get_resolver().namespace_dict["reviews"][1].url_patterns}
    assert names == set(MATRIX), sorted(names ^ set(MATRIX))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [CASE_OFFICER, ADMIN, ASSIGNED, UNASSIGNED, BIASED])
def test_nobody_reaches_drafts_or_foreign_applications(client, world, role):
    """Object URLs with the id of a draft (RP) or of an unassigned application (jury)."""
    login_verified(client, world.users[role])
    for pk in (world.draft.pk,):
        for name in ("reviews:detail", "reviews:formal_check", "reviews:decision"):
            assert client.get(reverse(name, args=[pk])).status_code in (403, 404)
    for pk in (world.other_app.pk, world.draft.pk):
        for name in ("reviews:jury_review", "reviews:jury_declare"):
            assert client.get(reverse(name, args=[pk])).status_code in (403, 404)
    attachment = world.other_app.attachments.first()
    url = reverse("reviews:jury_attachment", args=[world.app.pk, attachment.pk])
    assert client.get(url).status_code in (403, 404)  # an attachment of another application


@pytest.mark.django_db
def test_reviewer_sees_the_application_only_after_declaring(client, world, round_):
    reviewer = ReviewerFactory()
    Assignment.objects.create(application=world.other_app, reviewer=reviewer)
    login_verified(client, reviewer)
    html = client.get(reverse("reviews:jury_declare", args=[world.other_app.pk])).content.decode()
    assert world.other_app.title in html  # enough to judge bias: names and title
    assert "Marktplatz 1" not in html and "Kostenposition" not in html
    attachment = world.other_app.attachments.first()
    url = reverse("reviews:jury_attachment", args=[world.other_app.pk, attachment.pk])
    assert client.get(url).status_code == 404


# The predicates as a small matrix ----------------------------------------------------------------
@pytest.mark.django_db
def test_predicates(world):
    users, app = world.users, world.app
    assert [r for r in ROLES[1:] if p.can_use_rp_pages(users[r])] == [CASE_OFFICER, ADMIN]
    assert [r for r in ROLES[1:] if p.can_manage(users[r])] == [CASE_OFFICER]
    assigned = Assignment.objects.get(application=app, reviewer=users[ASSIGNED])
    biased = Assignment.objects.get(application=app, reviewer=users[BIASED])
    assert biased.status == AssignmentStatus.ENDED_CONFLICT
    assert p.can_see_content(users[ASSIGNED], assigned)
    assert not p.can_see_content(users[UNASSIGNED], assigned)
    assert not p.can_see_content(users[BIASED], biased)
    assert not p.can_declare(users[ASSIGNED], assigned)
    assert p.has_municipal_conflict({1, 2}, {2, 3}) and not p.has_municipal_conflict({1}, {2})
    assert not p.may_be_assigned(
        users[ASSIGNED], member_municipality_ids={5}, application_municipality_ids={5}
    )
    assert not p.may_be_assigned(
        users[STAFF], member_municipality_ids=set(), application_municipality_ids={5}
    )
    inactive = ReviewerFactory(is_active=False)
    assert not p.may_be_assigned(
        inactive, member_municipality_ids=set(), application_municipality_ids={5}
    )
