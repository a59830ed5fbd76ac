"""Links and texts around applying (issue 9.17): the rounds page leads to the call's text and to
"Antrag stellen", the declarations link to what they declare, and the page after submission
says what happens next (GOV.UK's confirmation pattern)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.workflow import Status
from tests.factories import ApplicationFactory, FundingRoundFactory, MunicipalityFactory, staff_for

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_rounds_page_offers_to_apply_and_links_the_call(client):
    open_round = FundingRoundFactory(title="Offene Runde")
    closed = FundingRoundFactory(
        title="Alte Runde",
        opens_at=timezone.now() - dt.timedelta(days=400),
        deadline=timezone.now() - dt.timedelta(days=300),
    )
    html = client.get(reverse("applications:rounds")).content.decode()
    detail_open = reverse("applications:round", args=[open_round.pk])
    detail_closed = reverse("applications:round", args=[closed.pk])
    assert re.search(
        rf'href="{detail_open}#antrag-stellen"[^>]*>\s*<span[^>]*>Antrag stellen', html
    )
    assert f'href="{detail_closed}#antrag-stellen"' not in html
    assert f'href="{detail_closed}"' in html  # the call of a closed round stays readable


def test_round_page_shows_the_call_and_where_to_start(client):
    round_ = FundingRoundFactory(
        call_text="Erster Absatz des Aufrufs.\n\nZweiter Absatz.",
        call_url="https://soziales.hessen.de/aufruf",
    )
    town = MunicipalityFactory(name="Bensheim, Stadt", population=40_000)
    url = reverse("applications:round", args=[round_.pk])

    anonymous = client.get(url)
    text = text_of(anonymous)
    assert "Erster Absatz des Aufrufs." in text and "Zweiter Absatz." in text
    assert 'href="https://soziales.hessen.de/aufruf"' in anonymous.content.decode()
    assert f"{reverse('accounts:login')}?next={url}" in anonymous.content.decode()

    login(client, staff_for(town))
    html = client.get(url).content.decode()
    start = reverse("applications:eligibility", args=[round_.pk, town.ags])
    assert re.search(rf'href="{start}"[^>]*>\s*<span[^>]*>Antrag für Bensheim, Stadt stellen', html)


def test_declarations_link_to_the_anbest_gk_and_the_privacy_notice(client):
    town = MunicipalityFactory()
    staff = staff_for(town)
    app = ApplicationFactory(lead_municipality=town, created_by=staff)
    login(client, staff)
    html = client.get(reverse("applications:declarations", args=[app.pk])).content.decode()
    assert f'href="{reverse("anbest_gk")}"' in html
    assert f'href="{reverse("datenschutz")}"' in html
    page = client.get(reverse("anbest_gk"))
    assert page.status_code == 200
    assert "Finanzierungsplan" in text_of(page)


def test_submission_ends_on_a_confirmation_with_reference_next_steps_and_contact(client):
    town = MunicipalityFactory()
    staff = staff_for(town)
    app = ApplicationFactory(lead_municipality=town, created_by=staff, complete=True)
    login(client, staff)
    response = client.post(reverse("applications:check", args=[app.pk]), follow=True)
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    assert response.redirect_chain[-1][0] == reverse("applications:submitted", args=[app.pk])
    text = text_of(response)
    assert "Antrag eingereicht" in text
    assert app.reference in text
    assert "Wie es weitergeht" in text
    assert "Regierungspräsidium Darmstadt" in text
    assert "Eingangsbestätigung" in text
    # The documents box polls until the receipt exists (the worker renders it).
    assert "Die Eingangsbestätigung wird erstellt" in text
    poll = reverse("documents:documents", args=[app.pk])
    assert f'hx-get="{poll}"' in response.content.decode()
    # A draft has nothing to confirm yet.
    draft = ApplicationFactory(lead_municipality=town, created_by=staff)
    assert client.get(reverse("applications:submitted", args=[draft.pk])).status_code == 302
