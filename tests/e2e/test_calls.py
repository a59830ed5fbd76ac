"""A call set up in the Django admin alone (issue 14): the admin opens a round for Landkreise and
kreisfreie Städte with a declaration of its own; staff of a Landkreis start an application in it
and find that declaration in the form. axe-core on every portal page reached."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, EligibilityRule, FundingRound
from demo.seed import DEMO_ACCOUNTS

from .conftest import AXE, assert_no_axe_violations, login, logout

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}
DECLARATION = "Die Lotsinnen und Lotsen werden vor ihrem Einsatz geschult."


def axe_on_parts(page, selectors):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (include) => await axe.run({include: include.map(s => [s])}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })""",
        selectors,
    )
    assert [page.locator(s).count() for s in selectors] == [1] * len(selectors)
    violations = [
        f"{v['id']}: {v['help']} – " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == [], "\n".join(violations)


@pytest.fixture
def demo(worker_media):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_admin_sets_up_a_call_for_landkreise_and_a_landkreis_applies(page, demo):
    admin = ACCOUNTS["admin"]
    login(page, admin.email, admin.password)
    page.goto("/admin/applications/fundinground/add/")
    expect(page.locator("h1")).to_contain_text("Förderrunde hinzufügen")
    # axe-core on what this issue added to the admin page (the eligibility rule, the selected
    # municipalities, the declarations and attachment kinds); the admin's own date-time widget
    # and breadcrumbs are the admin templates' (issue 16) concern.
    axe_on_parts(
        page,
        [".field-eligibility_rule", ".field-allowed_municipalities", "#declarations-group",
         "#attachment_kinds-group"],
    )  # fmt: skip
    today = timezone.localdate()
    page.locator('[name="title"]').fill("Lotsenaufruf Landkreise")
    page.locator('[name="reference_prefix"]').fill("LOTSEN-2027")
    page.locator('[name="opens_at_0"]').fill(f"{today - dt.timedelta(days=1):%d.%m.%Y}")
    page.locator('[name="opens_at_1"]').fill("00:00:00")
    page.locator('[name="deadline_0"]').fill(f"{today + dt.timedelta(days=60):%d.%m.%Y}")
    page.locator('[name="deadline_1"]').fill("23:59:59")
    page.get_by_label("Wer ist antragsberechtigt?").select_option(
        label="Landkreise und kreisfreie Städte"
    )
    page.locator('[name="population_reference_date"]').fill("31.12.2020")
    page.locator('[name="max_grant"]').fill("45.000")
    page.locator('[name="budget"]').fill("900.000")
    # the standard declarations are prefilled; the first becomes the call's own
    first = page.locator('[name="declarations-0-text"]')
    expect(first).to_have_value("Mit dem Vorhaben wurde noch nicht begonnen.")
    first.fill(DECLARATION)
    page.locator('[name="attachment_kinds-0-label"]').fill("Schulungskonzept")
    page.locator('[name="attachment_kinds-0-required"]').check()
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich hinzugefügt")

    round_ = FundingRound.objects.get(reference_prefix="LOTSEN-2027")
    assert round_.eligibility_rule == EligibilityRule.KREISE
    assert round_.declarations.order_by("position").first().text == DECLARATION
    assert round_.declarations.count() == 4
    assert round_.attachment_kinds.filter(required=True).get().label == "Schulungskonzept"
    logout(page)

    # Staff of the Landkreis Bergstraße find the call and may apply.
    kreis = ACCOUNTS["landkreis"]
    login(page, kreis.email, kreis.password)
    page.goto("/antraege/foerderrunden/")
    assert_no_axe_violations(page, "Förderrunden")
    page.get_by_role("link", name="Antrag stellen in Lotsenaufruf Landkreise").click()
    expect(page.locator("body")).to_contain_text("Landkreise und kreisfreie Städte")
    assert_no_axe_violations(page, "Förderrunde")
    page.get_by_role("link", name="Antrag für Landkreis Bergstraße stellen").click()
    expect(page.locator("body")).to_contain_text("antragsberechtigt: Landkreise und kreisfreie")
    assert_no_axe_violations(page, "Antragsberechtigung")
    page.get_by_role("button", name="Antrag beginnen").click()
    expect(page.locator(".kern-task-list")).to_be_visible()
    assert_no_axe_violations(page, "Aufgabenliste")

    page.get_by_role("link", name="Erklärungen").click()
    expect(page.get_by_label(DECLARATION)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Mit dem Vorhaben wurde noch nicht begonnen")
    assert_no_axe_violations(page, "Erklärungen")
    page.get_by_label(DECLARATION).check()
    page.get_by_role("button", name="Speichern und weiter").click()
    page.wait_for_load_state()
    assert re.search(r"/pruefen/$", page.url), page.url

    application = Application.objects.get(round=round_)
    assert application.lead_municipality.ags == "06431000"
    key = round_.declarations.get(text=DECLARATION).key
    assert application.declarations == {key: True}

    page.goto(f"/antraege/{application.pk}/anlagen/")
    expect(page.locator("body")).to_contain_text("Schulungskonzept")
    expect(page.get_by_label("Art der Anlage")).to_contain_text("Schulungskonzept")
    assert_no_axe_violations(page, "Anlagen")
