"""The life after the decision, in the browser: the municipality accepts the grant with a
waiver of appeal, requests money twice and files a change request (a longer term); RP approves
one payment request with a lower amount (the real worker renders the payment order) and grants
the change; the municipality sees the amount and the new end. axe-core checks every new page."""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from demo.grants import approved_demo_application, decided_round
from demo.seed import DEMO_ACCOUNTS
from grants.models import ChangeRequest, Grant, PaymentRequest
from grants.workflow import ChangeState, GrantState, PaymentState
from municipalities.models import Municipality

from .conftest import assert_no_axe_violations, login, logout

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}
APPLICANT = ACCOUNTS["antrag"]
CASE_OFFICER = ACCOUNTS["sachbearbeitung"]


@pytest.fixture
def approved(worker_media):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    now = timezone.now()
    today = timezone.localdate()
    start = today - dt.timedelta(days=20)
    return approved_demo_application(
        decided_round(now),
        Municipality.objects.get(ags="06431011"),
        "Heppenheim: Vielfalt gestalten",
        grant=Decimal("18000.00"),
        start=start,
        end=start + dt.timedelta(days=364),
        submitted_at=now - dt.timedelta(days=90),
        user=None,
    )


def request_money(page, pk: int, description: str, amount: str) -> None:
    page.goto(f"/antraege/{pk}/bewilligung/")
    page.get_by_role("link", name="Mittel abrufen").click()
    expect(page.locator("h1")).to_have_text("Mittel abrufen")
    assert_no_axe_violations(page, "Mittel abrufen")
    first = page.get_by_role("group", name="Zahlung 1 (Pflichtangabe)")
    first.get_by_label("Zahlung für").fill(description)
    first.get_by_label("Fällig am").fill(timezone.localdate().isoformat())
    first.get_by_label("Betrag in Euro").fill(amount)
    page.get_by_role("button", name="Mittel abrufen").click()
    expect(page.get_by_text(re.compile(r"Mittelabruf Nr\. \d ist eingegangen"))).to_be_visible()


def test_grant_journey(page, approved):
    pk = approved.pk
    # The municipality (the demo account of Heppenheim) finds the area on its application.
    login(page, APPLICANT.email, APPLICANT.password)
    page.goto(f"/antraege/{pk}/")
    page.get_by_role("link", name="Zum Bereich „Nach der Bewilligung“").click()
    expect(page.locator("h1")).to_have_text("Nach der Bewilligung")
    expect(page.get_by_text("18.000,00 €").first).to_be_visible()
    assert_no_axe_violations(page, "Nach der Bewilligung (vor der Annahme)")
    page.get_by_label("Wir verzichten auf Rechtsbehelfe gegen den Zuwendungsbescheid.").check()
    page.get_by_role("button", name="Zuwendung annehmen").click()
    expect(page.get_by_text(re.compile("Der Bescheid ist bestandskräftig"))).to_be_visible()
    assert Grant.objects.get(application=approved).state == GrantState.BINDING

    request_money(page, pk, "Externe Moderation, Auftakt", "5.000,00")
    request_money(page, pk, "Saalmiete Werkstatt", "1.250,50")
    expect(page.get_by_text("6.250,50 €").first).to_be_visible()  # the computed sum

    page.get_by_role("link", name="Änderung beantragen").click()
    assert_no_axe_violations(page, "Änderung beantragen")
    new_end = approved.end_date + dt.timedelta(days=90)
    page.get_by_label("Verlängerung des Bewilligungszeitraums").check()
    page.get_by_label("Neues Ende des Bewilligungszeitraums").fill(new_end.isoformat())
    page.get_by_label("Begründung").fill("Die Werkstätten verschieben sich um drei Monate.")
    page.get_by_role("button", name="Änderung beantragen").click()
    expect(page.get_by_text("Ihr Änderungsantrag ist eingegangen.")).to_be_visible()

    page.get_by_role("link", name="Mitteilung einreichen").click()
    assert_no_axe_violations(page, "Mitteilung einreichen")
    page.get_by_label("Weitere Drittmittel sind hinzugekommen").check()
    page.get_by_label("Erläuterung").fill("Eine Stiftung übernimmt die Dolmetschkosten.")
    page.get_by_label("Betrag in Euro").fill("800")
    page.get_by_role("button", name="Mitteilung einreichen").click()
    expect(
        page.get_by_text("Ihre Mitteilung ist beim Regierungspräsidium eingegangen.")
    ).to_be_visible()
    assert_no_axe_violations(page, "Nach der Bewilligung (bestandskräftig)")
    logout(page)

    # RP: the queue, the first payment request approved lower, the change granted.
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Zuwendungen"
    ).click()
    expect(page.locator("h1")).to_have_text("Zuwendungen: Aufgaben nach der Bewilligung")
    assert_no_axe_violations(page, "RP-Warteschlange")
    page.get_by_role("link", name=f"{approved.reference} – Nr. 1").click()
    assert_no_axe_violations(page, "Mittelabruf freigeben")
    page.get_by_label("Freizugebender Betrag in Euro").fill("4.500,00")
    page.get_by_label("Begründung").first.fill("Eine Rechnung ist nicht zuwendungsfähig.")
    page.get_by_role("button", name="Freigeben und Auszahlung anordnen").click()
    expect(page.get_by_text("Der Mittelabruf ist freigegeben")).to_be_visible()
    first = PaymentRequest.objects.get(grant__application=approved, number=1)
    assert first.state == PaymentState.APPROVED and first.approved_amount == Decimal("4500.00")
    # The worker renders the payment order; its link then answers with the PDF.
    url = f"/antraege/{pk}/dokumente/payment_order.pdf?fassung=1"
    for _attempt in range(60):
        response = page.request.get(url)
        if response.status == 200:
            break
        time.sleep(0.5)
    assert response.status == 200 and response.body()[:5] == b"%PDF-"

    page.get_by_role("link", name="Zuwendungen").first.click()
    page.get_by_role("link", name=re.compile(f"{approved.reference} – Verlängerung")).click()
    assert_no_axe_violations(page, "Änderungsantrag entscheiden")
    page.get_by_role("button", name="Änderung genehmigen").click()
    expect(page.get_by_text("Der Änderungsantrag ist genehmigt")).to_be_visible()
    assert ChangeRequest.objects.get(grant__application=approved).state == ChangeState.GRANTED

    page.get_by_role("link", name="Zuwendungen").first.click()
    page.get_by_role("link", name=re.compile(f"{approved.reference} – Weitere Drittmittel")).click()
    assert_no_axe_violations(page, "Mitteilung bearbeiten")
    logout(page)

    # The municipality sees the lower amount and the new end of the term.
    login(page, APPLICANT.email, APPLICANT.password)
    page.goto(f"/antraege/{pk}/bewilligung/")
    expect(page.get_by_text("4.500,00 €").first).to_be_visible()
    expect(page.get_by_text(new_end.strftime("%d.%m.%Y")).first).to_be_visible()
    expect(page.get_by_text("Genehmigt").first).to_be_visible()
