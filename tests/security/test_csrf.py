"""Every POST without a CSRF token is refused with 403, for anonymous visitors and for a
logged-in admin with the second factor (who would otherwise be allowed the most)."""

import pytest
from django.test import Client
from django.urls import reverse

from . import matrix
from .conftest import act_as


@pytest.mark.django_db
@pytest.mark.parametrize("role", [matrix.ANONYMOUS, matrix.STAFF, matrix.ADMIN])
@pytest.mark.parametrize("name", sorted(matrix.MATRIX))
def test_post_without_csrf_token_is_refused(world, name, role):
    entry = matrix.MATRIX[name]
    client = act_as(Client(enforce_csrf_checks=True), world, role)
    url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
    data = entry.post_data(world) if callable(entry.post_data) else entry.post_data
    response = client.post(url, data)
    assert response.status_code == 403, (
        f"POST {url} as {role} without CSRF token: {response.status_code}"
    )


@pytest.mark.django_db
def test_post_with_the_token_works(world):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:password_reset"), {"email": "x@x.example", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
