"""Issue 9.12: for a joint application, RP staff see the population of all municipalities
together wherever the lead's is shown: overview, detail, ranking and its exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import PartnerStatus
from reviews.selectors import OverviewFilters, round_applications, round_ranking
from tests.factories import ApplicationPartnerFactory, MunicipalityFactory

from .conftest import to_in_review

pytestmark = pytest.mark.django_db

COMBINED = re.compile(r"<span[^>]*data-combined-population>zusammen (.*?)</span>")


@pytest.fixture
def joint_in_review(joint, case_officer):
    # A second partner that declined does not count.
    ApplicationPartnerFactory(
        application=joint,
        municipality=MunicipalityFactory(name="Abtsteinach", population=2_400),
        status=PartnerStatus.DECLINED,
    )
    return to_in_review(joint, case_officer)  # lead 20.000 + Mörlenbach 9.000


def test_selectors_annotate_lead_plus_partners(joint_in_review, round_, case_officer):
    qs, _ = round_applications(user=case_officer, round=round_, filters=OverviewFilters())
    assert qs.get().combined_population == 29_000
    assert round_ranking(round_)[0].application.combined_population == 29_000


def test_single_application_shows_only_the_lead_s_population(
    client, login, in_review, round_, case_officer
):
    login(client, case_officer)
    html = client.get(reverse("reviews:overview", args=[round_.pk])).content.decode()
    assert "20.000" in html
    assert not COMBINED.search(html)


@pytest.mark.parametrize("page", ["reviews:overview", "reviews:ranking", "reviews:detail"])
def test_rp_pages_show_the_combined_population(
    client, login, joint_in_review, case_officer, round_, page
):
    login(client, case_officer)
    pk = joint_in_review.pk if page == "reviews:detail" else round_.pk
    html = client.get(reverse(page, args=[pk])).content.decode()
    assert COMBINED.findall(html) == ["29.000"]
    assert "20.000" in html  # and the lead's own


def test_exports_carry_the_combined_population(client, login, joint_in_review, case_officer):
    login(client, case_officer)
    round_pk = joint_in_review.round_id
    content = client.get(reverse("reviews:ranking_csv", args=[round_pk])).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Einwohnerzahl (mit Partnerkommunen)")
    assert rows[1][column].replace(".", "") == "29000"  # however the exports group digits
    content = client.get(reverse("reviews:ranking_xlsx", args=[round_pk])).content
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[4]]
    column = header.index("Einwohnerzahl (mit Partnerkommunen)") + 1
    assert sheet.cell(5, column).value == 29_000
