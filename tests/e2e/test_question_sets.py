"""A round's own question, from the admin to the decision documents, in the browser: an admin
adds a question to the open demo round's question set in the Django admin and looks at the
preview; the applicant answers it in its step of the form and submits; the RP detail page,
the receipt PDF and the ranking XLSX show the answer. axe-core checks the admin preview and
the built form."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.models import Application, FundingRound
from applications.workflow import Status
from demo.seed import DEMO_ACCOUNTS
from documents.receipts import receipt_pdf
from municipalities.models import Municipality
from tests.factories import STRATEGY_ANSWERS, ApplicationFactory

from .conftest import assert_no_axe_violations, login, logout

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}
ADMIN, APPLICANT, CASE_OFFICER = ACCOUNTS["admin"], ACCOUNTS["antrag"], ACCOUNTS["sachbearbeitung"]
LABEL = "In welchen Sprachen laden Sie zur Beteiligung ein?"
ANSWER = "Deutsch, Türkisch, Arabisch und Ukrainisch"


@pytest.fixture
def demo(worker_media):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return FundingRound.objects.get(title__contains="Demo, offen")


def test_admin_adds_a_question_the_applicant_answers_it_rp_sees_it(page, live_server, demo):
    # The admin opens the round's question set and adds a question in the inline.
    login(page, ADMIN.email, ADMIN.password)
    page.goto(live_server.url + reverse("admin:questionnaires_questionset_changelist"))
    page.get_by_role("link", name=demo.question_set.title, exact=True).click()
    count = page.locator("#questions-group .inline-related:not(.empty-form)").count()
    page.locator("#questions-group .add-row a").click()
    row = f"#id_questions-{count}"
    page.locator(f"{row}-section").select_option(label="Beteiligung und Umsetzung")
    page.locator(f"{row}-position").fill("9")
    page.locator(f"{row}-key").fill("languages")
    page.locator(f"{row}-type").select_option("short_text")
    page.locator(f"{row}-label_de").fill(LABEL)
    page.locator(f"{row}-hint_de").fill("Bitte nennen Sie alle Sprachen.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich")
    page.goto(
        live_server.url
        + reverse("admin:questionnaires_questionset_preview", args=[demo.question_set_id])
    )
    expect(page.locator("body")).to_contain_text(LABEL)
    assert_no_axe_violations(page, "Vorschau des Fragenkatalogs")
    logout(page)

    # The applicant's draft is complete but for the new question.
    town = Municipality.objects.get(ags=APPLICANT.municipality_ags[0])
    draft = ApplicationFactory(
        round=demo, lead_municipality=town, complete=True, title="Viele Sprachen",
        answers=dict(STRATEGY_ANSWERS),
    )  # fmt: skip
    login(page, APPLICANT.email, APPLICANT.password)
    page.goto(live_server.url + reverse("applications:detail", args=[draft.pk]))
    expect(page.locator(".kern-task-list")).to_contain_text("Beteiligung und Umsetzung")
    page.get_by_role("link", name="Beteiligung und Umsetzung").click()
    expect(page.locator("h1")).to_have_text("Beteiligung und Umsetzung")
    page.get_by_label(LABEL).fill(ANSWER)
    assert_no_axe_violations(page, "Schritt mit der neuen Frage")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.goto(live_server.url + reverse("applications:check", args=[draft.pk]))
    expect(page.locator("#summary-q-umsetzung")).to_contain_text(ANSWER)
    page.get_by_role("button", name="Antrag verbindlich einreichen").click()
    expect(page.locator("h1")).to_contain_text("eingereicht")
    logout(page)

    application = Application.objects.get(pk=draft.pk)
    assert application.status == Status.SUBMITTED
    assert application.answers["languages"] == ANSWER

    # The receipt PDF shows the question and the answer.
    reader = PdfReader(io.BytesIO(receipt_pdf(application)))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert LABEL in text and ANSWER in text

    # RP: the detail page and (once in review) the ranking's XLSX show it.
    Application.objects.filter(pk=draft.pk).update(status=Status.IN_REVIEW)
    login(page, CASE_OFFICER.email, CASE_OFFICER.password)
    page.goto(live_server.url + reverse("reviews:detail", args=[draft.pk]))
    expect(page.locator("#summary-q-umsetzung")).to_be_visible()
    expect(page.locator("body")).to_contain_text(ANSWER)
    page.goto(live_server.url + reverse("reviews:ranking", args=[demo.pk]))
    with page.expect_download() as info:
        page.get_by_role("link", name="Als Excel-Datei (XLSX) herunterladen").click()
    with open(info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()))["Antworten"]
    header = [c.value for c in sheet[1]]
    assert LABEL in header
    assert sheet.cell(2, header.index(LABEL) + 1).value == ANSWER
