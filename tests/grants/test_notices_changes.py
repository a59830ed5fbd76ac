"""Notices under the Mitteilungspflicht (RP notes or lowers the grant) and change requests (a
granted extension moves the due dates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import OutboxMessage
from grants import services
from grants.models import NoticeKind
from grants.selectors import (
    grant_available,
    grant_final_report_due_date,
    grant_interim_report_due_dates,
    grant_term_end,
)
from grants.workflow import ChangeState, NoticeState, TransitionNotAllowed

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = at(dt.date(2026, 6, 1))


def test_notice_with_amount_and_lowering(binding_grant, applicant, officer):
    notice = services.notice_file(
        grant=binding_grant, user=applicant, kind=NoticeKind.THIRD_PARTY_FUNDS,
        text="Die Stiftung gibt 3.000 €.", amount="3.000,00", now=DAY,
    )  # fmt: skip
    assert notice.state == NoticeState.FILED and notice.amount == Decimal("3000.00")
    notice = services.notice_lower_grant(
        notice=notice, user=officer, new_amount="15.000,00", reason="Fehlbedarf sinkt", now=DAY
    )
    assert notice.state == NoticeState.GRANT_LOWERED
    assert (notice.lowered_from, notice.lowered_to) == (Decimal("18000.00"), Decimal("15000.00"))
    binding_grant.refresh_from_db()
    assert binding_grant.granted_amount == Decimal("15000.00")
    assert grant_available(binding_grant) == Decimal("15000.00")


def test_notice_needs_text_and_amount(binding_grant, applicant):
    with pytest.raises(ValidationError) as exc:
        services.notice_file(
            grant=binding_grant, user=applicant, kind=NoticeKind.COST_FELL, text=""
        )
    assert set(exc.value.message_dict) == {"text", "amount"}
    notice = services.notice_file(
        grant=binding_grant, user=applicant, kind=NoticeKind.PURPOSE_CHANGED, text="Anders."
    )
    assert notice.amount is None


def test_lowering_must_lower(binding_grant, applicant, officer):
    notice = services.notice_file(
        grant=binding_grant, user=applicant, kind=NoticeKind.COST_FELL, text="x", amount="1"
    )
    with pytest.raises(ValidationError):
        services.notice_lower_grant(notice=notice, user=officer, new_amount="18.000,00", reason="x")
    notice = services.notice_note(notice=notice, user=officer, message="Keine Auswirkung")
    assert notice.state == NoticeState.NOTED
    with pytest.raises(TransitionNotAllowed):
        services.notice_note(notice=notice, user=officer)


def test_granted_extension_moves_the_due_dates(binding_grant, applicant, officer):
    assert grant_term_end(binding_grant) == dt.date(2027, 3, 31)
    assert grant_final_report_due_date(binding_grant) == dt.date(2027, 9, 30)
    change = services.change_request_create(
        grant=binding_grant, user=applicant, kind="term", text="Werkstätten verschoben",
        new_end_date=dt.date(2028, 1, 31), now=DAY,
    )  # fmt: skip
    assert change.previous_end_date == dt.date(2027, 3, 31)
    change = services.change_grant(change=change, user=officer, now=DAY)
    assert change.state == ChangeState.GRANTED
    assert OutboxMessage.objects.filter(task_name="documents.render_change_decision").exists()
    binding_grant.refresh_from_db()
    assert grant_term_end(binding_grant) == dt.date(2028, 1, 31)
    assert grant_final_report_due_date(binding_grant) == dt.date(2028, 7, 31)
    assert [y for y, _due in grant_interim_report_due_dates(binding_grant)] == [2026, 2027]


def test_extension_must_be_later(binding_grant, applicant):
    with pytest.raises(ValidationError) as exc:
        services.change_request_create(
            grant=binding_grant, user=applicant, kind="term", text="x",
            new_end_date=dt.date(2027, 3, 31),
        )  # fmt: skip
    assert "31.03.2027" in exc.value.message_dict["new_end_date"][0]


def test_refused_change_keeps_the_term_and_needs_a_reason(binding_grant, applicant, officer):
    change = services.change_request_create(
        grant=binding_grant, user=applicant, kind="content", text="Andere Zielgruppe"
    )
    with pytest.raises(ValidationError):
        services.change_refuse(change=change, user=officer, reason="")
    change = services.change_refuse(change=change, user=officer, reason="Zweck verfehlt")
    assert change.state == ChangeState.REFUSED and change.decision_reason == "Zweck verfehlt"
    binding_grant.refresh_from_db()
    assert binding_grant.extended_until is None


def test_only_the_municipality_withdraws_its_change_request(binding_grant, applicant, officer):
    change = services.change_request_create(
        grant=binding_grant, user=applicant, kind="content", text="x"
    )
    with pytest.raises(TransitionNotAllowed):
        services.change_withdraw(change=change, user=officer)
    assert services.change_withdraw(change=change, user=applicant).state == ChangeState.WITHDRAWN
