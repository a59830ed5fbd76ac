"""Rows of the authorisation matrix for the PDF bundle pages (documents/bundles/views.py),
in the format of matrix.py, which merges them into MATRIX. Bundles are for case officers and
admins only; the job used is a finished bundle of the world's round, made on first use."""

from __future__ import annotations

from .matrix import ADMIN, CASE_OFFICER, OK, Entry, logged_in, only

RP_STAFF = (CASE_OFFICER, ADMIN)


def bundle_job(world):
    """A finished bundle job of the world's submitted application, made once per world."""
    cached = getattr(world, "_bundle_job", None)
    if cached is not None:
        return cached
    from django.core.files.base import ContentFile

    from documents.models import BundleJob, BundleStatus

    job = BundleJob(
        round=world.submitted.round,
        requested_by=world.users[CASE_OFFICER],
        application_ids=[world.submitted.pk],
        total=1,
        done=1,
        status=BundleStatus.DONE,
        filename="Antragsbuendel.pdf",
    )
    job.file.save("Antragsbuendel.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=True)
    world._bundle_job = job
    return job


def _job(world) -> dict:
    return {"pk": bundle_job(world).pk}


BUNDLE_ROWS: dict[str, Entry] = {
    "documents:bundles": Entry(get=only(RP_STAFF, OK), post=logged_in(405)),
    "documents:bundle_request": Entry(
        get=only(RP_STAFF, OK),
        post=only(RP_STAFF, OK),  # an empty form comes back with its errors
        kwargs=lambda w: {"round_pk": w.submitted.round.pk},
    ),
    "documents:bundle_status": Entry(get=only(RP_STAFF, OK), post=logged_in(405), kwargs=_job),
    "documents:bundle_download": Entry(get=only(RP_STAFF, OK), post=logged_in(405), kwargs=_job),
}
