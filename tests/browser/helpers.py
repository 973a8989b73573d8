"""Steps the browser tests share: signing in through the page, waiting on the page."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def sign_in(tab, subject: str, path: str = "/dao"):
    """Sign in with the development sign-in form, on `path`."""
    page = tab.open(path)
    page.get_by_label("Subject id", exact=True).fill(subject)
    page.get_by_role("button", name="Sign in for development").click()
    expect(page.get_by_text(re.compile(f"Signed in as {re.escape(subject)}"))).to_be_visible()
    return page


def tab_link(page, name: str):
    return page.get_by_role("navigation", name="DAO sections").get_by_role("link", name=name, exact=True)


SERIOUS = ("serious", "critical")


def accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def check_and_capture(page, folder, name: str) -> None:
    """No serious accessibility violation, no sideways scrolling; a screenshot `name`.png."""
    assert accessibility_violations(page) == [], name
    assert sideways_overflow(page) <= 0, f"{name} scrolls sideways"
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
