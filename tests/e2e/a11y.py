"""Helpers of the accessibility browser tests (issue 16): reflow, text spacing, visible focus
and keyboard-only moves. The journeys themselves use only the keyboard (no clicks)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import assert_no_axe_violations

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}

# WCAG 1.4.12: the user's style sheet may set these; nothing may be cut off or overlap.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""


def page_overflow(page) -> dict:
    """How far the page itself is wider than the window, and the widest offenders (elements
    whose right edge lies beyond the window, outside any scrolling container of their own)."""
    return page.evaluate(
        """() => {
        const root = document.documentElement;
        const width = root.clientWidth;
        const scrolls = (el) => {
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                const s = getComputedStyle(p).overflowX;
                if (s === 'auto' || s === 'scroll' || s === 'hidden') return true;
            }
            return false;
        };
        const offenders = Array.from(document.body.querySelectorAll('*'))
            .filter((el) => el.getClientRects().length && !scrolls(el)
                && el.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                + `${el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`
                + ` (${Math.round(el.getBoundingClientRect().right)}px)`);
        return {scrollWidth: root.scrollWidth, width, offenders};
    }"""
    )


def assert_no_horizontal_scroll(page, where: str = "") -> None:
    overflow = page_overflow(page)
    assert overflow["scrollWidth"] <= overflow["width"], (
        f"{where or page.url}: the page is {overflow['scrollWidth']}px wide in a "
        f"{overflow['width']}px window (WCAG 1.4.10); too wide: {overflow['offenders']}"
    )


def assert_scroll_containers_named(page, where: str = "") -> None:
    """Every table that is wider than its box scrolls in a focusable region with a name."""
    bad = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-scroll-region]'))
            .filter((box) => box.scrollWidth > box.clientWidth + 1)
            .filter((box) => !(box.tabIndex === 0 && box.getAttribute('role') === 'region'
                && (box.getAttribute('aria-label') || box.getAttribute('aria-labelledby'))))
            .map((box) => box.outerHTML.slice(0, 120))"""
    )
    assert bad == [], f"{where or page.url}: scrolling tables without a named, focusable box: {bad}"


def check_page(page, where: str, *, narrow_too: bool = True) -> None:
    """axe-core at 1,280 px and (by default) at 320 px, where the page must not scroll
    sideways; then back to 1,280 px."""
    page.set_viewport_size(WIDE)
    assert_no_axe_violations(page, f"{where} (1280 px)")
    assert_scroll_containers_named(page, where)
    if narrow_too:
        page.set_viewport_size(NARROW)
        assert_no_horizontal_scroll(page, f"{where} (320 px)")
        assert_no_axe_violations(page, f"{where} (320 px)")
        assert_scroll_containers_named(page, f"{where} (320 px)")
        page.set_viewport_size(WIDE)


