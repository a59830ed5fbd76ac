"""The Django admin: rounds with their cost categories; applications read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from applications.eligibility import application_eligibility
from applications.models import Application, FundingRound
from applications.services import application_submit
from municipalities.models import Municipality
from tests.accounts.factories import login_verified
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CaseOfficerFactory,
    FundingRoundFactory,
    MunicipalityFactory,
    staff_for,
)

pytestmark = pytest.mark.django_db


def _request(method, path, user, data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    request._dont_enforce_csrf_checks = True
    return request


def _inline(prefix, rows, initial=0):
    """The POST data of an inline formset: management form and rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


@pytest.fixture
def superuser():
    return AdminFactory(is_superuser=True, is_staff=True)


def test_round_add_form_with_cost_categories(superuser):
    model_admin = admin.site.get_model_admin(FundingRound)
    response = model_admin.add_view(_request("get", "/admin/x/", superuser))
    response.render()
    html = response.content.decode()
    # a new round starts with the standard declarations and attachment kinds, prefilled
    assert "Die ANBest-GK sind bekannt und werden anerkannt." in html
    assert 'name="attachment_kinds-0-label"' in html and "Konzept" in html
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
        "eligibility_rule": "population_band",
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
        **_inline(
            "declarations",
            [{"position": "1", "text": "Mit dem Vorhaben wurde noch nicht begonnen.",
              "required": "on"}],
        ),
        **_inline(
            "attachment_kinds",
            [{"position": "1", "label": "Konzept", "required": "on"},
             {"position": "2", "label": "Kosten- und Finanzierungsplan (Anlage)",
              "required": "on"},
             {"position": "3", "label": "Sonstiges"}],
        ),
    }  # fmt: skip
    response = model_admin.add_view(_request("post", "/admin/x/", superuser, data))
    assert response.status_code == 302, getattr(response, "context_data", {}).get("errors")
    round_ = FundingRound.objects.get(reference_prefix="KIV-2019")
    kinds = round_.attachment_kinds.order_by("position")
    assert [(k.key, k.required) for k in kinds] == [
        ("konzept", True),
        ("kosten-und-finanzierungsplan", True),
        ("sonstiges", False),
    ]
    assert list(round_.declarations.values_list("text", "required")) == [
        ("Mit dem Vorhaben wurde noch nicht begonnen.", True)
    ]
    assert round_.eligibility_rule == "population_band"
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


# Rules of a round after submissions (issue 9.6) -------------------------------------------------
def _round_post_data(round_, **changes):
    """What the admin change form of ``round_`` posts back unchanged, with ``changes``."""
    local_open = timezone.localtime(round_.opens_at)
    local_deadline = timezone.localtime(round_.deadline)
    categories = list(round_.cost_categories.order_by("position", "name"))
    data = {
        "programme_line": round_.programme_line,
        "title": round_.title,
        "description": round_.description,
        "reference_prefix": round_.reference_prefix,
        "opens_at_0": f"{local_open:%d.%m.%Y}",
        "opens_at_1": f"{local_open:%H:%M:%S}",
        "deadline_0": f"{local_deadline:%d.%m.%Y}",
        "deadline_1": f"{local_deadline:%H:%M:%S}",
        "population_lower": str(round_.population_lower),
        "population_upper": str(round_.population_upper),
        "population_reference_date": f"{round_.population_reference_date:%d.%m.%Y}",
        "joint_max_partners": str(round_.joint_max_partners),
        "max_grant": str(round_.max_grant),
        "budget": str(round_.budget),
        "financing_type": round_.financing_type,
        "duration_min_months": str(round_.duration_min_months),
        "duration_max_months": str(round_.duration_max_months),
        "eligibility_rule": round_.eligibility_rule,
        "decision_notes": round_.decision_notes,
        "score_spread_threshold": str(round_.score_spread_threshold),
        "cost_categories-TOTAL_FORMS": str(len(categories)),
        "cost_categories-INITIAL_FORMS": str(len(categories)),
        "cost_categories-MIN_NUM_FORMS": "0",
        "cost_categories-MAX_NUM_FORMS": "1000",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }
    for flag in ("joint_allowed", "lead_between_bounds_may_be_joint"):
        if getattr(round_, flag):
            data[flag] = "on"
    for i, category in enumerate(categories):
        data[f"cost_categories-{i}-id"] = str(category.pk)
        data[f"cost_categories-{i}-round"] = str(round_.pk)
        data[f"cost_categories-{i}-position"] = str(category.position)
        data[f"cost_categories-{i}-name"] = category.name
    for prefix, rows, fields in (
        ("declarations", round_.declarations.all(), ("position", "text", "hint", "required")),
        ("attachment_kinds", round_.attachment_kinds.all(), ("position", "label", "required")),
    ):
        data.update(
            _inline(
                prefix,
                [{"id": str(r.pk), "round": str(r.pk and round_.pk),
                  **{f: ("on" if getattr(r, f) is True else getattr(r, f)) for f in fields
                     if getattr(r, f) is not False}}
                 for r in rows],
                initial=len(rows),
            )
        )  # fmt: skip
    data.update(changes)
    return data


