"""The applicant's list pages, the application's own pages and the bundle list cost the same
number of queries with 2 rows as with 20 (``assert_constant_queries``, tests/queries.py)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from applications.models import PartnerStatus
from applications.workflow import Status
from tests.accounts.factories import login_verified
from tests.factories import (
    AdminFactory,
    ApplicationEventFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    AttachmentFactory,
    CaseOfficerFactory,
    CostLineFactory,
    FundingRoundFactory,
    MembershipFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def test_status_page(client, assert_constant_queries):
    """Applications as lead and as partner, partnership requests, open rounds to apply in."""
    town, neighbour = MunicipalityFactory(), MunicipalityFactory()
    staff = staff_for(town)
    MembershipFactory(user=staff, municipality=neighbour)

    def make_rows(n):
        for _ in range(n):
            ApplicationFactory(lead_municipality=town, complete=True)
            ApplicationPartnerFactory(municipality=neighbour, status=PartnerStatus.PENDING)
            FundingRoundFactory()  # one more offer for each of the two municipalities

    client.force_login(staff)
    response = assert_constant_queries(
        reverse("applications:list"), make_rows=make_rows, client=client
    )
    assert len(response.context["applications"]) == 40  # 20 as lead, 20 as partner


def test_round_list(client, assert_constant_queries):
    assert_constant_queries(
        reverse("applications:rounds"),
        make_rows=lambda n: FundingRoundFactory.create_batch(n),
        client=client,
    )


@pytest.mark.parametrize("name", ["detail", "check", "cost_plan", "attachments", "partners"])
def test_application_pages_do_not_grow_with_content(client, assert_constant_queries, name):
    """Cost lines, attachments and events of one application. (Its partners are not grown:
    a round allows two at most, and the eligibility check reads each one's participation.)"""
    town = MunicipalityFactory(population=26_218)
    staff = staff_for(town)
    application = ApplicationFactory(lead_municipality=town, complete=True)
    ApplicationPartnerFactory.create_batch(2, application=application, status=PartnerStatus.PENDING)

    def make_rows(n):
        for _ in range(n):
            CostLineFactory(application=application)
            AttachmentFactory(application=application)
            ApplicationEventFactory(application=application)

    client.force_login(staff)
    assert_constant_queries(
        reverse(f"applications:{name}", args=[application.pk]), make_rows=make_rows, client=client
    )


def test_bundle_list(client, assert_constant_queries):
    """The PDF bundles of RP Darmstadt. The URL's path and the model's name stay when the
    bundles move to their own app, so neither is imported from where they live now."""
    bundle_job = next(m for m in apps.get_models() if m.__name__ == "BundleJob")
    officer = CaseOfficerFactory()
    round_ = FundingRoundFactory()

    def make_rows(n):
        for _ in range(n):
            bundle_job.objects.create(round=round_, requested_by=officer)
            FundingRoundFactory()

    login_verified(client, officer)
    response = assert_constant_queries("/antraege/buendel/", make_rows=make_rows, client=client)
    assert response.content.decode().count("wir-bundle-job") == 20


# The Django admin's lists of applications ------------------------------------------------------
def _admin_rows(model: str):
    def applications(n):
        ApplicationFactory.create_batch(n, status=Status.SUBMITTED)

    def events(n):
        ApplicationEventFactory.create_batch(n)

    return {
        "application": applications,
        "fundinground": lambda n: FundingRoundFactory.create_batch(n),
        "roundparticipation": applications,  # each application takes part as lead
        "applicationevent": events,
    }[model]


@pytest.mark.parametrize(
    "model", ["application", "fundinground", "roundparticipation", "applicationevent"]
)
def test_admin_changelists(client, assert_constant_queries, model):
    login_verified(client, AdminFactory(is_superuser=True, is_staff=True))
    assert_constant_queries(
        reverse(f"admin:applications_{model}_changelist"),
        make_rows=_admin_rows(model),
        client=client,
    )


def test_round_page(client, assert_constant_queries):
    """A round's page for someone working for many municipalities: one button per
    municipality that may still apply, and those taking part already."""
    round_ = FundingRoundFactory()
    staff = staff_for(MunicipalityFactory())
    taking_part = []

    def make_rows(n):
        for _ in range(n):
            MembershipFactory(user=staff, municipality=MunicipalityFactory())
            application = ApplicationFactory(round=round_)
            MembershipFactory(user=staff, municipality=application.lead_municipality)
            taking_part.append(application)

    client.force_login(staff)
    response = assert_constant_queries(
        reverse("applications:round", args=[round_.pk]), make_rows=make_rows, client=client
    )
    offers, part = response.context["offers"], response.context["taking_part"]
    assert len(offers) == 21 and len(part) == len(taking_part) == 20
