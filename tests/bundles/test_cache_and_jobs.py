"""The cache (an unchanged application is never rendered again), the job's services and
time limit, and the bundle pages' permissions, polling and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from documents.bundles import content, jobs, merge, parts, watch
from documents.models import ApplicationPdfCache, BundleJob, BundleSelection, BundleStatus
from documents.tasks import bundle_jobs_watch
from tests.accounts.factories import login_verified
from tests.factories import AdminFactory, ReviewerFactory, staff_for

from .conftest import make_application, run_inline

pytestmark = pytest.mark.django_db


def _hash(application) -> str:
    return content.content_hash(content.load_applications([application.pk])[application.pk])


def test_hash_follows_what_the_pdf_shows(bundle_round):
    application = make_application(bundle_round, 1)
    before = _hash(application)
    assert _hash(application) == before
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    assert _hash(application) == before  # not shown, no new PDF
    Application.objects.filter(pk=application.pk).update(
        answers={**application.answers, "aims": "Neue Ziele"}
    )
    changed = _hash(application)
    assert changed != before
    application.attachments.update(sha256="0" * 64)
    assert _hash(application) not in (before, changed)


def test_a_second_bundle_renders_no_application_and_a_change_renders_one(
    bundle_round, officer, three_applications
):
    def bundle():
        job = jobs.bundle_job_request(
            round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
        )
        return run_inline(job)

    first = bundle()
    assert (first.rendered, first.done) == (3, 3)
    entries = set(ApplicationPdfCache.objects.values_list("pk", flat=True))
    second = bundle()
    assert second.status == BundleStatus.DONE
    assert (second.rendered, second.done) == (0, 3)
    assert set(ApplicationPdfCache.objects.values_list("pk", flat=True)) == entries
    changed = three_applications[1]
    Application.objects.filter(pk=changed.pk).update(summary="Eine geänderte Kurzbeschreibung.")
    third = bundle()
    assert (third.rendered, third.done) == (1, 3)
    assert list(third.parts.filter(rendered=True).values_list("application", flat=True)) == [
        changed.pk
    ]
    # The old PDF of the changed application is gone, the others are kept.
    assert ApplicationPdfCache.objects.filter(application=changed).count() == 1
    assert ApplicationPdfCache.objects.count() == 3


def test_tasks_running_twice_count_once(bundle_round, officer, three_applications):
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    ids = jobs.bundle_job_start(job.pk)
    assert jobs.bundle_job_start(job.pk) == ids
    for pk in ids + ids:
        parts.bundle_part_render(job_id=job.pk, application_id=pk)
    merge.bundle_merge(job.pk)
    assert merge.bundle_merge(job.pk) is None  # done already
    job.refresh_from_db()
    assert (job.status, job.done, job.rendered, job.parts.count()) == ("done", 3, 3, 3)


def test_merge_waits_for_missing_parts(bundle_round, officer, three_applications):
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    ids = jobs.bundle_job_start(job.pk)
    parts.bundle_part_render(job_id=job.pk, application_id=ids[0])
    with pytest.raises(merge.PartsMissing):
        merge.bundle_merge(job.pk)


def test_no_job_stays_open_beyond_the_time_limit(bundle_round, officer, settings, mailoutbox):
    settings.WIR_BUNDLE_TIMEOUT_MINUTES = 30
    make_application(bundle_round, 1, attachment_pages=0)
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    jobs.bundle_job_start(job.pk)  # running, but its tasks are lost
    assert jobs.bundle_jobs_expire() == 0
    BundleJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=31))
    assert jobs.bundle_jobs_expire() == 1
    job.refresh_from_db()
    assert job.status == BundleStatus.FAILED
    assert "30 Minuten" in job.error
    assert job.finished_at is not None
    assert merge.bundle_merge(job.pk) is None  # a late merge changes nothing


def test_stalled_job_gets_only_its_lost_parts_again(
    bundle_round, officer, monkeypatch, django_capture_on_commit_callbacks
):
    """The periodic watch: a part no live worker holds is dispatched again after the stale
    period; one a worker is on, or a job with recent progress, is left alone."""
    dispatched = []
    monkeypatch.setattr(watch, "_dispatch_again", lambda pk, step: dispatched.append(step))
    first, second, third = (
        make_application(bundle_round, n, attachment_pages=0) for n in (1, 2, 3)
    )
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    jobs.bundle_job_start(job.pk)
    parts.bundle_part_render(job_id=job.pk, application_id=first.pk)
    now = timezone.now()
    rendering = {("documents.bundle_render_application", job.pk, second.pk)}
    assert watch.bundle_jobs_redispatch(now + dt.timedelta(minutes=1), held=rendering) == 0
    later = now + dt.timedelta(minutes=watch.stale_minutes() + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert watch.bundle_jobs_redispatch(later, held=rendering) == 1
    assert dispatched == [[third.pk]]  # not the part a live worker renders
    # re-dispatched just now: not again until another stale period without progress
    assert watch.bundle_jobs_redispatch(later, held=set()) == 0


def test_the_periodic_watch_expires_stale_jobs_and_the_pages_only_read(
    client, bundle_round, officer, settings
):
    """Issue 11: expiring is the periodic task's (celery beat), no longer a side effect of a
    GET; what the pages show once it ran is unchanged."""
    settings.WIR_BUNDLE_TIMEOUT_MINUTES = 5
    job = BundleJob.objects.create(
        round=bundle_round,
        requested_by=officer,
        status=BundleStatus.RUNNING,
        created_at=timezone.now() - dt.timedelta(hours=1),
    )
    login_verified(client, officer)
    client.get(reverse("documents:bundles"))
    client.get(reverse("documents:bundle_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    job.refresh_from_db()
    assert job.status == BundleStatus.RUNNING  # a page view writes nothing
    assert settings.CELERY_BEAT_SCHEDULE["bundle-jobs-watch"]["task"] == bundle_jobs_watch.name
    bundle_jobs_watch.run()
    response = client.get(reverse("documents:bundles"))
    assert "Das Bündel konnte nicht erstellt werden." in response.content.decode()
    job.refresh_from_db()
    assert job.status == BundleStatus.FAILED


def test_only_case_officers_and_admins_may_request(bundle_round, three_applications):
    for user in (ReviewerFactory(), staff_for(three_applications[0].lead_municipality)):
        with pytest.raises(PermissionDenied):
            jobs.bundle_job_request(
                round_=bundle_round, user=user, selection=BundleSelection.SUBMITTED
            )
    job = jobs.bundle_job_request(
        round_=bundle_round, user=AdminFactory(), selection=BundleSelection.SUBMITTED
    )
    assert job.total == 3


@pytest.mark.parametrize("who", ["reviewer", "staff"])
def test_other_roles_get_nothing(client, bundle_round, officer, three_applications, who):
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    user = (
        ReviewerFactory()
        if who == "reviewer"
        else staff_for(three_applications[0].lead_municipality)
    )
    login_verified(client, user)
    assert client.get(reverse("documents:bundles")).status_code == 403
    assert (
        client.get(reverse("documents:bundle_request", args=[bundle_round.pk])).status_code == 403
    )
    assert client.get(reverse("documents:bundle_status", args=[job.pk])).status_code == 404
    assert client.get(reverse("documents:bundle_download", args=[job.pk])).status_code == 404


def test_request_page_enqueues_after_commit(
    client,
    bundle_round,
    officer,
    three_applications,
    published,
    django_capture_on_commit_callbacks,
):
    login_verified(client, officer)
    url = reverse("documents:bundle_request", args=[bundle_round.pk])
    assert "3 eingereichte Anträge" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"selection": BundleSelection.SUBMITTED})
    assert response.status_code == 302
    job = BundleJob.objects.get()
    assert published.of("documents.bundle_start") == [[job.pk]]
    assert job.application_ids == [a.pk for a in three_applications]
    assert (job.status, job.total, job.requested_by) == (BundleStatus.PENDING, 3, officer)


def test_request_by_status_needs_a_status(client, bundle_round, officer, three_applications):
    login_verified(client, officer)
    url = reverse("documents:bundle_request", args=[bundle_round.pk])
    response = client.post(url, {"selection": BundleSelection.STATUS})
    assert response.status_code == 200
    assert "Bitte wählen Sie mindestens einen Status." in response.content.decode()
    assert not BundleJob.objects.exists()


def test_status_partial_polls_while_open_and_offers_the_download_when_done(
    client, bundle_round, officer, three_applications
):
    job = jobs.bundle_job_request(
        round_=bundle_round, user=officer, selection=BundleSelection.SUBMITTED
    )
    login_verified(client, officer)
    url = reverse("documents:bundle_status", args=[job.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial and "<h1" not in partial
    assert 'value="0"' in partial and "0 %" in partial
    run_inline(job)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert 'max="100" value="100"' in partial and "100 %" in partial
    assert reverse("documents:bundle_download", args=[job.pk]) in partial
    page = client.get(url).content.decode()  # without JavaScript: a page of its own
    assert page.count("<h1") == 1
    download = client.get(reverse("documents:bundle_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.7")


def test_nav_item_only_for_rp(client, bundle_round, officer):
    login_verified(client, officer)
    assert reverse("documents:bundles") in client.get(reverse("home")).content.decode()
    client.logout()
    login_verified(client, ReviewerFactory())
    assert reverse("documents:bundles") not in client.get(reverse("home")).content.decode()