def _change(superuser, round_, **changes):
    model_admin = admin.site.get_model_admin(FundingRound)
    request = _request("post", "/admin/x/", superuser, _round_post_data(round_, **changes))
    response = model_admin.change_view(request, str(round_.pk))
    return request, response


def _submitted_app(round_):
    app = ApplicationFactory(round=round_, complete=True)
    return application_submit(application=app, user=staff_for(app.lead_municipality))


def test_round_rules_locked_once_an_application_was_submitted(superuser):
    round_ = FundingRoundFactory()
    app = _submitted_app(round_)  # 25,000 inhabitants, eligible alone
    model_admin = admin.site.get_model_admin(FundingRound)
    response = model_admin.change_view(_request("get", "/admin/x/", superuser), str(round_.pk))
    response.render()
    html = response.content.decode()
    assert "Gesperrt: In dieser Förderrunde wurden bereits Anträge eingereicht." in html
    assert 'name="population_upper"' not in html  # shown, not editable
    assert 'name="title"' in html

    _, response = _change(superuser, round_, population_upper="20000", title="KIV 2019 (neu)")
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.population_upper == 50_000  # the rule is unchanged
    assert round_.title == "KIV 2019 (neu)"  # other fields can still be edited
    assert application_eligibility(app).mode_label != "nicht antragsberechtigt"


def test_changing_rules_with_drafts_needs_confirmation_naming_the_drafts(superuser):
    round_ = FundingRoundFactory()
    ApplicationFactory(round=round_)
    ApplicationFactory(round=round_)
    model_admin = admin.site.get_model_admin(FundingRound)
    response = model_admin.change_view(_request("get", "/admin/x/", superuser), str(round_.pk))
    response.render()
    assert "In dieser Förderrunde gibt es 2 Antragsentwürfe." in response.content.decode()

    _, response = _change(superuser, round_, population_upper="20000")
    assert response.status_code == 200  # shown again with the warning
    response.render()
    html = response.content.decode()
    assert (
        "Diese Änderung der Regeln („Obere Einwohnergrenze“) betrifft 2 Antragsentwürfe dieser "
        "Förderrunde." in html
    )
    round_.refresh_from_db()
    assert round_.population_upper == 50_000

    request, response = _change(
        superuser, round_, population_upper="20000", confirm_rule_change="on"
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.population_upper == 20_000
    assert any("2 Antragsentwürfe werden künftig" in str(m) for m in request._messages)


def test_changes_other_than_rules_need_no_confirmation(superuser):
    round_ = FundingRoundFactory()
    ApplicationFactory(round=round_)
    _, response = _change(superuser, round_, title="Neuer Titel", budget="500000")
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.title == "Neuer Titel"


def test_submitted_application_judged_by_the_figures_frozen_at_submission(client):
    """Even if the bound or the register change after submission (a shell, a newer
    GV100AD import), RP sees the eligibility the application was submitted with."""
    round_ = FundingRoundFactory()
    app = _submitted_app(round_)
    lead = app.lead_municipality
    assert app.submission_rules["round"]["population_upper"] == 50_000
    assert app.submission_rules["municipalities"][str(lead.pk)]["population"] == lead.population
    FundingRound.objects.filter(pk=round_.pk).update(population_upper=20_000)
    Municipality.objects.filter(pk=lead.pk).update(population=lead.population + 40_000)
    app = Application.objects.get(pk=app.pk)

    result = application_eligibility(app)
    assert result.eligible and result.mode_label == "Antrag als einzelne Kommune"
    assert f"{lead.population:,}".replace(",", ".") in result.messages[0]

    officer = CaseOfficerFactory()
    login_verified(client, officer)
    html = client.get(reverse("reviews:detail", args=[app.pk])).content.decode()
    assert "Antrag als einzelne Kommune" in html
    assert "nicht antragsberechtigt" not in html

    # a draft is judged by today's rules and figures
    draft = ApplicationFactory(
        round=FundingRound.objects.get(pk=round_.pk),
        lead_municipality=MunicipalityFactory(population=30_000),
    )
    assert application_eligibility(draft).mode_label == "nicht antragsberechtigt"


# Municipalities: the register owns its fields ----------------------------------------------------
def test_municipality_register_fields_are_read_only(superuser):
    municipality = MunicipalityFactory(name="Bensheim", population=40_000)
    model_admin = admin.site.get_model_admin(Municipality)
    request = _request("get", "/admin/x/", superuser)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, municipality)
    response = model_admin.change_view(request, str(municipality.pk))
    response.render()
    html = response.content.decode()
    assert "Gemeindeverzeichnis (GV100AD)" in html and "40000" in html.replace(".", "")
    for name in ("population", "population_date", "name", "ags", "kreis", "is_active"):
        assert f'name="{name}"' not in html, name

    response = model_admin.change_view(
        _request("post", "/admin/x/", superuser, {"population": "5000", "name": "X"}),
        str(municipality.pk),
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.population == 40_000 and municipality.name == "Bensheim"
