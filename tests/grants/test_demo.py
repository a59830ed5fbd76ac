"""The demo grants: approved through the real services, at the stages after the decision,
idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from applications.workflow import Status
from grants.models import Grant
from grants.selectors import grant_paid_total
from grants.workflow import ChangeState, GrantState, NoticeState, PaymentState

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_grant_stages(capsys):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", "--with-applications")
    assert "Bewilligter Demo-Antrag" in capsys.readouterr().out
    # demo/grants.py's decided round last (demo/reports.py adds a Heppenheim grant of 2019).
    grants = {
        g.application.lead_municipality.ags: g
        for g in Grant.objects.with_related().order_by("application__round__deadline")
    }
    assert set(grants) == {"06431011", "06431002", "06434008"}
    assert all(g.application.status == Status.APPROVED for g in grants.values())

    heppenheim = grants["06431011"]
    assert heppenheim.state == GrantState.BINDING
    states = list(heppenheim.payment_requests.order_by("number").values_list("state", flat=True))
    assert states == [PaymentState.PAID, PaymentState.REQUESTED]
    assert grant_paid_total(heppenheim) == Decimal("5500.00")
    assert heppenheim.application.created_by.email == "antrag@wir-portal.example"

    assert grants["06431002"].state == GrantState.ACCEPTED
    oberursel = grants["06434008"]
    assert oberursel.change_requests.get().state == ChangeState.REQUESTED
    assert oberursel.notices.get().state == NoticeState.FILED

    count = Grant.objects.count()  # demo/reports.py's grant of 2019 besides
    call_command("seed_demo", "--with-applications")
    assert Grant.objects.count() == count
