"""Every kind of page in a real browser: axe-core finds no serious or critical problem; keyboard and phone width work."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from test_browser import base_url, browser  # noqa: F401 (fixtures shared with the browser tests)

PAGES = ["", "10.23698/aida/example-full/", "10.23698/aida/ctpa/", "10.23698/aida/example-withdrawn/",
         "10.23698/aida/example-preview/", "metrics/", "collections/", "collections/phantoms/", "licenses/",
         "licenses/aida-by/1.0/", "record-format/", "contributing/", "registration/", "10.23698/case-names/", "404.html",
         "search/?q=lung"]


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path or "home")
def test_no_serious_accessibility_problem(browser: Browser, base_url: str, path: str):  # noqa: F811
    page = browser.new_page()
    page.goto(base_url + path)
    if path.startswith("search/"):  # with its results shown
        page.locator(".pagefind-ui__result").first.wait_for(timeout=10_000)
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["nodes"][0]["html"][:120]) for v in violations if v["impact"] in ("serious", "critical")]
    page.close()
    assert serious == []


def test_the_cite_box_works_with_the_keyboard(browser: Browser, base_url: str):  # noqa: F811
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url + "10.23698/aida/ctpa/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "dr-style":
            break
    assert page.evaluate("document.activeElement.id") == "dr-style"
    page.keyboard.press("ArrowDown")  # the next style: APA
    assert page.locator("p.dr-citation:visible").get_attribute("data-style") == "apa"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Copy"
    page.keyboard.press("Enter")
    page.get_by_text("Copied.").wait_for()
    context.close()


@pytest.mark.parametrize("path", ["", "10.23698/aida/example-full/", "metrics/"], ids=["home", "landing", "metrics"])
def test_pages_fit_a_phone_screen(browser: Browser, base_url: str, path: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
