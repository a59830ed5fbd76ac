"""Reflow (WCAG 1.4.10) and text spacing (WCAG 1.4.12) on every page of every role: each role
follows the links of its pages (one page per URL pattern) with demo data in every state the
roles see (a complete draft, submitted applications, one in the jury's review). At 320 CSS px
no page scrolls sideways (wide tables scroll in their own named box); with the text-spacing
overrides of WCAG 1.4.12 nothing is cut off or widens the page. The RP overview table fits
1,280 px. A print of the application, check and RP pages shows the content, not the
navigation."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from applications.models import Application, FundingRound
from demo.seed import DEMO_ACCOUNTS
from municipalities.models import Municipality
from reviews.models import CHECKLIST, CheckOutcome
from reviews.services.assignments import assignment_create, assignment_declare
from reviews.services.checks import formal_check_record, formal_check_start
from tests.factories import ApplicationFactory

from .a11y import (
    NARROW,
    TEXT_SPACING_CSS,
    WIDE,
    assert_no_horizontal_scroll,
    assert_scroll_containers_named,
    crawl,
)
from .conftest import login, logout

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {a.email.split("@")[0]: a for a in DEMO_ACCOUNTS}
ROLES = ("antrag", "sachbearbeitung", "jury1", "admin")


@pytest.fixture
def world(worker_media):
    """The demo, three submitted applications, a complete draft of Heppenheim (the check
    page) and one application in the jury's review, declared by jury1."""
    call_command("import_municipalities", "municipalities/data/sample_gv100ad.asc", verbosity=0)
    call_command("seed_demo", "--with-applications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    round_ = FundingRound.objects.get(title__contains="Demo, offen")
    heppenheim = Municipality.objects.get(ags="06431011")
    applicant = User.objects.get(email=ACCOUNTS["antrag"].email)
    ApplicationFactory(
        round=round_,
        lead_municipality=heppenheim,
        complete=True,
        created_by=applicant,
        title="Heppenheim lebt Vielfalt – Donaudampfschifffahrtsgesellschaftskapitänsmützen",
    )
    officer = User.objects.get(email=ACCOUNTS["sachbearbeitung"].email)
    jury = User.objects.get(email=ACCOUNTS["jury1"].email)
    # One of the demo's submitted applications (Bensheim, Oberursel, Lollar).
    application = Application.objects.filter(round=round_).exclude(created_by=applicant).first()
    formal_check_start(application=application, user=officer)
    formal_check_record(
        application=Application.objects.get(pk=application.pk),
        user=officer,
        checklist=dict.fromkeys(CHECKLIST, True),
        outcome=CheckOutcome.PASSED,
    )
    assignment = assignment_create(
        application=Application.objects.get(pk=application.pk), reviewer=jury, user=officer
    )
    assignment_declare(assignment=assignment, user=jury, conflict=False)
    return round_


def clipped(page) -> list[str]:
    """Elements whose text is cut off: content taller or wider than a box that hides it."""
    return page.evaluate(
        """() => Array.from(document.body.querySelectorAll('*')).filter((el) => {
            const s = getComputedStyle(el);
            // Form controls scroll their own text; screen-reader texts are clipped on purpose.
            if (el.matches('input, select, textarea, button')) return false;
            if (!el.getClientRects().length || el.closest('.kern-sr-only, .visually-hidden'))
                return false;
            if (el.scrollWidth <= 1 && el.scrollHeight <= 1) return false;
            const hidesX = s.overflowX === 'hidden' || s.overflowX === 'clip';
            const hidesY = s.overflowY === 'hidden' || s.overflowY === 'clip';
            return (hidesX && el.scrollWidth > el.clientWidth + 1)
                || (hidesY && el.scrollHeight > el.clientHeight + 1);
        }).slice(0, 5).map((el) => el.outerHTML.slice(0, 100))"""
    )


def test_every_page_of_every_role_reflows_at_320_px_and_takes_text_spacing(page, world):
    problems: list[str] = []

    def check(what, assertion, *args):
        try:
            assertion(*args)
        except AssertionError as error:
            problems.append(f"{what}: {error}")

    seen = 0
    for role in ROLES:
        page.set_viewport_size(WIDE)
        login(page, ACCOUNTS[role].email, ACCOUNTS[role].password)
        urls = crawl(page, "/")
        seen += len(urls)
        page.set_viewport_size(NARROW)
        for url in urls:
            page.goto(url)
            where = f"{role}: {url}"
            check(where, assert_no_horizontal_scroll, page, "320 px")
            check(where, assert_scroll_containers_named, page, "320 px")
            page.add_style_tag(content=TEXT_SPACING_CSS)
            check(where, assert_no_horizontal_scroll, page, "320 px, Textabstände")
            cut = clipped(page)
            if cut:
                problems.append(f"{where}: text cut off with the text spacing of 1.4.12: {cut}")
        page.set_viewport_size(WIDE)
        page.goto("/")
        logout(page)
    assert problems == [], "\n".join(problems)
    # The crawl reached the pages of every role (the count only grows with new pages).
    assert seen >= 60, seen


def test_rp_overview_fits_1280_px_and_pages_print_without_navigation(page, world):
    login(page, ACCOUNTS["sachbearbeitung"].email, ACCOUNTS["sachbearbeitung"].password)
    page.set_viewport_size(WIDE)
    page.goto(f"/rp/runden/{world.pk}/")
    box = page.locator(".wir-table-wrapper").first
    widths = box.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the RP overview table needs {widths[0]}px of {widths[1]}px"
    # ... and so is no scrolling region there; at 320 px it is one, named by its caption.
    expect(box).not_to_have_attribute("tabindex", "0")
    page.set_viewport_size(NARROW)
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_accessible_name(re.compile("^Anträge der Förderrunde"))
    expect(page.locator("[data-table-hint]")).to_be_visible()
    page.set_viewport_size(WIDE)
    # Print: the RP detail page shows its content, not the navigation, tools and footer.
    page.get_by_role("link", name=re.compile(r"^KIV-")).first.press("Enter")
    page.wait_for_load_state()
    heading = page.locator("h1").inner_text()
    page.emulate_media(media="print")
    for selector in (".wir-nav", ".wir-header__tools", ".wir-footer", ".wir-skip-link"):
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("main table").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.emulate_media(media="screen")
