"""The Django admin: rounds with their cost categories; applications read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from applications.models import Application, FundingRound
from tests.factories import AdminFactory, ApplicationFactory, ApplicationPartnerFactory

pytestmark = pytest.mark.django_db


def _request(method, path, user, data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    request._dont_enforce_csrf_checks = True
    return request


@pytest.fixture
def superuser():
    return AdminFactory(is_superuser=True, is_staff=True)


def test_round_add_form_with_cost_categories(superuser):
    model_admin = admin.site.get_model_admin(FundingRound)
    response = model_admin.add_view(_request("get", "/admin/x/", superuser))
    response.render()
    html = response.content.decode()
    assert 'type="checkbox" name="required_attachment_kinds" value="konzept"' in html
    data = {
        "programme_line": "KIV",
        "title": "KIV 2019",
        "description": "",
        "reference_prefix": "KIV-2019",
        "opens_at_0": "01.09.2019",
        "opens_at_1": "00:00:00",
        "deadline_0": "30.11.2019",
        "deadline_1": "23:59:59",
        "population_lower": "10000",
        "population_upper": "50000",
        "population_reference_date": "31.12.2018",
        "joint_allowed": "on",
        "joint_max_partners": "2",
        "max_grant": "20000",
        "budget": "400000",
        "financing_type": "fehlbedarf",
        "duration_min_months": "1",
        "duration_max_months": "18",
        "required_attachment_kinds": ["konzept", "cost_plan"],
        "decision_notes": "",
        "score_spread_threshold": "2.0",
        "cost_categories-TOTAL_FORMS": "2",
        "cost_categories-INITIAL_FORMS": "0",
        "cost_categories-MIN_NUM_FORMS": "0",
        "cost_categories-MAX_NUM_FORMS": "1000",
        "cost_categories-0-position": "1",
        "cost_categories-0-name": "Externe Prozessmoderation",
        "cost_categories-1-position": "2",
        "cost_categories-1-name": "Sachkosten",
        # the criteria inline (reviews/admin.py), left empty here
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }
    response = model_admin.add_view(_request("post", "/admin/x/", superuser, data))
    assert response.status_code == 302, getattr(response, "context_data", {}).get("errors")
    round_ = FundingRound.objects.get(reference_prefix="KIV-2019")
    assert round_.required_attachment_kinds == ["konzept", "cost_plan"]
    assert list(round_.cost_categories.values_list("name", flat=True)) == [
        "Externe Prozessmoderation",
        "Sachkosten",
    ]


def test_round_rules_checked_in_admin(superuser):
    model_admin = admin.site.get_model_admin(FundingRound)
    form_class = model_admin.get_form(_request("get", "/", superuser))
    form = form_class(
        data={
            "programme_line": "KIV",
            "title": "x",
            "reference_prefix": "X-1",
            "opens_at_0": "01.12.2019",
            "opens_at_1": "00:00",
            "deadline_0": "30.11.2019",
            "deadline_1": "23:59",
            "population_lower": "10000",
            "population_upper": "50000",
            "population_reference_date": "31.12.2018",
            "joint_max_partners": "3",
            "max_grant": "20000",
            "budget": "1",
            "financing_type": "fehlbedarf",
            "duration_min_months": "12",
            "duration_max_months": "6",
            "score_spread_threshold": "2",
        }
    )
    assert not form.is_valid()
    text = str(form.errors)
    assert "Die Antragsfrist muss nach dem Beginn liegen." in text
    assert "Mindestlaufzeit" in text


def test_application_admin_is_read_only(superuser):
    app = ApplicationFactory(status="submitted", complete=True)
    ApplicationPartnerFactory(application=app)
    model_admin = admin.site.get_model_admin(Application)
    request = _request("get", "/admin/x/", superuser)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, app)
    assert not model_admin.has_delete_permission(request, app)
    response = model_admin.change_view(request, str(app.pk))
    response.render()
    assert response.status_code == 200
    assert app.reference in response.content.decode()
    response = model_admin.changelist_view(request)
    response.render()
    assert app.reference in response.content.decode()
