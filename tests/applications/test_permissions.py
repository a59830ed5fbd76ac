"""Permission predicates and the visibility selectors, as a matrix of people x statuses."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from applications import permissions, selectors
from applications.models import Application, ApplicationEvent
from applications.workflow import Status
from municipalities.selectors import member_municipality_ids
from tests.accounts.factories import login_verified
from tests.factories import (
    AdminFactory,
    ApplicationEventFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    AttachmentFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    ItemRequestFactory,
    MunicipalityFactory,
    ReviewerFactory,
    UserFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db

PEOPLE = [
    "lead_staff",
    "partner_staff",
    "declined_partner_staff",
    "other_staff",
    "case_officer",
    "admin",
    "superuser",
    "reviewer",
    "inactive_lead_staff",
    "anonymous",
]


@pytest.fixture
def world():
    round_ = FundingRoundFactory(lead_between_bounds_may_be_joint=True)
    lead = MunicipalityFactory(population=20_000)
    partner = MunicipalityFactory(population=5_000)
    declined = MunicipalityFactory(population=5_000)
    people = {
        "lead_staff": staff_for(lead),
        "partner_staff": staff_for(partner),
        "declined_partner_staff": staff_for(declined),
        "other_staff": staff_for(MunicipalityFactory()),
        "case_officer": CaseOfficerFactory(),
        "admin": AdminFactory(),
        "superuser": UserFactory(role="municipal_staff", is_superuser=True, is_staff=True),
        "reviewer": ReviewerFactory(),
        "inactive_lead_staff": staff_for(lead, is_active=False),
        "anonymous": AnonymousUser(),
    }

    def make(status, in_round=None):
        app = ApplicationFactory(round=in_round or round_, lead_municipality=lead, status=status)
        p = ApplicationPartnerFactory(application=app, municipality=partner)
        ApplicationPartnerFactory(application=app, municipality=declined, status="declined")
        if status == Status.MISSING_ITEMS:
            ItemRequestFactory(application=app, sections=["attachments"])
        return app, p

    return people, make


def expected_view(person, status):
    if person in ("lead_staff", "partner_staff"):
        return True
    if person in ("case_officer", "admin", "superuser"):
        return status != Status.DRAFT
    return False


def expected_edit(person, status, section):
    if person != "lead_staff":
        return False
    if status == Status.DRAFT:
        return True
    if status == Status.MISSING_ITEMS:
        return section in (None, "attachments")
    return False


@pytest.mark.parametrize("status", Status.values)
def test_matrix(world, status):
    people, make = world
    app, partner = make(status)
    attachment = AttachmentFactory(application=app)
    partner_ids = selectors.partner_municipality_ids(app)
    open_request = selectors.open_item_request(app)
    for person in PEOPLE:
        user = people[person]
        ids = {"member_ids": member_municipality_ids(user)}
        facts = {**ids, "partner_ids": partner_ids}
        assert permissions.can_view(user, app, **facts) is expected_view(person, status), person
        assert permissions.can_download_attachment(user, attachment, **facts) is expected_view(
            person, status
        ), person
        for section in (None, "project", "attachments"):
            assert permissions.can_edit(
                user, app, section, **ids, open_request=open_request
            ) is expected_edit(person, status, section), (person, section)
        assert permissions.can_respond_as_partner(
            user, partner, **ids, open_request=open_request
        ) is (person == "partner_staff" and status == Status.DRAFT), person
        # The selectors agree with the predicates.
        visible = Application.objects.visible_to(user).filter(pk=app.pk).exists()
        assert visible is expected_view(person, status), person
        editable = Application.objects.editable_by(user).filter(pk=app.pk).exists()
        assert editable is expected_edit(person, status, None), person


def test_partner_cannot_respond_once_declined(world):
    people, make = world
    app, partner = make(Status.DRAFT)
    partner.status = "declined"
    partner.save()
    user = people["partner_staff"]
    assert not permissions.can_respond_as_partner(
        user, partner, member_ids=member_municipality_ids(user), open_request=None
    )


def test_workflow_roles(world):
    people, make = world
    app, _ = make(Status.SUBMITTED)
    roles = {
        p: permissions.workflow_roles(people[p], app, member_ids=member_municipality_ids(people[p]))
        for p in PEOPLE
    }
    assert roles["lead_staff"] == {"applicant"}
    assert roles["case_officer"] == {"case_officer"}
    assert roles["admin"] == {"admin"}
    assert roles["superuser"] == {"admin"}
    for p in ("partner_staff", "other_staff", "reviewer", "inactive_lead_staff", "anonymous"):
        assert roles[p] == frozenset(), p


@pytest.mark.parametrize("person", ["case_officer", "lead_staff", "partner_staff"])
def test_status_page_lists_what_is_visible_in_constant_queries(
    client, world, assert_constant_queries, person
):
    """The status page (``selectors.application_list``): every application but drafts, each
    with its totals annotated, in as many queries for 20 rows as for 2."""
    people, make = world
    statuses = [s for s in Status.values if s != Status.DRAFT]
    made = []

    def make_rows(n):
        for _ in range(n):
            status = statuses[len(made) % len(statuses)]
            made.append(make(status, FundingRoundFactory(lead_between_bounds_may_be_joint=True)))

    login_verified(client, people[person])
    response = assert_constant_queries(
        reverse("applications:list"), make_rows=make_rows, client=client
    )
    rows = response.context["applications"]
    assert len(rows) == len(made) == 20
    assert all(r.total_cost == 0 for r in rows)  # annotated, no query per row


def test_timeline_hides_internal_events(world):
    people, make = world
    app, _ = make(Status.IN_CHECK)
    ApplicationEventFactory(application=app, action="note", message="intern", internal=True)
    ApplicationEventFactory(application=app, action="submit", to_status="submitted")
    staff_view = selectors.application_timeline(application=app, user=people["lead_staff"])
    officer_view = selectors.application_timeline(application=app, user=people["case_officer"])
    assert [e.action for e in staff_view] == ["submit"]
    assert sorted(e.action for e in officer_view) == ["note", "submit"]
    assert ApplicationEvent.objects.public().count() == 1


def test_pending_partner_requests(world):
    people, make = world
    app, partner = make(Status.DRAFT)
    partner.status = "pending"
    partner.save()
    assert list(selectors.pending_partner_requests(user=people["partner_staff"])) == [partner]
    assert not selectors.pending_partner_requests(user=people["lead_staff"]).exists()


def test_application_get_404_for_invisible(world):
    from django.http import Http404

    people, make = world
    app, _ = make(Status.DRAFT)
    assert selectors.application_get(user=people["lead_staff"], pk=app.pk) == app
    with pytest.raises(Http404):
        selectors.application_get(user=people["case_officer"], pk=app.pk)


def test_superuser_who_is_also_municipal_staff_sees_own_drafts():
    town = MunicipalityFactory()
    user = staff_for(town, is_superuser=True, is_staff=True)
    own_draft = ApplicationFactory(lead_municipality=town)
    other_draft = ApplicationFactory()
    submitted = ApplicationFactory(status=Status.SUBMITTED)
    visible = set(Application.objects.visible_to(user))
    assert visible == {own_draft, submitted}
    ids = {"member_ids": member_municipality_ids(user), "partner_ids": frozenset()}
    assert permissions.can_view(user, own_draft, **ids)
    assert not permissions.can_view(user, other_draft, **ids)