def focus_style(page) -> dict:
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        if (!el || el === document.body) return {tag: 'body'};
        // KERN draws the focus of a stretched link (a whole card) on its ::after.
        const styles = [getComputedStyle(el), getComputedStyle(el, '::after'),
                        getComputedStyle(el, '::before')];
        const ring = styles.find((s) => (s.outlineStyle !== 'none'
            && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none'));
        const s = ring || styles[0];
        return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
                native_segment: /^(date|time|datetime-local|month)$/.test(el.type || '')
                    && !el.matches(':focus'),
                text: (el.innerText || el.value || '').trim().slice(0, 60),
                outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
                boxShadow: s.boxShadow};
    }"""
    )


def assert_focus_visible(page, where: str = "") -> dict:
    """The focused element shows a focus indicator: an outline of at least 2px or a box
    shadow (KERN draws its focus ring so)."""
    style = focus_style(page)
    assert style["tag"] != "body", f"{where}: nothing has the focus"
    visible = (style["outlineStyle"] != "none" and style["outlineWidth"] >= 2) or (
        style["boxShadow"] not in ("", "none")
    )
    # Chromium's native date and time fields: while the focus is in one of their segments
    # (day, month, year) the host does not match :focus; Chromium highlights the segment.
    visible = visible or (style["tag"] == "input" and style.get("native_segment"))
    assert visible, f"{where}: the focus on {style} is not visible"
    return style


def focused_name(page) -> str:
    """The focused element's accessible-ish name: its label, aria-label or text."""
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        if (!el || el === document.body) return '';
        const byId = (ids) => ids.split(' ').map((id) => document.getElementById(id))
            .filter(Boolean).map((n) => n.textContent).join(' ');
        if (el.getAttribute('aria-labelledby')) return byId(el.getAttribute('aria-labelledby'));
        if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
        if (el.labels && el.labels.length) return el.labels[0].textContent;
        return el.innerText || el.value || '';
    }"""
    ).strip()


def tab_to(
    page, name: str | re.Pattern = "", *, css: str = "", backwards: bool = False, limit: int = 250
) -> dict:
    """Presses Tab (or Shift+Tab) until the element named ``name`` (or matching the CSS
    selector ``css``) has the focus, asserting on the way that every focus stop is visible."""
    key = "Shift+Tab" if backwards else "Tab"
    pattern = name if isinstance(name, re.Pattern) else None
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        current = " ".join(focused_name(page).split())
        seen.append(current)
        if css:
            matched = page.evaluate("(css) => document.activeElement.matches(css)", css)
        else:
            matched = pattern.search(current) if pattern else current == name
        if matched:
            return assert_focus_visible(page, f"focus on {current!r}")
        if current:
            assert_focus_visible(page, f"focus on {current!r}")
    raise AssertionError(f"{name or css!r} not reached by {key}; stops: {seen[-40:]}")


def press_to(page, name="", key: str = "Enter", *, css: str = "", backwards: bool = False) -> None:
    """Tab to the link or button ``name`` and press ``key`` (Enter), which loads a page."""
    tab_to(page, name, css=css, backwards=backwards)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, label="", text: str = "", *, css: str = "") -> None:
    """Tab to the field labelled ``label`` and type (replacing what is there)."""
    tab_to(page, label, css=css)
    page.keyboard.press("ControlOrMeta+a")
    if text:
        page.keyboard.type(text)
    else:
        page.keyboard.press("Delete")


def expect_focus_on(page, selector: str) -> None:
    expect(page.locator(selector)).to_be_focused()
    assert_focus_visible(page, f"focus on {selector}")


# Pages a crawl never opens: downloads, actions behind a GET (none should exist), the admin
# (tests/e2e/test_admin_a11y.py) and the language switch.
SKIP_LINKS = re.compile(
    r"(\.(pdf|csv|xlsx|zip|json)$|/admin/|/i18n/|/abmelden|/datei|/download|/herunterladen|/anlagen/\d+/$)"
)


def crawl(page, start: str, *, limit: int = 80) -> list[str]:
    """Every page reachable by links from ``start`` (same site, GET), one page per URL
    pattern (numbers and query strings count as the same): the pages of a role."""
    seen_patterns: set[str] = set()
    queue = [start]
    visited: list[str] = []
    origin = page.evaluate("location.origin") if page.url.startswith("http") else None
    while queue and len(visited) < limit:
        url = queue.pop(0)
        pattern = re.sub(r"\d+", "N", url.split("#")[0].split("?")[0])
        if pattern in seen_patterns or SKIP_LINKS.search(url.split("?")[0]):
            continue
        seen_patterns.add(pattern)
        response = page.goto(url)
        if response is None or response.status >= 400 or "/anmelden/" in page.url:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        origin = origin or page.evaluate("location.origin")
        visited.append(url)
        links = page.evaluate(
            """(origin) => Array.from(document.querySelectorAll('a[href]'))
                .map((a) => a.href.split('#')[0])
                .filter((href) => href.startsWith(origin))
                .map((href) => href.slice(origin.length))""",
            origin,
        )
        queue.extend(link for link in links if link and link not in visited)
    return visited
