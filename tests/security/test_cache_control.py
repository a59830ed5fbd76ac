"""Pages of a logged-in person and every download say ``Cache-Control: private, no-store``, so
neither a shared cache nor the browser (back-forward cache, disk cache) keeps them after
logout (issue 10.11). The pages are every URL of the authorisation matrix that some role may
GET; the downloads are checked by name, so none is left out silently."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.cache import get_max_age

from . import matrix
from .conftest import act_as

pytestmark = pytest.mark.django_db

# Every view that hands out a file: uploads, receipts and decision letters, bundles, ranking
# exports, the jury's copy of an attachment, the personal data export, a message's attachment,
# the attachments of reports.
DOWNLOADS = {
    "applications:attachment_download",
    "documents:document",
    "documents:bundle_download",
    "reviews:ranking_csv",
    "reviews:ranking_xlsx",
    "reviews:jury_attachment",
    "accounts:my_data_export",
    "messaging:attachment",
    "reports:attachment_download",
    "grants:orders_csv",
}


def directives(response) -> set[str]:
    return {
        part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")
    }


def assert_private_no_store(response, where: str) -> None:
    found = directives(response)
    assert {"private", "no-store"} <= found, (
        f"{where}: Cache-Control {response.get('Cache-Control')!r}"
    )
    assert "public" not in found, where
    assert not get_max_age(response), where


def _first_role_allowed(entry) -> str | None:
    return next(
        (
            role
            for role in matrix.ROLES
            if role != matrix.ANONYMOUS and entry.get[role] == matrix.OK
        ),
        None,
    )


PAGES = sorted(name for name, entry in matrix.MATRIX.items() if _first_role_allowed(entry))


def _get(client, world, name):
    entry = matrix.MATRIX[name]
    act_as(client, world, _first_role_allowed(entry))
    url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return response


def test_the_download_list_names_real_urls():
    assert DOWNLOADS.issubset(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_pages_for_logged_in_people_are_private_and_not_stored(client, world, name):
    response = _get(client, world, name)
    assert_private_no_store(response, name)
    if "attachment" in response.get("Content-Disposition", ""):
        assert name in DOWNLOADS, f"{name} is a download missing from DOWNLOADS"


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_every_download_is_private_and_not_stored(client, world, name):
    response = _get(client, world, name)
    assert "attachment" in response["Content-Disposition"], name
    assert_private_no_store(response, name)


def test_decision_letter_download_is_private_and_not_stored(client, world):
    from documents.models import DocumentKind, GeneratedDocument

    letter = GeneratedDocument(
        application=world.submitted, kind=DocumentKind.DECISION, filename="Bescheid.pdf"
    )
    letter.file.save("Bescheid.pdf", ContentFile(b"%PDF-1.4 Bescheid"), save=True)
    act_as(client, world, matrix.STAFF)
    response = client.get(
        reverse("documents:document", kwargs={"pk": world.submitted.pk, "kind": "decision"})
    )
    assert response.status_code == 200
    assert_private_no_store(response, "decision letter")


def test_after_logout_the_page_is_not_served_from_a_cache(client, world):
    """The person's pages are marked so that the browser asks again; after logout the
    application list sends the visitor to the login page instead of showing the old one."""
    act_as(client, world, matrix.STAFF)
    url = reverse("applications:list")
    assert_private_no_store(client.get(url), "applications:list")
    client.post(reverse("accounts:logout"))
    response = client.get(url)
    assert response.status_code == 302 and "/konto/anmelden" in response.url


def test_public_pages_for_anonymous_visitors_may_still_be_cached(client):
    assert "no-store" not in directives(client.get(reverse("impressum")))
