"""Every named URL × every role × GET/POST gets what tests/security/matrix.py says."""

import pytest
from django.conf import settings
from django.urls import reverse

from . import matrix
from .conftest import SECRET_TITLE, act_as, is_excluded, matrix_cases, url_names


def test_every_url_has_a_row_in_the_matrix():
    missing = sorted(
        {
            f"{name}  ({route})"
            for name, route in url_names()
            if not is_excluded(name) and name not in matrix.MATRIX
        }
    )
    assert not missing, (
        "These URLs have no row in the authorisation matrix. Add an Entry for each to "
        "tests/security/matrix.py (what anonymous, municipal staff, staff of another "
        "municipality, partner staff, reviewers assigned/not assigned, case officers and "
        "admins get on GET and POST):\n  " + "\n  ".join(missing)
    )


def test_the_matrix_has_no_rows_for_urls_that_do_not_exist():
    existing = {name for name, _ in url_names()}
    stale = sorted(set(matrix.MATRIX) - existing)
    assert not stale, f"Rows in tests/security/matrix.py for URLs that no longer exist: {stale}"


def test_every_row_names_every_role():
    for name, entry in matrix.MATRIX.items():
        for method in ("get", "post"):
            assert set(getattr(entry, method)) == set(matrix.ROLES), (name, method)


def check_outcome(response, expected, where: str) -> None:
    status = response.status_code
    if expected == matrix.OK:
        assert status == 200, f"{where}: expected 200, got {status}"
    elif expected == matrix.LOGIN:
        login = reverse(settings.LOGIN_URL)
        assert status == 302 and response.url.startswith(login), (
            f"{where}: expected a redirect to the login page, got {status} "
            f"{response.get('Location', '')}"
        )
    elif expected == matrix.REDIRECT:
        assert status in (301, 302, 303), f"{where}: expected a redirect, got {status}"
    elif expected == matrix.DENIED:
        assert status in (403, 404), f"{where}: expected 403/404, got {status}"
    else:
        assert status == expected, f"{where}: expected {expected}, got {status}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, method, role, expected",
    list(matrix_cases()),
    ids=[f"{n}-{m}-{r}" for n, m, r, _ in matrix_cases()],
)
def test_authorisation(client, world, name, method, role, expected):
    entry = matrix.MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
    act_as(client, world, role)
    if method == "get":
        response = client.get(url)
    else:
        data = entry.post_data(world) if callable(entry.post_data) else entry.post_data
        response = client.post(url, data)
    assert response.status_code != 500
    check_outcome(response, expected, f"{method.upper()} {url} as {role}")
    if expected in (matrix.DENIED, matrix.LOGIN, 405) and not getattr(response, "streaming", False):
        # Refused means refused: nothing of the application shows through.
        assert SECRET_TITLE not in response.content.decode(errors="replace"), url
    if (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and not name.startswith("admin:")
        and name not in matrix.PARTIALS
    ):
        html = response.content.decode()
        assert html.count("<h1") == 1, f"{url}: every page has exactly one h1"
        assert '<html lang="de">' in html
