"""Reference numbers under concurrent submissions, against the real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from applications.models import ApplicationEvent, ReferenceCounter
from applications.services import application_submit
from applications.workflow import Status
from tests.factories import ApplicationFactory, FundingRoundFactory, staff_for

THREADS = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_gapless_unique_numbers(receipts):
    round_ = FundingRoundFactory(reference_prefix="KIV-2019")
    jobs = []
    for _ in range(THREADS):
        app = ApplicationFactory(round=round_, complete=True)
        jobs.append((app, staff_for(app.lead_municipality)))
    barrier = threading.Barrier(THREADS)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def submit(app, user):
        try:
            barrier.wait(timeout=30)
            results[app.pk] = application_submit(application=app, user=user).reference
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    assert sorted(results.values()) == [f"KIV-2019-{n:04d}" for n in range(1, THREADS + 1)]
    assert ReferenceCounter.objects.get(round=round_).last_number == THREADS
    assert ApplicationEvent.objects.filter(action="submit").count() == THREADS
    for app, _ in jobs:
        app.refresh_from_db()
        assert app.status == Status.SUBMITTED and app.reference == results[app.pk]
    assert sorted(receipts.calls) == sorted(app.pk for app, _ in jobs)


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_of_one_application(receipts):
    app = ApplicationFactory(complete=True)
    user = staff_for(app.lead_municipality)
    barrier = threading.Barrier(4)
    refs, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=30)
            refs.append(application_submit(application=app, user=user).reference)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(set(refs)) == 1 and len(refs) == 4
    assert ApplicationEvent.objects.filter(application=app, action="submit").count() == 1
    assert receipts.calls == [app.pk]
