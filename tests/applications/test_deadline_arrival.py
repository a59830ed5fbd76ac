"""The submission deadline is judged by when the request reached the portal (issue 10.8).

Under a rush, submit requests wait seconds for row locks; one that arrived before the deadline
must be accepted even if it is processed after it, and one that arrived after it refused."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationEvent, FundingRound, ReferenceCounter
from applications.services import application_submit
from applications.workflow import Status
from tests.factories import ApplicationFactory, FundingRoundFactory, staff_for


def _round_with_deadline(deadline):
    return FundingRoundFactory(opens_at=deadline - dt.timedelta(days=30), deadline=deadline)


def _soon():
    """A deadline an hour from now, at a whole second (like 23:59:59)."""
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)


def _client_for(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_arrival_middleware_runs_first():
    assert settings.MIDDLEWARE[0] == "applications.middleware.ArrivalTimeMiddleware"


# The service ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_arrived_before_deadline_processed_after_is_accepted(receipts):
    deadline = _soon()
    app = ApplicationFactory(round=_round_with_deadline(deadline), complete=True)
    arrived = deadline - dt.timedelta(seconds=0.3)
    processed = deadline + dt.timedelta(seconds=19)  # p95 wait under the rush
    submitted = application_submit(
        application=app, user=staff_for(app.lead_municipality), now=processed, arrived_at=arrived
    )
    assert submitted.status == Status.SUBMITTED and submitted.reference
    assert submitted.submitted_at == arrived  # "eingegangen" is the arrival
    event = ApplicationEvent.objects.get(application=app, action="submit")
    assert event.created_at == processed
    assert dt.datetime.fromisoformat(event.data["arrived_at"]) == arrived


@pytest.mark.django_db
def test_arrived_after_deadline_is_refused(receipts):
    deadline = _soon()
    app = ApplicationFactory(round=_round_with_deadline(deadline), complete=True)
    arrived = deadline + dt.timedelta(seconds=0.5)
    with pytest.raises(ValidationError) as exc:
        application_submit(
            application=app,
            user=staff_for(app.lead_municipality),
            now=arrived + dt.timedelta(seconds=1),
            arrived_at=arrived,
        )
    assert exc.value.code == "deadline"
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.reference is None


@pytest.mark.django_db
def test_arrival_time_cannot_be_later_than_processing(receipts):
    """An arrival 'in the future' (a bug or a forged value) never moves the deadline."""
    deadline = _soon()
    app = ApplicationFactory(round=_round_with_deadline(deadline), complete=True)
    now = deadline + dt.timedelta(seconds=5)
    with pytest.raises(ValidationError) as exc:
        application_submit(
            application=app,
            user=staff_for(app.lead_municipality),
            now=now,
            arrived_at=deadline + dt.timedelta(hours=1),
        )
    assert exc.value.code == "deadline"


# Through the portal -----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_submission_held_back_past_the_deadline_by_a_lock_is_accepted(receipts):
    """The request arrives before the deadline, then waits for the application's row lock
    (held by another transaction, as under a rush) until the deadline has passed."""
    app = ApplicationFactory(round=_round_with_deadline(_soon()), complete=True)
    client = _client_for(staff_for(app.lead_municipality))
    url = reverse("applications:check", args=[app.pk])
    responses = []
    deadline = timezone.now() + dt.timedelta(seconds=2)
    FundingRound.objects.filter(pk=app.round_id).update(deadline=deadline)

    def send():
        try:
            responses.append(client.post(url))
        finally:
            connection.close()

    with transaction.atomic():
        Application.objects.select_for_update().get(pk=app.pk)  # another transaction's lock
        sent_at = timezone.now()
        worker = threading.Thread(target=send)
        worker.start()
        while timezone.now() <= deadline + dt.timedelta(seconds=0.5):
            time.sleep(0.1)
        assert worker.is_alive() and not responses  # still waiting for the lock
    worker.join(timeout=30)

    assert sent_at < deadline
    assert responses and responses[0].status_code == 302
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.reference
    assert sent_at <= app.submitted_at <= deadline
    event = ApplicationEvent.objects.get(application=app, action="submit")
    assert event.created_at > deadline  # processed after the deadline, accepted all the same
    assert receipts.calls == [app.pk]


@pytest.mark.django_db
def test_submission_arriving_after_the_deadline_is_refused(receipts):
    deadline = timezone.now() - dt.timedelta(seconds=1)
    app = ApplicationFactory(round=_round_with_deadline(deadline), complete=True)
    client = _client_for(staff_for(app.lead_municipality))
    forged = (deadline - dt.timedelta(hours=1)).isoformat()
    response = client.post(
        reverse("applications:check", args=[app.pk]),
        follow=True,
        # A client cannot claim an earlier arrival: no header is trusted.
        HTTP_X_REQUEST_START=forged,
        HTTP_X_ARRIVED_AT=forged,
    )
    html = response.content.decode()
    assert "Antragsfrist" in html and "abgelaufen" in html
    assert "Der Antrag wurde nicht eingereicht" in html
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.reference is None
    assert not ReferenceCounter.objects.filter(round=app.round, last_number__gt=0).exists()
    assert receipts.calls == []
