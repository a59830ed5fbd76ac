"""Reports through their services: drafts saved incomplete, submission checks completeness,
the transition table for every role, the Nachforderung and its answer, the settlement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import ApplicationEvent
from core.models import OutboxMessage
from reports import selectors, services, workflow
from reports.models import ReportEvent, ReportKind, ReportPart, SettlementResult
from reports.workflow import (
    APPLICANT,
    CASE_OFFICER,
    ReportAction,
    ReportStatus,
    TransitionNotAllowed,
)

from .conftest import at, categories, fill_final, pdf_upload

pytestmark = pytest.mark.django_db


def test_a_draft_is_saved_incomplete_and_submission_names_what_is_missing(final_report, applicant):
    services.report_save_factual(report=final_report, user=applicant, activities="Werkstätten")
    final_report.refresh_from_db()
    assert final_report.activities == "Werkstätten"
    with pytest.raises(ValidationError) as exc:
        services.report_submit(report=final_report, user=applicant)
    errors = exc.value.message_dict
    assert set(errors) == {ReportPart.FACTUAL, ReportPart.NUMBERS, ReportPart.ATTACHMENTS}
    assert "Bitte laden Sie das Strategiedokument hoch." in errors[ReportPart.ATTACHMENTS]
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.DRAFT


def test_submission_freezes_the_grant_received_and_owes_the_pdf(final_report, applicant):
    fill_final(final_report, applicant)
    services.report_submit(report=final_report, user=applicant)
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    assert final_report.grant_received == Decimal("18000.00")
    assert final_report.submissions == 1
    assert OutboxMessage.objects.filter(
        task_name="documents.render_report", args=[final_report.pk]
    ).exists()
    event = ApplicationEvent.objects.get(action=ReportEvent.SUBMIT)
    assert event.data["report"] == final_report.pk and not event.internal


def test_only_lead_staff_open_and_edit_reports(paid_grant, other_staff, officer, applicant):
    with pytest.raises(PermissionDenied):
        services.report_open(grant=paid_grant, user=other_staff, kind=ReportKind.FINAL)
    with pytest.raises(PermissionDenied):
        services.report_open(grant=paid_grant, user=officer, kind=ReportKind.FINAL)
    report = services.report_open(grant=paid_grant, user=applicant, kind=ReportKind.FINAL)
    with pytest.raises(PermissionDenied):
        services.report_save_factual(report=report, user=officer, activities="x")


def test_interim_report_only_for_a_budget_year_the_term_runs_past(paid_grant, applicant):
    report = services.report_open(
        grant=paid_grant, user=applicant, kind=ReportKind.INTERIM, budget_year=2025
    )
    assert str(report) == "Zwischennachweis 2025"
    with pytest.raises(ValidationError):
        services.report_open(
            grant=paid_grant, user=applicant, kind=ReportKind.INTERIM, budget_year=2026
        )
    # Opening twice gives the same report.
    again = services.report_open(
        grant=paid_grant, user=applicant, kind=ReportKind.INTERIM, budget_year=2025
    )
    assert again.pk == report.pk


def test_interim_report_counts_the_money_of_its_year(paid_grant, applicant):
    report = services.report_open(
        grant=paid_grant, user=applicant, kind=ReportKind.INTERIM, budget_year=2025
    )
    services.report_save_factual(report=report, user=applicant, activities="Auftakt")
    cats = categories(paid_grant.application)
    services.report_save_numbers(
        report=report,
        user=applicant,
        own_funds="0",
        third_party_funds="0",
        amounts={cats[0].pk: "9.500,00", cats[1].pk: "0"},
    )
    services.report_submit(report=report, user=applicant)
    report.refresh_from_db()
    assert report.grant_received == Decimal("10000.00")  # the 8.000 € of 2026 do not count


# The table, for every role ----------------------------------------------------------------------
ROLE_USERS = {APPLICANT: "applicant", CASE_OFFICER: "officer"}


@pytest.mark.parametrize("transition", list(workflow.TRANSITIONS.values()), ids=str)
def test_every_transition_is_refused_to_the_other_roles(
    transition, final_report, applicant, officer, other_staff, admin_user, reviewer
):
    final_report.status = transition.source
    final_report.save(update_fields=["status"])
    users = {APPLICANT: applicant, CASE_OFFICER: officer}
    refused = [u for role, u in users.items() if role not in transition.roles]
    refused += [other_staff, admin_user, reviewer]
    for user in refused:
        with pytest.raises(TransitionNotAllowed) as exc:
            services.report_transition(report=final_report, action=transition.action, actor=user)
        assert exc.value.code == "role"


@pytest.mark.parametrize("status", ReportStatus.values)
def test_actions_outside_the_table_are_refused_in_every_status(status, final_report, officer):
    final_report.status = status
    final_report.save(update_fields=["status"])
    for action in ReportAction.values:
        if workflow.get_transition(status, action) is None:
            with pytest.raises(TransitionNotAllowed) as exc:
                services.report_transition(report=final_report, action=action, actor=officer)
            assert exc.value.code == "state"


def test_the_table(final_report):
    assert workflow.get_transition(ReportStatus.DRAFT, ReportAction.SUBMIT).roles == {APPLICANT}
    assert workflow.get_transition(ReportStatus.IN_CHECK, ReportAction.CONFIRM).target == (
        ReportStatus.CONFIRMED
    )
    assert (
        set(ReportStatus)
    ) == workflow.EDITABLE_STATUSES | workflow.TO_CHECK_STATUSES | workflow.SETTLED_STATUSES


# Nachforderung ----------------------------------------------------------------------------------
@pytest.fixture
def in_check(final_report, applicant, officer):
    fill_final(final_report, applicant)
    services.report_submit(report=final_report, user=applicant)
    services.report_start_check(report=final_report, user=officer)
    final_report.refresh_from_db()
    return final_report


def test_request_items_reopens_only_the_named_parts(in_check, applicant, officer):
    with pytest.raises(ValidationError) as exc:
        services.report_request_items(
            report=in_check, user=officer, parts=[], message="", due_date=None
        )
    assert "message" in exc.value.message_dict
    services.report_request_items(
        report=in_check,
        user=officer,
        parts=[ReportPart.ATTACHMENTS],
        message="Bitte die Teilnehmendenliste nachreichen.",
        due_date=dt.date.today() + dt.timedelta(days=14),
    )
    in_check.refresh_from_db()
    assert in_check.status == ReportStatus.MISSING_ITEMS
    assert ApplicationEvent.objects.filter(action=ReportEvent.REQUEST_ITEMS).exists()
    with pytest.raises(ValidationError) as exc:
        services.report_save_factual(report=in_check, user=applicant, activities="anders")
    assert "Anlagen" in exc.value.messages[0]
    services.report_attachment_add(
        report=in_check,
        user=applicant,
        kind="other",
        uploaded_file=pdf_upload("teilnehmende.pdf"),
    )
    services.report_resubmit(report=in_check, user=applicant, answer="Liste hochgeladen.")
    in_check.refresh_from_db()
    assert in_check.status == ReportStatus.IN_CHECK
    assert in_check.submissions == 2
    request = in_check.item_requests.get()
    assert request.answer == "Liste hochgeladen." and request.resolved_at is not None


def test_request_items_needs_a_due_date_not_in_the_past(in_check, officer):
    with pytest.raises(ValidationError) as exc:
        services.report_request_items(
            report=in_check,
            user=officer,
            parts=[ReportPart.NUMBERS],
            message="Fehlt",
            due_date=dt.date(2020, 1, 1),
        )
    assert "due_date" in exc.value.message_dict


# Settlement -------------------------------------------------------------------------------------
def test_settle_as_planned_confirms(in_check, officer):
    settlement = services.report_settle(
        report=in_check, user=officer, formal_ok=True, content_ok=True
    )
    in_check.refresh_from_db()
    assert in_check.status == ReportStatus.CONFIRMED
    assert settlement.result == SettlementResult.CONFIRMED
    assert settlement.repayment == Decimal("0.00")
    assert settlement.grant_justified == Decimal("18000.00")
    assert not OutboxMessage.objects.filter(task_name="documents.render_repayment_letter").exists()


def test_settle_with_less_spent_claims_the_repayment(final_report, applicant, officer):
    fill_final(final_report, applicant, spent=("12000", "3500"), own="2000", third="500")
    services.report_submit(report=final_report, user=applicant)
    services.report_start_check(report=final_report, user=officer)
    settlement = services.report_settle(
        report=final_report,
        user=officer,
        formal_ok=True,
        content_ok=True,
        not_recognised="1.000,00",
        not_recognised_reason="Bewirtung außerhalb des Bewilligungszeitraums",
        now=at(dt.date(2026, 6, 1)),
    )
    # 15.500 − 1.000 − 2.000 − 500 = 12.000 € justified; 18.000 € received: 6.000 € back.
    assert settlement.grant_justified == Decimal("12000.00")
    assert settlement.repayment == Decimal("6000.00")
    assert settlement.result == SettlementResult.REPAYMENT
    assert settlement.payment_due_date == dt.date(2026, 7, 1)
    assert settlement.iban.startswith("DE")
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.REPAYMENT
    assert OutboxMessage.objects.filter(
        task_name="documents.render_repayment_letter", args=[final_report.pk]
    ).exists()
    event = ApplicationEvent.objects.get(action=ReportEvent.CLAIM_REPAYMENT)
    assert event.data["repayment"] == "6000.00"


def test_settle_needs_both_checks_and_a_reason_for_deductions(in_check, officer, applicant):
    with pytest.raises(ValidationError) as exc:
        services.report_settle(
            report=in_check, user=officer, formal_ok=True, content_ok=False, not_recognised="5"
        )
    assert set(exc.value.message_dict) == {"formal_ok", "not_recognised_reason"}
    with pytest.raises(PermissionDenied):
        services.report_settle(report=in_check, user=applicant, formal_ok=True, content_ok=True)
    in_check.refresh_from_db()
    assert in_check.status == ReportStatus.IN_CHECK


def test_receipts_required_sum_the_belegliste(receipts_round, paid_grant, applicant):
    report = services.report_open(grant=paid_grant, user=applicant, kind=ReportKind.FINAL)
    assert report.receipts_required
    cats = categories(paid_grant.application)
    services.receipt_add(
        report=report,
        user=applicant,
        category_id=cats[0].pk,
        paid_on=dt.date(2025, 6, 1),
        payee="Moderation GmbH",
        purpose="Werkstatt 1",
        amount="7.500,00",
    )
    services.receipt_add(
        report=report,
        user=applicant,
        category_id=cats[0].pk,
        paid_on=dt.date(2025, 9, 1),
        payee="Moderation GmbH",
        purpose="Werkstatt 2",
        amount="7.000,00",
    )
    with pytest.raises(ValidationError) as exc:
        services.receipt_add(
            report=report,
            user=applicant,
            category_id=cats[1].pk,
            paid_on=dt.date(2099, 1, 1),
            payee="",
            purpose="x",
            amount="-3",
        )
    assert set(exc.value.message_dict) == {"paid_on", "payee", "amount"}
    table = selectors.report_comparison(report)
    assert table.actual_total == Decimal("14500.00")
    assert [r.actual for r in table.rows[:2]] == [Decimal("14500.00"), Decimal("0.00")]


def test_the_municipality_is_notified_of_a_request_without_its_text(in_check, officer, mailoutbox):
    from notifications import services as notification_services

    services.report_request_items(
        report=in_check,
        user=officer,
        parts=[ReportPart.NUMBERS],
        message="Vertraulicher Text der Nachforderung",
        due_date=dt.date(2099, 1, 15),
    )
    event = ApplicationEvent.objects.get(action=ReportEvent.REQUEST_ITEMS)
    notification_services.deliver_event(event.pk)
    notification_services.deliver_event(event.pk)  # twice: one mail
    addresses = [a for m in mailoutbox for a in m.to]
    assert len(addresses) == len(set(addresses)) and in_check.submitted_by.email in addresses
    body = mailoutbox[0].body
    assert "Nachforderung zu einem Nachweis" in body and "15.01.2099" in body
    assert f"/nachweise/{in_check.pk}/" in body
    assert "Vertraulicher Text" not in body
