"""Issue 9.10: the cost page shows the totals and the round's financing rules (the same
functions as the submission check) after saving, on opening the page, with the button
"Summen prüfen" (no JavaScript, nothing saved) and as an htmx partial while typing."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import CostLine
from tests.factories import ApplicationFactory, FundingRoundFactory, MunicipalityFactory, staff_for

pytestmark = pytest.mark.django_db

GRANT_ABOVE_MAXIMUM = (
    "Die beantragte Zuwendung (25.000,00 €) übersteigt den Höchstbetrag der Förderrunde "
    "(20.000,00 €)."
)
UNBALANCED = (
    "Der Finanzierungsplan ist nicht ausgeglichen: Den Gesamtkosten von 10.000,00 € stehen "
    "Eigenmittel, Drittmittel und Zuwendung von zusammen 6.000,00 € gegenüber; es fehlen "
    "4.000,00 €."
)
GRANT_ABOVE_GAP = (
    "Bei Fehlbedarfsfinanzierung deckt die Zuwendung höchstens den Fehlbedarf: Gesamtkosten "
    "10.000,00 € abzüglich Eigenmittel 6.000,00 € und Drittmittel 0,00 € ergeben 4.000,00 €; "
    "beantragt sind 5.000,00 €."
)
# (line amount, own funds, requested grant) -> the warning (round: maximum 20.000 €, Fehlbedarf)
CASES = {
    "grant_above_maximum": ("30.000", "5.000", "25.000", GRANT_ABOVE_MAXIMUM),
    "unbalanced": ("10.000", "1.000", "5.000", UNBALANCED),
    "grant_above_gap": ("10.000", "6.000", "5.000", GRANT_ABOVE_GAP),
}


@pytest.fixture
def draft():
    town = MunicipalityFactory(name="Heppenheim", population=26_218)
    staff = staff_for(town)
    app = ApplicationFactory(round=FundingRoundFactory(), lead_municipality=town, created_by=staff)
    return app, staff


@pytest.fixture
def client_of(client, draft):
    client.force_login(draft[1], backend="django.contrib.auth.backends.ModelBackend")
    return client


def post_data(app, amount, own, grant, **extra):
    category = app.round.cost_categories.first()
    return {
        "version": app.version,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": category.pk,
        "lines-0-description": "Moderation",
        "lines-0-amount": amount,
        "lines-0-budget_year": "2027",
        "own_funds": own,
        "third_party_funds": "",
        "requested_grant": grant,
        **extra,
    }


def warnings_in(html: str) -> list[str]:
    return re.findall(
        r'<div class="kern-alert kern-alert--warning wir-cost-warning">\s*'
        r'<div class="kern-alert__header"><span class="kern-title">(.*?)</span>',
        html,
    )


@pytest.mark.parametrize("case", CASES)
def test_saving_shows_the_rule_on_the_cost_page_without_javascript(client_of, draft, case):
    app, _ = draft
    amount, own, grant, warning = CASES[case]
    url = reverse("applications:cost_plan", args=[app.pk])
    response = client_of.post(url, post_data(app, amount, own, grant, save="1"))
    assert response.status_code == 302
    assert response.url == url + "#uebersicht"  # not on to the next step as if all was well
    page = client_of.get(response.url).content.decode()
    assert "Er erfüllt noch nicht alle Regeln der Förderrunde" in page
    assert warnings_in(page) == [warning]
    assert CostLine.objects.filter(application=app).count() == 1  # the draft was saved


@pytest.mark.parametrize("case", CASES)
def test_checking_without_saving_shows_totals_and_the_rule(client_of, draft, case):
    app, _ = draft
    amount, own, grant, warning = CASES[case]
    url = reverse("applications:cost_plan", args=[app.pk])
    response = client_of.post(url, post_data(app, amount, own, grant, preview="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert warnings_in(page) == [warning]
    assert f"{amount},00\u00a0€" in page  # the total of the typed lines
    assert 'value="Moderation"' in page  # the form keeps what was typed
    assert not CostLine.objects.filter(application=app).exists()  # nothing saved


@pytest.mark.parametrize("case", CASES)
def test_htmx_partial_answers_the_same_while_typing(client_of, draft, case):
    app, _ = draft
    amount, own, grant, warning = CASES[case]
    url = reverse("applications:cost_plan", args=[app.pk])
    response = client_of.post(
        url, post_data(app, amount, own, grant, preview="1"), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="kostenuebersicht"')
    assert "<html" not in html
    assert warnings_in(html) == [warning]
    assert f"{amount},00\u00a0€" in html
    assert not CostLine.objects.filter(application=app).exists()


def test_a_plan_within_the_rules_goes_on_and_shows_no_warning(client_of, draft):
    app, _ = draft
    url = reverse("applications:cost_plan", args=[app.pk])
    response = client_of.post(url, post_data(app, "10.000", "6.000", "4.000", save="1"))
    assert response.url == reverse("applications:attachments", args=[app.pk])
    page = client_of.get(url).content.decode()
    assert warnings_in(page) == []
    assert "Der Plan erfüllt die Regeln der Förderrunde zur Finanzierung." in page


def test_opening_the_page_shows_the_rules_for_the_saved_plan(client_of, draft):
    app, _ = draft
    app.own_funds, app.requested_grant = Decimal("1000"), Decimal("5000")
    app.save()
    CostLine.objects.create(
        application=app, category=app.round.cost_categories.first(), description="X",
        amount=Decimal("10000"), budget_year=2027, position=0,
    )  # fmt: skip
    page = client_of.get(reverse("applications:cost_plan", args=[app.pk])).content.decode()
    assert warnings_in(page) == [UNBALANCED]


def test_an_untouched_plan_shows_no_warnings_yet(client_of, draft):
    app, _ = draft
    page = client_of.get(reverse("applications:cost_plan", args=[app.pk])).content.decode()
    assert warnings_in(page) == []
    assert 'hx-post="' + reverse("applications:cost_plan", args=[app.pk]) + '"' in page
