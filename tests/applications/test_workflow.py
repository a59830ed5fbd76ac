"""The workflow table, tested for every (status, action) pair and every kind of person."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications import permissions, workflow
from applications.models import ApplicationEvent, ItemRequest, RoundParticipation, Section
from applications.services import (
    ApplicationFrozenError,
    application_approve,
    application_create,
    application_reject,
    application_request_items,
    application_resubmit,
    application_submit,
    application_transition,
    application_update_declarations,
    application_update_section,
    application_withdraw,
)
from applications.workflow import (
    ADMIN,
    APPLICANT,
    CASE_OFFICER,
    TRANSITIONS,
    Action,
    Status,
    TransitionNotAllowed,
)
from municipalities.selectors import member_municipality_ids
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    ItemRequestFactory,
    MunicipalityFactory,
    ReviewerFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(Status.values, Action.values))
ALLOWED_PAIRS = [pair for pair in ALL_PAIRS if pair in TRANSITIONS]
FORBIDDEN_PAIRS = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]

# Kinds of people, and the workflow role each holds for the application under test.
ACTOR_ROLES = {
    "applicant": APPLICANT,
    "partner_staff": None,
    "other_municipality_staff": None,
    "case_officer": CASE_OFFICER,
    "admin": ADMIN,
    "reviewer": None,
    "anonymous": None,
}

# What each action needs besides the actor.
PAYLOAD = {
    Action.REQUEST_ITEMS: {
        "message": "Bitte ergänzen Sie den Sozialraumbezug.",
        "data": {"sections": ["project"]},
    },
    Action.APPROVE: {"message": "Bewilligt wie beantragt.", "data": {"granted_amount": "18000"}},
    Action.REJECT: {"message": "Die Voraussetzungen sind nicht erfüllt."},
    Action.WITHDRAW: {"message": "Der Gemeinderat hat anders entschieden."},
}


@pytest.fixture
def people(funding_round, lead):
    from django.contrib.auth.models import AnonymousUser

    return {
        "applicant": staff_for(lead),
        "partner_staff": None,  # filled in by make_app (needs the application)
        "other_municipality_staff": staff_for(MunicipalityFactory()),
        "case_officer": CaseOfficerFactory(),
        "admin": AdminFactory(),
        "reviewer": ReviewerFactory(),
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def funding_round(db):
    """Here a lead between the bounds may lead a joint application, so the application
    under test has a confirmed partner whose staff are "partner staff"."""
    return FundingRoundFactory(lead_between_bounds_may_be_joint=True)


@pytest.fixture
def make_app(funding_round, lead, people):
    def make(status: str):
        app = ApplicationFactory(
            round=funding_round, lead_municipality=lead, complete=True, status=status
        )
        partner = ApplicationPartnerFactory(
            application=app, municipality=MunicipalityFactory(population=6_000), with_letter=True
        )
        people["partner_staff"] = staff_for(partner.municipality)
        if status == Status.MISSING_ITEMS:
            ItemRequestFactory(application=app, sections=["project"])
        return app

    return make


def test_table_uses_known_statuses_actions_and_roles():
    for (source, action), t in TRANSITIONS.items():
        assert source in Status.values and t.source == source
        assert action in Action.values and t.action == action
        assert t.target in Status.values
        assert t.roles and t.roles <= set(workflow.ROLES)
    assert {a for _, a in TRANSITIONS} == set(Action.values)
    # Nothing leaves a final status.
    assert not [k for k in TRANSITIONS if k[0] in workflow.FINAL_STATUSES]


@pytest.mark.parametrize("actor_kind", ACTOR_ROLES)
@pytest.mark.parametrize(("status", "action"), ALLOWED_PAIRS)
def test_allowed_pair(status, action, actor_kind, make_app, people):
    app = make_app(status)
    actor = people[actor_kind]
    transition = TRANSITIONS[(status, action)]
    events_before = ApplicationEvent.objects.filter(application=app).count()
    version_before = app.version

    if ACTOR_ROLES[actor_kind] in transition.roles:
        result = application_transition(
            application=app, action=action, actor=actor, **PAYLOAD.get(action, {})
        )
        assert result.status == transition.target
        app.refresh_from_db()
        assert app.status == transition.target
        assert app.version == version_before + 1
        event = ApplicationEvent.objects.filter(application=app).latest("id")
        assert (event.action, event.from_status, event.to_status) == (
            action,
            status,
            transition.target,
        )
        assert event.actor == actor
        assert event.message == PAYLOAD.get(action, {}).get("message", "")
        assert ApplicationEvent.objects.filter(application=app).count() == events_before + 1
    else:
        with pytest.raises(TransitionNotAllowed) as exc:
            application_transition(
                application=app, action=action, actor=actor, **PAYLOAD.get(action, {})
            )
        assert exc.value.code == "role"
        assert "nicht berechtigt" in exc.value.messages[0]
        app.refresh_from_db()
        assert app.status == status
        assert app.version == version_before
        assert ApplicationEvent.objects.filter(application=app).count() == events_before


@pytest.mark.parametrize(("status", "action"), FORBIDDEN_PAIRS)
def test_forbidden_pair(status, action, make_app, people):
    app = make_app(status)
    for actor_kind, actor in people.items():
        with pytest.raises(TransitionNotAllowed) as exc:
            application_transition(
                application=app, action=action, actor=actor, **PAYLOAD.get(action, {})
            )
        assert exc.value.code == "state", actor_kind
        assert str(Status(status).label) in exc.value.messages[0]
    app.refresh_from_db()
    assert app.status == status
    assert not ApplicationEvent.objects.filter(application=app).exists()


def test_unknown_action_refused(complete_app, applicant):
    with pytest.raises(TransitionNotAllowed):
        application_transition(application=complete_app, action="teleport", actor=applicant)


def test_transition_by_id(complete_app, applicant):
    app = application_transition(
        application_id=complete_app.pk, action=Action.SUBMIT, actor=applicant
    )
    assert app.status == Status.SUBMITTED
    with pytest.raises(ValueError):
        application_transition(action=Action.SUBMIT, actor=applicant)


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        (Status.DRAFT, "applicant", [Action.SUBMIT]),
        (Status.DRAFT, "case_officer", []),
        (Status.SUBMITTED, "applicant", [Action.WITHDRAW]),
        (Status.SUBMITTED, "case_officer", [Action.START_CHECK]),
        (Status.SUBMITTED, "admin", [Action.START_CHECK]),
        (Status.IN_CHECK, "case_officer", [Action.REQUEST_ITEMS, Action.PASS_CHECK, Action.REJECT]),
        (Status.MISSING_ITEMS, "applicant", [Action.RESUBMIT, Action.WITHDRAW]),
        (Status.MISSING_ITEMS, "case_officer", [Action.REJECT]),
        (Status.READY_FOR_DECISION, "case_officer", [Action.APPROVE, Action.REJECT]),
        (Status.APPROVED, "case_officer", []),
        (Status.IN_REVIEW, "reviewer", []),
    ],
)
def test_available_actions(status, kind, expected, make_app, people):
    app = make_app(status)
    person = people[kind]
    member_ids = member_municipality_ids(person)
    assert permissions.available_actions(person, app, member_ids=member_ids) == expected


# A whole life -----------------------------------------------------------------------------------
def test_full_life_with_item_request(funding_round, lead, applicant, case_officer, receipts):
    app = application_create(round=funding_round, municipality=lead, user=applicant)
    # Fill in the draft from a complete twin (the section services are tested elsewhere).
    twin = ApplicationFactory.build(complete=True)
    for section in (Section.APPLICANT, Section.PROJECT):
        from applications.models import SECTION_FIELDS

        data = {f: getattr(twin, f) for f in SECTION_FIELDS[section]}
        if section == Section.PROJECT:
            data.update(twin.answers)  # the question set's answers (issue 14)
        app = application_update_section(
            application=app,
            user=applicant,
            section=section,
            data=data,
            expected_version=app.version,
        )
    app = application_update_declarations(
        application=app,
        user=applicant,
        confirmed=twin.declarations,
        expected_version=app.version,
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.services import attachment_add, cost_plan_save
    from tests.factories import MINIMAL_PDF

    category = funding_round.cost_categories.first()
    app = cost_plan_save(
        application=app,
        user=applicant,
        lines=[
            {
                "category": category,
                "description": "Moderation",
                "amount": "15000",
                "budget_year": app.start_date.year,
            },
            {
                "category": category.pk,
                "description": "Werkstätten",
                "amount": "5000,00",
                "budget_year": app.start_date.year,
            },
        ],
        own_funds="2000",
        third_party_funds="0",
        requested_grant="18000",
        expected_version=app.version,
    )
    attachment_add(
        application=app,
        user=applicant,
        kind="konzept",
        uploaded_file=SimpleUploadedFile("Konzept.pdf", MINIMAL_PDF),
    )
    app = application_submit(application=app, user=applicant)
    assert app.status == Status.SUBMITTED
    assert app.reference == f"{funding_round.reference_prefix}-0001"

    app = application_transition(application=app, action=Action.START_CHECK, actor=case_officer)
    app = application_request_items(
        application=app,
        user=case_officer,
        sections=[Section.PROJECT],
        message="Bitte beschreiben Sie die Sozialräume genauer.",
    )
    assert app.status == Status.MISSING_ITEMS
    request = ItemRequest.objects.get(application=app)
    assert request.sections == ["project"] and request.resolved_at is None

    # The requested section may change, others stay frozen.
    app = application_update_section(
        application=app,
        user=applicant,
        section=Section.PROJECT,
        data={"social_space": "Die Stadtteile Nord und Süd, genauer beschrieben."},
        expected_version=app.version,
    )
    with pytest.raises(ApplicationFrozenError):
        application_update_section(
            application=app,
            user=applicant,
            section=Section.APPLICANT,
            data={"street": "Neue Straße 2"},
            expected_version=app.version,
        )
    app = application_resubmit(application=app, user=applicant)
    assert app.status == Status.IN_CHECK
    request.refresh_from_db()
    assert request.resolved_at is not None
    with pytest.raises(ApplicationFrozenError):
        application_update_section(
            application=app,
            user=applicant,
            section=Section.PROJECT,
            data={"aims": "Neue Ziele"},
            expected_version=app.version,
        )

    app = application_transition(application=app, action=Action.PASS_CHECK, actor=case_officer)
    app = application_transition(application=app, action=Action.MARK_READY, actor=case_officer)
    app = application_approve(
        application=app,
        user=case_officer,
        granted_amount=Decimal("17500.00"),
        financing_adjustment="reduce_cost",
        reason="Gut.",
    )
    assert app.status == Status.APPROVED
    assert app.granted_amount == Decimal("17500.00")
    assert app.decided_at is not None and app.decision_reason == "Gut."

    timeline = list(app.events.values_list("action", "to_status"))
    assert [a for a, _ in timeline if a in Action.values] == [
        "submit",
        "start_check",
        "request_items",
        "resubmit",
        "pass_check",
        "mark_ready",
        "approve",
    ]
    assert timeline[0] == ("created", "draft")
    # Changes during the Nachforderung are in the audit trail too.
    assert ("section_updated", "") in timeline
    assert receipts.calls == []  # on_commit did not run inside the test transaction


def test_request_items_needs_message_and_sections(make_app, people):
    app = make_app(Status.IN_CHECK)
    officer = people["case_officer"]
    with pytest.raises(ValidationError) as exc:
        application_request_items(application=app, user=officer, sections=["project"], message="")
    assert "message" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        application_request_items(application=app, user=officer, sections=[], message="Bitte")
    assert "sections" in exc.value.message_dict
    with pytest.raises(ValidationError):
        application_request_items(application=app, user=officer, sections=["bogus"], message="x")
    app.refresh_from_db()
    assert app.status == Status.IN_CHECK
    assert not ItemRequest.objects.exists()


def test_resubmit_needs_complete_application(make_app, people):
    app = make_app(Status.MISSING_ITEMS)
    app.title = ""
    app.save()
    with pytest.raises(ValidationError) as exc:
        application_resubmit(application=app, user=people["applicant"])
    assert "title" in exc.value.message_dict
    app.refresh_from_db()
    assert app.status == Status.MISSING_ITEMS


def test_reject_needs_reason_and_records_decision(make_app, people):
    app = make_app(Status.IN_REVIEW)
    with pytest.raises(ValidationError):
        application_reject(application=app, user=people["case_officer"], reason="  ")
    app = application_reject(application=app, user=people["case_officer"], reason="Zu spät.")
    assert app.status == Status.REJECTED
    assert app.decision_reason == "Zu spät." and app.decided_at is not None


@pytest.mark.parametrize("amount", ["0", "18000.01", "-5", "abc", None])
def test_approve_amount_checked(amount, make_app, people):
    app = make_app(Status.READY_FOR_DECISION)
    with pytest.raises(ValidationError) as exc:
        application_approve(application=app, user=people["case_officer"], granted_amount=amount)
    assert "granted_amount" in exc.value.message_dict
    app.refresh_from_db()
    assert app.status == Status.READY_FOR_DECISION and app.granted_amount is None


def test_withdraw_frees_the_municipality(funding_round, lead, applicant, make_app):
    app = make_app(Status.IN_CHECK)
    partner = ApplicationPartnerFactory(application=app)
    assert RoundParticipation.objects.filter(application=app).count() == 3
    app = application_withdraw(application=app, user=applicant, reason="Anders entschieden")
    assert app.status == Status.WITHDRAWN
    assert not RoundParticipation.objects.filter(application=app).exists()
    event = app.events.latest("id")
    assert event.message == "Anders entschieden"
    assert event.data["freed_participations"] == 3
    # Lead and partner may take part again.
    again = application_create(round=funding_round, municipality=lead, user=applicant)
    assert again.status == Status.DRAFT
    assert (
        RoundParticipation.objects.filter(
            round=funding_round, municipality=partner.municipality
        ).count()
        == 0
    )


def test_withdraw_during_item_request_closes_it(make_app, people):
    app = make_app(Status.MISSING_ITEMS)
    application_withdraw(application=app, user=people["applicant"])
    assert not ItemRequest.objects.filter(application=app, resolved_at__isnull=True).exists()
