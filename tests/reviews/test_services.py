"""The review services: formal check and Nachforderung round trips, notes, assignments and
conflicts of interest, reviews (draft, final, reopened), readiness and decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications import services as application_services
from applications.models import ApplicationEvent, EventAction, ItemRequest, Section
from applications.workflow import Action, Status, TransitionNotAllowed
from reviews import services
from reviews.models import (
    Assignment,
    AssignmentStatus,
    CheckOutcome,
    Criterion,
    FormalCheck,
    Review,
    ReviewEvent,
    ReviewStatus,
)
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    MunicipalityFactory,
    ReviewerFactory,
)

from .conftest import ALL_CHECKED, assign_and_declare, score_all, to_in_review

pytestmark = pytest.mark.django_db


def actions(application, **filters):
    return list(
        ApplicationEvent.objects.filter(application=application, **filters)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


# Formal check -----------------------------------------------------------------------------------
def test_start_and_pass_check_go_through_the_workflow(submitted, case_officer):
    services.formal_check_start(application=submitted, user=case_officer)
    assert submitted.status == Status.IN_CHECK
    check = services.formal_check_record(
        application=submitted,
        user=case_officer,
        checklist=ALL_CHECKED,
        notes="Alles vollständig.",
        outcome=CheckOutcome.PASSED,
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW
    assert check.outcome == CheckOutcome.PASSED and check.checked_by == case_officer
    # the workflow's public events and the internal checklist event
    assert actions(submitted, internal=False) == [Action.START_CHECK, Action.PASS_CHECK]
    internal = ApplicationEvent.objects.get(application=submitted, internal=True)
    assert internal.action == ReviewEvent.FORMAL_CHECK
    assert internal.message == "Alles vollständig."  # the notes stay internal
    assert internal.data["checklist"] == ALL_CHECKED
    public = ApplicationEvent.objects.get(application=submitted, action=Action.PASS_CHECK)
    assert public.message == ""


def test_passing_needs_every_checklist_item(submitted, case_officer):
    services.formal_check_start(application=submitted, user=case_officer)
    with pytest.raises(ValidationError) as exc:
        services.formal_check_record(
            application=submitted,
            user=case_officer,
            checklist={**ALL_CHECKED, "financing_plausible": False},
            outcome=CheckOutcome.PASSED,
        )
    assert "Finanzierungsplan plausibel" in exc.value.message_dict["outcome"][0]
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_CHECK
    assert not FormalCheck.objects.exists()


def test_check_needs_a_case_officer(submitted, admin_user, reviewer):
    # admins may start the check (the workflow table says so), but not record its result
    services.formal_check_start(application=submitted, user=admin_user)
    for person in (admin_user, reviewer):
        with pytest.raises(PermissionDenied):
            services.formal_check_record(
                application=submitted,
                user=person,
                checklist=ALL_CHECKED,
                outcome=CheckOutcome.PASSED,
            )


def test_check_only_in_check(submitted, case_officer):
    with pytest.raises(TransitionNotAllowed):
        services.formal_check_record(
            application=submitted,
            user=case_officer,
            checklist=ALL_CHECKED,
            outcome=CheckOutcome.PASSED,
        )


def test_request_items_round_trip_shows_in_the_timeline(
    submitted, case_officer, applicant, django_capture_on_commit_callbacks, published
):
    services.formal_check_start(application=submitted, user=case_officer)
    due = timezone.localdate() + dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        check = services.formal_check_record(
            application=submitted,
            user=case_officer,
            checklist={**ALL_CHECKED, "documents_complete": False},
            notes="Konzept fehlt.",
            outcome=CheckOutcome.ITEMS_REQUESTED,
            sections=[Section.ATTACHMENTS],
            message="Bitte laden Sie das Konzept hoch.",
            due_date=due,
        )
    submitted.refresh_from_db()
    assert submitted.status == Status.MISSING_ITEMS
    request = ItemRequest.objects.get(application=submitted)
    assert check.item_request == request
    assert request.sections == [Section.ATTACHMENTS] and request.due_date == due
    # the applicant is notified after the commit (the event's delivery is owed)
    (event_id,) = (args[0] for args in published.of("notifications.deliver_event"))
    assert ApplicationEvent.objects.get(pk=event_id).action == Action.REQUEST_ITEMS

    # The applicant may change only the requested section, then resubmits.
    with pytest.raises(ValidationError):
        application_services.application_update_section(
            application=submitted,
            user=applicant,
            section=Section.PROJECT,
            data={"title": "Neu"},
            expected_version=submitted.version,
        )
    application_services.application_resubmit(
        application=submitted, user=applicant, message="Konzept ist hochgeladen."
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_CHECK
    to_in_review(submitted, case_officer)
    assert actions(submitted, internal=False) == [
        Action.START_CHECK,
        Action.REQUEST_ITEMS,
        Action.RESUBMIT,
        Action.PASS_CHECK,
    ]
    assert FormalCheck.objects.filter(application=submitted).count() == 2


def test_request_items_needs_sections_and_message(submitted, case_officer):
    services.formal_check_start(application=submitted, user=case_officer)
    with pytest.raises(ValidationError) as exc:
        services.formal_check_record(
            application=submitted,
            user=case_officer,
            checklist={},
            outcome=CheckOutcome.ITEMS_REQUESTED,
            sections=[],
            message="",
        )
    assert "message" in exc.value.message_dict or "sections" in exc.value.message_dict
    assert not FormalCheck.objects.exists()


# Notes ------------------------------------------------------------------------------------------
def test_note_is_internal_and_for_rp_only(submitted, case_officer, admin_user, reviewer, applicant):
    note = services.note_add(application=submitted, user=case_officer, text="  Rückruf vereinbart ")
    assert note.internal and note.action == EventAction.NOTE
    assert note.message == "Rückruf vereinbart"
    services.note_add(application=submitted, user=admin_user, text="Gesehen.")
    for person in (reviewer, applicant):
        with pytest.raises(PermissionDenied):
            services.note_add(application=submitted, user=person, text="x")
    with pytest.raises(ValidationError):
        services.note_add(application=submitted, user=case_officer, text="   ")
    # the applicant's timeline never shows it
    assert not ApplicationEvent.objects.timeline_for(applicant).filter(action="note").exists()


# Assignments ------------------------------------------------------------------------------------
def test_assign_only_in_review(submitted, case_officer, reviewer):
    with pytest.raises(ValidationError):
        services.assignment_create(application=submitted, reviewer=reviewer, user=case_officer)


def test_nobody_is_assigned_to_their_own_municipality(
    joint, case_officer, lead, partner_municipality
):
    application = to_in_review(joint, case_officer)
    member_of_lead = ReviewerFactory()
    MembershipFactory(user=member_of_lead, municipality=lead)
    member_of_partner = ReviewerFactory()
    MembershipFactory(user=member_of_partner, municipality=partner_municipality)
    for person in (member_of_lead, member_of_partner):
        with pytest.raises(ValidationError) as exc:
            services.assignment_create(application=application, reviewer=person, user=case_officer)
        assert "gehört einer Kommune dieses Antrags an" in exc.value.message_dict["reviewer"][0]
    assert not Assignment.objects.exists()


def test_assign_refuses_non_reviewers_and_duplicates(in_review, case_officer, reviewer, applicant):
    with pytest.raises(ValidationError):
        services.assignment_create(application=in_review, reviewer=applicant, user=case_officer)
    services.assignment_create(application=in_review, reviewer=reviewer, user=case_officer)
    with pytest.raises(ValidationError):
        services.assignment_create(application=in_review, reviewer=reviewer, user=case_officer)
    with pytest.raises(PermissionDenied):
        services.assignment_create(application=in_review, reviewer=reviewer, user=reviewer)


def test_no_conflict_declared(in_review, case_officer, reviewer):
    assignment = assign_and_declare(in_review, reviewer, case_officer)
    assert assignment.declared_at and not assignment.conflict and assignment.is_active
    assert ReviewEvent.NO_CONFLICT in actions(in_review, internal=True)
    with pytest.raises(ValidationError):  # declared once
        services.assignment_declare(assignment=assignment, user=reviewer, conflict=True)


def test_conflict_ends_assignment_and_tells_the_case_officer(
    in_review, case_officer, reviewer, django_capture_on_commit_callbacks, published
):
    assignment = services.assignment_create(
        application=in_review, reviewer=reviewer, user=case_officer
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_declare(
            assignment=assignment, user=reviewer, conflict=True, note="Ich wohne dort."
        )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ENDED_CONFLICT
    assert assignment.conflict_note == "Ich wohne dort." and assignment.ended_at
    owed = [
        ApplicationEvent.objects.get(pk=args[0]).action
        for args in published.of("notifications.deliver_event")
    ]
    assert owed == [ReviewEvent.CONFLICT]
    # and the person cannot be assigned again
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(application=in_review, reviewer=reviewer, user=case_officer)
    assert "Befangenheit" in exc.value.message_dict["reviewer"][0]


def test_only_the_reviewer_declares(in_review, case_officer, reviewer, reviewer2):
    assignment = services.assignment_create(
        application=in_review, reviewer=reviewer, user=case_officer
    )
    for person in (reviewer2, case_officer):
        with pytest.raises(PermissionDenied):
            services.assignment_declare(assignment=assignment, user=person, conflict=False)


def test_end_and_assign_again(in_review, case_officer, reviewer):
    assignment = assign_and_declare(in_review, reviewer, case_officer)
    with pytest.raises(ValidationError):
        services.assignment_end(assignment=assignment, user=case_officer, reason="")
    services.assignment_end(assignment=assignment, user=case_officer, reason="Keine Zeit.")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ENDED_REMOVED
    again = services.assignment_create(application=in_review, reviewer=reviewer, user=case_officer)
    assert again.pk == assignment.pk and again.is_active and again.declared_at is None


def test_distribute_spreads_evenly_and_respects_memberships(round_, case_officer):
    jury = [ReviewerFactory() for _ in range(4)]
    apps = []
    for _ in range(6):
        app = ApplicationFactory(round=round_, complete=True, status=Status.SUBMITTED)
        apps.append(to_in_review(app, case_officer))
    # jury[0] is a member of the first application's municipality
    MembershipFactory(user=jury[0], municipality=apps[0].lead_municipality)
    result = services.assignments_distribute(
        round=round_, reviewers=jury, per_application=2, user=case_officer
    )
    assert len(result.created) == 12 and result.shortfalls == []
    loads = sorted(Assignment.objects.filter(reviewer=r).count() for r in jury)
    assert loads == [3, 3, 3, 3]
    for app in apps:
        assert app.assignments.filter(status=AssignmentStatus.ACTIVE).count() == 2
    assert not Assignment.objects.filter(application=apps[0], reviewer=jury[0]).exists()
    # running it again changes nothing
    again = services.assignments_distribute(
        round=round_, reviewers=jury, per_application=2, user=case_officer
    )
    assert again.created == [] and Assignment.objects.count() == 12
    assert ApplicationEvent.objects.filter(action=ReviewEvent.ASSIGNED).count() == 12


def test_distribute_reports_shortfalls(round_, case_officer):
    app = to_in_review(
        ApplicationFactory(round=round_, complete=True, status=Status.SUBMITTED), case_officer
    )
    only = ReviewerFactory()
    result = services.assignments_distribute(
        round=round_, reviewers=[only], per_application=3, user=case_officer
    )
    assert [(a.pk, n) for a, n in result.shortfalls] == [(app.pk, 2)]
    with pytest.raises(ValidationError):
        services.assignments_distribute(
            round=round_, reviewers=[], per_application=2, user=case_officer
        )


# Reviews ----------------------------------------------------------------------------------------
def test_weighted_score(round_, criteria):
    criteria[0].weight = Decimal("2.00")
    points = {c.pk: 6 for c in criteria} | {criteria[0].pk: 9}
    # (9*2 + 6*5) / 7
    assert services.weighted_score(points, criteria) == Decimal("6.857")
    assert services.weighted_score({criteria[0].pk: 3}, criteria) is None


def test_draft_then_final_then_read_only(in_review, case_officer, reviewer, criteria):
    assignment = assign_and_declare(in_review, reviewer, case_officer)
    draft = services.review_save(
        assignment=assignment,
        user=reviewer,
        points={criteria[0].pk: 8},
        comments={criteria[0].pk: "stark", criteria[1].pk: "noch offen"},
    )
    assert draft.status == ReviewStatus.DRAFT and draft.score is None
    assert draft.scores.count() == 2  # a comment without points is kept in a draft
    with pytest.raises(ValidationError) as exc:
        services.review_finalize(review=draft, user=reviewer)
    assert f"points_{criteria[1].pk}" in exc.value.message_dict
    assert "recommendation" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        score_all(assignment, reviewer, criteria, 11)
    assert f"points_{criteria[0].pk}" in exc.value.message_dict
    final = score_all(assignment, reviewer, criteria, [8, 7, 6, 9, 5, 7])
    assert final.status == ReviewStatus.FINAL and final.finalized_at
    assert final.score == Decimal("7.000")
    assert ReviewEvent.FINALIZED in actions(in_review, internal=True)
    with pytest.raises(ValidationError):
        score_all(assignment, reviewer, criteria, 2)


def test_review_only_by_the_declared_reviewer(
    in_review, case_officer, reviewer, reviewer2, criteria
):
    assignment = services.assignment_create(
        application=in_review, reviewer=reviewer, user=case_officer
    )
    with pytest.raises(PermissionDenied):  # not declared yet
        score_all(assignment, reviewer, criteria, 5)
    services.assignment_declare(assignment=assignment, user=reviewer, conflict=False)
    with pytest.raises(PermissionDenied):
        score_all(assignment, reviewer2, criteria, 5)


def test_reopen_with_reason_becomes_an_event(in_review, case_officer, reviewer, criteria):
    assignment = assign_and_declare(in_review, reviewer, case_officer)
    review = score_all(assignment, reviewer, criteria, 5)
    with pytest.raises(ValidationError):
        services.review_reopen(review=review, user=case_officer, reason=" ")
    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, user=reviewer, reason="Bitte ändern")
    reopened = services.review_reopen(
        review=review, user=case_officer, reason="Kriterium 2 bitte begründen."
    )
    assert reopened.status == ReviewStatus.DRAFT and reopened.finalized_at is None
    event = ApplicationEvent.objects.get(application=in_review, action=ReviewEvent.REOPENED)
    assert event.internal and event.message == "Kriterium 2 bitte begründen."
    assert event.actor == case_officer
    final = score_all(assignment, reviewer, criteria, 6)
    assert final.status == ReviewStatus.FINAL and final.score == Decimal("6.000")


def test_no_scoring_after_decision(in_review, case_officer, reviewer, criteria):
    assignment = assign_and_declare(in_review, reviewer, case_officer)
    services.decision_reject(application=in_review, user=case_officer, reason="Nicht förderfähig.")
    with pytest.raises(ValidationError):
        score_all(assignment, reviewer, criteria, 5)


# Readiness and decisions ------------------------------------------------------------------------
def test_mark_ready_needs_every_active_review_final(
    in_review, case_officer, reviewer, reviewer2, criteria
):
    with pytest.raises(ValidationError):  # nobody assigned
        services.application_mark_ready(application=in_review, user=case_officer)
    a1 = assign_and_declare(in_review, reviewer, case_officer)
    a2 = assign_and_declare(in_review, reviewer2, case_officer)
    score_all(a1, reviewer, criteria, 7)
    with pytest.raises(ValidationError) as exc:
        services.application_mark_ready(application=in_review, user=case_officer)
    assert "Jonas Jury" in exc.value.messages[0]
    services.assignment_end(assignment=a2, user=case_officer, reason="Krank.")
    services.application_mark_ready(application=in_review, user=case_officer)
    assert in_review.status == Status.READY_FOR_DECISION


def make_ready(application, case_officer, reviewer, criteria, points=8):
    a = assign_and_declare(application, reviewer, case_officer)
    score_all(a, reviewer, criteria, points)
    return services.application_mark_ready(application=application, user=case_officer)


def test_approve_enqueues_the_letter_after_commit(
    in_review, case_officer, reviewer, criteria, django_capture_on_commit_callbacks, published
):
    make_ready(in_review, case_officer, reviewer, criteria)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.decision_approve(
            application=in_review,
            user=case_officer,
            granted_amount=Decimal("15000.00"),
            financing_adjustment="raise_own_funds",
            reason="Überzeugend.",
        )
    assert published == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert published.of("documents.render_decision_letter") == [[in_review.pk]]
    in_review.refresh_from_db()
    assert in_review.status == Status.APPROVED
    assert in_review.granted_amount == Decimal("15000.00")


@pytest.mark.parametrize("amount", ["0", "18000.01", "-5"])
def test_approve_amount_at_most_requested(in_review, case_officer, reviewer, criteria, amount):
    make_ready(in_review, case_officer, reviewer, criteria)
    with pytest.raises(ValidationError) as exc:
        services.decision_approve(
            application=in_review, user=case_officer, granted_amount=Decimal(amount)
        )
    assert "granted_amount" in exc.value.message_dict
    in_review.refresh_from_db()
    assert in_review.status == Status.READY_FOR_DECISION


def test_approve_only_when_ready(in_review, case_officer):
    with pytest.raises(TransitionNotAllowed):
        services.decision_approve(
            application=in_review, user=case_officer, granted_amount=Decimal("100")
        )


def test_reject_needs_a_reason(submitted, case_officer, reviewer):
    services.formal_check_start(application=submitted, user=case_officer)
    with pytest.raises(ValidationError) as exc:
        services.decision_reject(application=submitted, user=case_officer, reason="")
    assert "message" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.decision_reject(application=submitted, user=reviewer, reason="x")
    services.decision_reject(application=submitted, user=case_officer, reason="Nicht berechtigt.")
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED
    assert submitted.decision_reason == "Nicht berechtigt."


def test_criteria_constraints(round_):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(round=round_, name="Null", weight=Decimal("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(round=round_, name="Viel", max_points=0)


def test_final_review_constraint(in_review, case_officer, reviewer):
    from django.db import IntegrityError, transaction

    assignment = assign_and_declare(in_review, reviewer, case_officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(assignment=assignment, status=ReviewStatus.FINAL)


def test_other_municipality_is_fine(in_review, case_officer):
    person = ReviewerFactory()
    MembershipFactory(user=person, municipality=MunicipalityFactory())
    assert services.assignment_create(application=in_review, reviewer=person, user=case_officer)
