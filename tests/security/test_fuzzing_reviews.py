"""Hypothesis throws hostile input at the RP and jury forms (formal check, notes, bulk
assignment, scoring, decisions) and the bundle request. Never a server error; a refused
form changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applications.models import Application, ApplicationEvent
from applications.workflow import Status
from demo.reviews import seed_criteria
from documents.models import BundleJob
from reviews.models import Assignment, FormalCheck, Review
from tests.accounts.factories import login_verified
from tests.factories import (
    ApplicationFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    ReviewerFactory,
)
from tests.reviews.conftest import assign_and_declare, to_in_review

from .test_fuzzing import FUZZ, hostile

pytestmark = pytest.mark.django_db

numbers = st.one_of(hostile, st.integers(-(10**12), 10**12).map(str))


def state(application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.version,
        application.granted_amount,
        ApplicationEvent.objects.filter(application=application).count(),
        FormalCheck.objects.filter(application=application).count(),
        Assignment.objects.filter(application=application).count(),
        tuple(Review.objects.filter(assignment__application=application).values_list()),
    )


@pytest.fixture
def rp(db):
    round_ = FundingRoundFactory()
    seed_criteria([round_])  # the KIV criteria of the demo
    application = ApplicationFactory(
        round=round_, lead_municipality=MunicipalityFactory(), complete=True,
        status=Status.SUBMITTED,
    )  # fmt: skip
    officer = CaseOfficerFactory()
    client = Client()
    login_verified(client, officer)
    return client, application, officer


@FUZZ
@given(data=st.dictionaries(
    st.sampled_from([
        "eligible_population", "documents_complete", "financing_plausible",
        "declarations_given", "notes", "outcome", "sections", "message", "due_date",
    ]),
    hostile,
    max_size=9,
))  # fmt: skip
def test_formal_check(rp, data):
    client, application, _ = rp
    url = reverse("reviews:formal_check", args=[application.pk])
    before = state(application)
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert state(application) == before


@FUZZ
@given(text=hostile)
def test_internal_note(rp, text):
    client, application, _ = rp
    response = client.post(reverse("reviews:note_add", args=[application.pk]), {"text": text})
    assert response.status_code in (200, 302)


@FUZZ
@given(per_application=numbers, reviewers=st.lists(numbers, max_size=3))
def test_bulk_assignment(rp, per_application, reviewers):
    client, application, _ = rp
    ReviewerFactory()
    before = Assignment.objects.count()
    response = client.post(
        reverse("reviews:bulk_assign", args=[application.round_id]),
        {"per_application": per_application, "reviewers": reviewers},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Assignment.objects.count() == before


@FUZZ
@given(amount=numbers, reason=hostile, which=st.sampled_from(["approve", "reject"]),
       adjustment=st.sampled_from(["", "reduce_cost", "raise_own_funds", "<x>"]),
       confirm=st.booleans())  # fmt: skip
def test_decision(rp, amount, reason, which, adjustment, confirm):
    client, application, _ = rp
    before = state(application)
    data = {which: "1", "approve-granted_amount": amount, "approve-reason": reason,
            "approve-financing_adjustment": adjustment, "reject-reason": reason}  # fmt: skip
    if confirm:  # without it, a valid form only shows the confirmation step
        data["confirm"] = "1"
    response = client.post(reverse("reviews:decision", args=[application.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert state(application) == before


@FUZZ
@given(points=st.lists(numbers, min_size=1, max_size=8), comment=hostile,
       recommendation=hostile, finalize=st.booleans())  # fmt: skip
def test_jury_scoring(rp, points, comment, recommendation, finalize):
    client, application, officer = rp
    reviewer = ReviewerFactory()
    if application.status != Status.IN_REVIEW:
        to_in_review(application, officer)
    assign_and_declare(application, reviewer, officer)
    jury = Client()
    login_verified(jury, reviewer)
    criteria = list(application.round.criteria.all())
    data = {"overall_comment": comment, "recommendation": recommendation}
    for criterion, value in zip(criteria, points * len(criteria), strict=False):
        data[f"points_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = comment
    if finalize:
        data["finalize"] = "1"
    response = jury.post(reverse("reviews:jury_review", args=[application.pk]), data)
    assert response.status_code in (200, 302)


@FUZZ
@given(selection=hostile, statuses=st.lists(hostile, max_size=3))
def test_bundle_request(rp, selection, statuses):
    client, application, _ = rp
    before = BundleJob.objects.count()
    response = client.post(
        reverse("documents:bundle_request", args=[application.round_id]),
        {"selection": selection, "statuses": statuses},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert BundleJob.objects.count() == before
    assert Application.objects.filter(pk=application.pk).exists()
