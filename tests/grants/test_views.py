"""The grant pages as people use them: what is due, the money in German format and computed,
the forms with their German errors, RP's decisions; list pages in constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants import services
from grants.models import PaymentRequest
from grants.workflow import ChangeState, GrantState, PaymentState
from tests.accounts.factories import login_verified

from .conftest import make_approved

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def live_application(lead):
    """Approved ten days ago, running from last week for a year."""
    return make_approved(
        lead_municipality=lead,
        decided_at=timezone.now() - dt.timedelta(days=10),
        start_date=TODAY - dt.timedelta(days=7),
        end_date=TODAY + dt.timedelta(days=358),
    )


@pytest.fixture
def live_grant(live_application, applicant):
    grant = services.grant_ensure(live_application)
    return services.grant_accept(grant=grant, user=applicant, waive_appeal=True)


def payment(grant, user, amount="5.000,00"):
    return services.payment_request_create(
        grant=grant, user=user, amount=amount,
        items=[{"description": "Moderation", "due_on": TODAY, "amount": amount}],
        iban="DE89370400440532013000", account_holder="Stadtkasse",
    )  # fmt: skip


def test_accept_with_waiver_from_the_page(client, live_application, applicant):
    login_verified(client, applicant)
    url = reverse("grants:detail", args=[live_application.pk])
    page = client.get(url).content.decode()
    assert "Zuwendung annehmen" in page and "18.000,00" in page
    response = client.post(
        reverse("grants:accept", args=[live_application.pk]), {"waive_appeal": "on"}, follow=True
    )
    assert "bestandskräftig" in response.content.decode()
    live_application.grant.refresh_from_db()
    assert live_application.grant.state == GrantState.BINDING
    page = client.get(url).content.decode()
    assert "Mittel abrufen" in page and "Zuwendung annehmen" not in page


def test_payment_request_form_sums_the_payments_and_shows_errors(client, live_grant, applicant):
    login_verified(client, applicant)
    url = reverse("grants:payment_new", args=[live_grant.application_id])
    page = client.get(url).content.decode()
    assert "DE89370400440532013000" in page  # the application's account, prefilled
    far = (TODAY + dt.timedelta(days=120)).isoformat()
    response = client.post(url, {
        "item_1_description": "Druck", "item_1_due_on": far, "item_1_amount": "1.000,00",
        "account_holder": "Stadtkasse", "iban": "DE89370400440532013000",
    })  # fmt: skip
    assert response.status_code == 200
    assert "binnen 2 Monaten" in response.content.decode()
    response = client.post(url, {
        "item_1_description": "Moderation", "item_1_due_on": TODAY.isoformat(),
        "item_1_amount": "1.500,50",
        "item_2_description": "Saalmiete", "item_2_due_on": TODAY.isoformat(),
        "item_2_amount": "499,50",
        "account_holder": "Stadtkasse", "iban": "DE89 3704 0044 0532 0130 00",
    })  # fmt: skip
    assert response.status_code == 302
    req = PaymentRequest.objects.get()
    assert req.amount == Decimal("2000.00") and req.items.count() == 2
    page = client.get(reverse("grants:detail", args=[live_grant.application_id])).content.decode()
    assert "2.000,00" in page and "16.000,00" in page  # requested, still available


def test_half_filled_payment_row_is_refused(client, live_grant, applicant):
    login_verified(client, applicant)
    url = reverse("grants:payment_new", args=[live_grant.application_id])
    response = client.post(url, {
        "item_1_description": "Moderation", "item_1_due_on": TODAY.isoformat(),
        "item_1_amount": "100", "item_2_description": "Saal",
        "account_holder": "Stadtkasse", "iban": "DE89370400440532013000",
    })  # fmt: skip
    assert "alle drei Angaben" in response.content.decode()
    assert not PaymentRequest.objects.exists()


def test_officer_approves_lower_and_marks_paid(client, live_grant, applicant, officer):
    req = payment(live_grant, applicant)
    login_verified(client, officer)
    url = reverse("grants:payment_decide", args=[live_grant.application_id, req.pk])
    response = client.post(url, {"approve-approved_amount": "4.000,00", "approve": "1"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == PaymentState.APPROVED and req.approved_amount == Decimal("4000.00")
    response = client.post(url, {"paid-paid_on": TODAY.isoformat(), "paid": "1"})
    req.refresh_from_db()
    assert req.state == PaymentState.PAID


def test_refusal_needs_a_reason_on_the_page(client, live_grant, applicant, officer):
    req = payment(live_grant, applicant)
    login_verified(client, officer)
    url = reverse("grants:payment_decide", args=[live_grant.application_id, req.pk])
    response = client.post(url, {"refuse-reason": "", "refuse": "1"})
    assert response.status_code == 200
    assert "Bitte geben Sie eine Begründung an." in response.content.decode()
    req.refresh_from_db()
    assert req.state == PaymentState.REQUESTED


def test_admin_sees_but_cannot_decide(client, live_grant, applicant, admin_user):
    req = payment(live_grant, applicant)
    login_verified(client, admin_user)
    url = reverse("grants:payment_decide", args=[live_grant.application_id, req.pk])
    page = client.get(url).content.decode()
    assert "Freigeben und Auszahlung anordnen" not in page
    client.post(url, {"approve-approved_amount": "4.000,00", "approve": "1"})
    req.refresh_from_db()
    assert req.state == PaymentState.REQUESTED


def test_change_granted_moves_the_due_date_on_the_page(client, live_grant, applicant, officer):
    login_verified(client, applicant)
    new_end = TODAY + dt.timedelta(days=500)
    client.post(
        reverse("grants:change_new", args=[live_grant.application_id]),
        {"kind": "term", "new_end_date": new_end.isoformat(), "text": "Werkstätten später"},
    )
    change = live_grant.change_requests.get()
    login_verified(client, officer)
    client.post(
        reverse("grants:change_decide", args=[live_grant.application_id, change.pk]),
        {"grant": "1", "grant-message": ""},
    )
    change.refresh_from_db()
    assert change.state == ChangeState.GRANTED
    page = client.get(reverse("grants:detail", args=[live_grant.application_id])).content.decode()
    assert new_end.strftime("%d.%m.%Y") in page


def test_orders_csv_of_a_day(client, live_grant, applicant, officer):
    req = payment(live_grant, applicant, amount="1.234,50")
    services.payment_approve(request=req, user=officer)
    login_verified(client, officer)
    response = client.get(reverse("grants:orders_csv"), {"day": TODAY.isoformat()})
    text = response.content.decode("utf-8-sig")
    header, row = text.strip().splitlines()
    assert header.startswith("Anordnungsnummer;Anordnungsdatum")
    assert f"{live_grant.application.reference}-A1" in row
    assert "1.234,50" in row and TODAY.strftime("%d.%m.%Y") in row
    empty = client.get(reverse("grants:orders_csv"), {"day": "2020-01-01"})
    assert len(empty.content.decode("utf-8-sig").strip().splitlines()) == 1


def test_queue_in_constant_queries(client, officer, assert_constant_queries):
    def make_rows(n):
        for _ in range(n):
            app = make_approved(
                decided_at=timezone.now() - dt.timedelta(days=60),
                start_date=TODAY - dt.timedelta(days=400),
                end_date=TODAY - dt.timedelta(days=200),
            )
            grant = services.grant_ensure(app)
            staff = _staff_of(app)
            services.notice_file(grant=grant, user=staff, kind="purpose_changed", text="x")
            services.change_request_create(grant=grant, user=staff, kind="content", text="x")
            req = payment(grant, staff, amount="100")
            paid = payment(grant, staff, amount="200")
            services.payment_approve(request=paid, user=officer)
            assert req.state == PaymentState.REQUESTED

    login_verified(client, officer)
    assert_constant_queries(reverse("grants:queue"), make_rows=make_rows, client=client)


def test_detail_in_constant_queries(
    client, live_grant, applicant, officer, assert_constant_queries
):
    def make_rows(n):
        for _ in range(n):
            req = payment(live_grant, applicant, amount="100")
            services.payment_approve(request=req, user=officer)
            services.notice_file(grant=live_grant, user=applicant, kind="purpose_changed", text="x")
            change = services.change_request_create(
                grant=live_grant, user=applicant, kind="content", text="x"
            )
            services.change_refuse(change=change, user=officer, reason="nein")

    login_verified(client, applicant)
    assert_constant_queries(
        reverse("grants:detail", args=[live_grant.application_id]),
        make_rows=make_rows,
        client=client,
    )


def _staff_of(application):
    from tests.factories import staff_for

    return staff_for(application.lead_municipality)
