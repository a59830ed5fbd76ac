"""The Django admin pages admins use (funding rounds with their rules, cost categories and
criteria, users, municipalities, memberships; question sets, grant rules and the legal pages
since issues 13, 14 and 16) pass axe-core and do not scroll sideways at
320 px: change list, change form with inlines, add form and each add form in its error
state (issue 16). The fixes are general (templates/admin/, static/css/admin.css,
static/js/admin.js), so admin pages added later are checked by adding their URL here."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from applications.models import FundingRound
from demo.seed import DEMO_ACCOUNTS
from municipalities.models import Membership, Municipality
from pages.models import LegalPage

from .a11y import NARROW, WIDE, assert_no_horizontal_scroll
from .conftest import assert_no_axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = next(a for a in DEMO_ACCOUNTS if a.email.startswith("admin@"))


@pytest.fixture
def demo(worker_media):
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def admin_pages() -> list[tuple[str, str, bool]]:
    """(what, URL, submit it empty for the error state)."""
    round_ = FundingRound.objects.order_by("pk").first()
    admin_user = Membership.objects.order_by("pk").first().user
    municipality = Municipality.objects.order_by("pk").first()
    membership = Membership.objects.order_by("pk").first()
    question_set = round_.question_set_id
    # transaction=True tests flush the rows of the data migration, so make one page.
    legal_page = LegalPage.objects.get_or_create(
        slug="impressum", defaults={"title": "Impressum", "body": "Anschrift"}
    )[0].pk
    return [
        ("Startseite", "/admin/", False),
        ("Förderrunden", "/admin/applications/fundinground/", False),
        ("Förderrunde ändern", f"/admin/applications/fundinground/{round_.pk}/change/", False),
        ("Förderrunde hinzufügen", "/admin/applications/fundinground/add/", True),
        ("Benutzer", "/admin/accounts/user/", False),
        ("Benutzer ändern", f"/admin/accounts/user/{admin_user.pk}/change/", False),
        ("Benutzer hinzufügen", "/admin/accounts/user/add/", True),
        ("Kommunen", "/admin/municipalities/municipality/", False),
        ("Kommune", f"/admin/municipalities/municipality/{municipality.pk}/change/", False),
        ("Mitgliedschaften", "/admin/municipalities/membership/", False),
        ("Mitgliedschaft", f"/admin/municipalities/membership/{membership.pk}/change/", False),
        ("Mitgliedschaft hinzufügen", "/admin/municipalities/membership/add/", True),
        # Issues 13, 14 and 16: question sets, grant rules, the legal pages.
        ("Fragenkataloge", "/admin/questionnaires/questionset/", False),
        ("Fragenkatalog", f"/admin/questionnaires/questionset/{question_set}/change/", False),
        ("Zuwendungsregeln hinzufügen", "/admin/grants/grantrules/add/", True),
        ("Seiten", "/admin/pages/legalpage/", False),
        ("Seite", f"/admin/pages/legalpage/{legal_page}/change/", False),
    ]


def test_admin_pages_pass_axe_and_reflow_with_their_error_states(page, demo):
    login(page, ADMIN.email, ADMIN.password)
    for what, url, submit_empty in admin_pages():
        for size in (WIDE, NARROW):
            where = f"Admin: {what} ({size['width']} px)"
            page.set_viewport_size(size)
            page.goto(url)
            assert_no_horizontal_scroll(page, where)
            assert_no_axe_violations(page, where)
            if submit_empty:
                page.locator("input[type=submit][name=_save]").press("Enter")
                page.wait_for_load_state()
                expect(page.locator(".errornote")).to_be_visible()
                assert_no_horizontal_scroll(page, f"{where}, Fehler")
                assert_no_axe_violations(page, f"{where}, Fehler")

    # The round's change form in its error state, with a cost category row added by the
    # admin's own script (its inputs are labelled too).
    page.set_viewport_size(WIDE)
    round_ = FundingRound.objects.order_by("pk").first()
    page.goto(f"/admin/applications/fundinground/{round_.pk}/change/")
    # A new cost category row, added by the admin's own script, gets labelled inputs too.
    page.locator(".inline-group .add-row a").first.focus()
    page.keyboard.press("Enter")
    page.locator("#id_opens_at_0").fill("kein Datum")
    page.locator("input[type=submit][name=_continue]").press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.get_by_label("Datum").first).to_have_value("kein Datum")
    assert_no_axe_violations(page, "Admin: Förderrunde mit Fehlern")
    page.set_viewport_size(NARROW)
    assert_no_horizontal_scroll(page, "Admin: Förderrunde mit Fehlern (320 px)")
