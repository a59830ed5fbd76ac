"""Browser tests: Playwright drives Debian's Chromium (no browser download), axe-core from
npm checks every page for WCAG 2.1 AA violations."""

import os
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("WIR_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package 'chromium'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    # bypass_csp only so that the test can inject axe-core; the portal's own pages run
    # under the real Content-Security-Policy (tested in tests/core/test_pages.py).
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", bypass_csp=True, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


def assert_no_axe_violations(page, context: str = "") -> None:
    """Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    where = context or page.url
    assert violations == [], f"axe-core found violations on {where}:\n" + "\n".join(violations)


def totp_code(secret_b32: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret_b32`` (django-otp's TOTP)."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    secret = secret_b32.replace(" ", "").upper()
    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def demo_totp_secret(email: str) -> str:
    from demo.seed import DEMO_ACCOUNTS

    return next((a.totp_secret for a in DEMO_ACCOUNTS if a.email == email), "")


def enter_totp(page, secret_b32: str) -> None:
    """Completes the second step of the login. A code is accepted once per 30-second step,
    so if the current one was just used (e.g. at set-up), use the next step's code."""
    for attempt in range(2):
        # The next step's code is within the accepted tolerance. No pause before it: the
        # portal turns django-otp's back-off off (OTP_TOTP_THROTTLE_FACTOR = 0) and checks
        # every code as it arrives (accounts.services).
        at = time.time() + 30 * attempt
        page.get_by_label("Sicherheitscode").fill(totp_code(secret_b32, at=at))
        page.get_by_role("button", name="Anmeldung bestätigen").click()
        page.wait_for_load_state()
        if "/zwei-faktor/pruefen/" not in page.url:
            return
    raise AssertionError(f"second factor not accepted: {page.url}")


def login(page, email: str, password: str, totp_secret: str | None = None) -> None:
    """Logs in; completes the second factor when the portal asks for it, with
    ``totp_secret`` or the demo account's fixed secret (demo/seed.py)."""
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").last.click()
    page.wait_for_load_state()
    if "/zwei-faktor/pruefen/" in page.url:
        enter_totp(page, totp_secret or demo_totp_secret(email))


def logout(page) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_load_state()
