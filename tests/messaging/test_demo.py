"""The demo thread: three messages, one with an attachment, one read, one unread."""

from __future__ import annotations

import pytest

from demo.applications import DEMO_APPLICATIONS
from demo.messaging import CASE_OFFICER_EMAIL, seed_messages
from messaging.models import Message
from messaging.selectors import unread_count
from municipalities.selectors import member_municipality_ids
from tests.factories import (
    ApplicationFactory,
    CaseOfficerFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def test_seed_messages_makes_one_thread_once():
    ags = DEMO_APPLICATIONS[0][0]
    municipality = MunicipalityFactory(ags=ags, name="Bensheim")
    application = ApplicationFactory(
        lead_municipality=municipality, status="submitted", complete=True
    )
    staff = staff_for(municipality, email=f"demo-{ags}@wir-portal.example")
    officer = CaseOfficerFactory(email=CASE_OFFICER_EMAIL)
    assert len(seed_messages()) == 3
    assert seed_messages() == []  # once
    messages = list(Message.objects.filter(application=application).order_by("sent_at"))
    assert [m.side for m in messages] == ["rp", "municipality", "rp"]
    assert [m.attachments.count() for m in messages] == [0, 1, 0]
    assert messages[1].attachments.get().original_name == "Zeitplan.pdf"
    # The municipality has read the question, not the thanks; RP has read the answer.
    assert unread_count(staff, member_municipality_ids(staff)) == 1
    assert unread_count(officer, frozenset()) == 0
    assert messages[0].reads.filter(user=staff).exists()
    assert not messages[2].reads.exists()
