"""The landing page in a real browser: Debian's Chromium driven by Playwright, the site served on 127.0.0.1."""

from __future__ import annotations

import functools
import io
import itertools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from generator.build import verify
from generator.build.site import context
from generator.render import styles

from conftest import MINIMAL, case_settings, make_register, mkdocs_build

CHROMIUM = "/usr/bin/chromium"
# As the machine's notes advise: no background traffic, which this closed network would refuse.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str):
    context_ = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context_.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))  # type: ignore[attr-defined]
    yield page
    context_.close()


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, str]]:
    register = verify.load_catalog(case_settings())
    ctx = context(register)
    return {entry.dataset.doi: styles.render_all(entry.dataset, ctx) for entry in register.entries}


def visible_citation(page: Page) -> str:
    return page.locator("p.dr-citation:visible").inner_text()


def test_switching_the_style_and_copying_the_citation(page: Page, base_url: str, expected):
    page.goto(base_url + "10.23698/aida/ctpa/")
    citations = expected["10.23698/aida/ctpa"]
    assert visible_citation(page) == citations["nlm"]
    before = len(page.requests)  # type: ignore[attr-defined]

    page.select_option("#dr-style", "apa")
    assert visible_citation(page) == citations["apa"]
    assert page.locator("p.dr-citation:visible").count() == 1
    page.get_by_role("button", name="Copy", exact=True).click()
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == citations["apa"]
    assert len(page.requests) == before, "switching or copying made a network request"  # type: ignore[attr-defined]

    page.goto(base_url + "10.23698/aida/brln/")  # the chosen style is kept from page to page
    assert visible_citation(page) == expected["10.23698/aida/brln"]["apa"]
    hosts = {urlsplit(url).hostname for url in page.requests}  # type: ignore[attr-defined]
    assert hosts == {"127.0.0.1"}, f"the page loaded something from elsewhere: {hosts}"


def test_copying_the_works_to_cite(page: Page, base_url: str, expected):
    page.goto(base_url + "10.23698/aida/drske/")
    page.select_option("#dr-style", "ieee")
    page.get_by_role("button", name="Copy the list").click()
    page.get_by_text("Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()").split("\n")
    assert copied[0] == "1. " + expected["10.23698/aida/drske"]["ieee"]
    assert copied[1].startswith("2. Stadler, C.B., Lindvall, M., Lundström, C. et al. Proactive Construction")
    assert len(copied) == 2


def test_without_javascript_the_default_style_shows(browser: Browser, base_url: str, expected):
    context_ = browser.new_context(java_script_enabled=False)
    page = context_.new_page()
    page.goto(base_url + "10.23698/aida/ctpa/")
    assert visible_citation(page) == expected["10.23698/aida/ctpa"]["nlm"]
    context_.close()


def visible_titles(page: Page) -> list[str]:
    return page.locator(".dr-card:visible h2").all_inner_texts()


def test_the_use_condition_filters_answer_from_the_duo_terms(page: Page, base_url: str):
    page.goto(base_url)
    page.select_option("select[name=commercial]", "Non-commercial only")
    assert visible_titles(page) == ["Synthetic chest CT phantom with lesion masks (example record)"]  # DUO:0000046
    page.select_option("select[name=commercial]", "Not stated")
    assert len(visible_titles(page)) == 5  # the list never says "allowed": a license may say more than its terms
    page.select_option("select[name=commercial]", "")
    page.select_option("select[name=ethics]", "Required")
    assert visible_titles(page) == ["Synthetic chest CT phantom with lesion masks (example record)"]  # DUO:0000021
    assert page.evaluate("location.search") == "?ethics=Required"


def test_filtering_sorting_and_a_shared_filter_url(page: Page, base_url: str):
    page.goto(base_url)
    assert len(visible_titles(page)) == 6  # the withdrawn dataset is out of the default list
    page.select_option("select[name=modality]", "SM")
    assert visible_titles(page) == ["Axillary lymph nodes in breast cancer cases"]
    assert page.evaluate("location.search") == "?modality=SM"
    assert page.locator(".dr-count").inner_text() == "1 of 6 datasets shown"

    page.goto(base_url + "?modality=CT&sort=size")  # a shared link opens the same view
    assert visible_titles(page) == ["Skeletal data from the Visual Sweden project DROID",
                                    "Computed Tomography Pulmonary Angiography (CTPA) data",
                                    "Synthetic chest CT phantom with lesion masks (example record)"]
    page.get_by_role("button", name="Show all").click()
    page.wait_for_function("document.querySelectorAll('.dr-card:not([hidden])').length === 6")
    assert page.evaluate("location.search") == ""
    page.select_option("select[name=origin]", "Synthetic")
    assert len(visible_titles(page)) == 1  # the full example; its withdrawn first version only when asked for
    page.select_option("select[name=status]", "Withdrawn")
    assert visible_titles(page) == ["Withdrawn: Synthetic chest CT phantom with lesion masks (example record)"]
    page.select_option("select[name=access]", "AIDA partners, on request")
    page.select_option("select[name=status]", "")
    page.select_option("select[name=origin]", "")
    assert len(visible_titles(page)) == 2  # under the AIDA BY and AIDA CA licenses (and CC BY 4.0): partners only


@pytest.mark.parametrize("query, expected", [
    ("10.23698/aida/brln", "Axillary lymph nodes in breast cancer cases"),
    ("Woisetschläger", "Skeletal data from the Visual Sweden project DROID"),
    ("pulmonary emboli", "Computed Tomography Pulmonary Angiography (CTPA) data"),
])
def test_search_finds_datasets_by_doi_author_and_description(page: Page, base_url: str, query: str, expected: str):
    page.goto(base_url + "metrics/")  # search works from any page
    results = _search_results(page, query)
    titles = page.locator(".pagefind-ui__result-inner > .pagefind-ui__result-title").all_inner_texts()
    assert results and expected in titles


def _search_results(page: Page, query: str) -> list[str]:
    """The pages the site's search lists for a query, best first, as site paths: asked in the header's box."""
    page.locator("#dr-search-query").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    shown = ".pagefind-ui__result-inner > .pagefind-ui__result-title > a"  # a page's own link, not its sections'
    links = page.locator(shown)
    # Pagefind says how many pages it found ("12 results for …") before it shows them, five at a time with a
    # "Load more results" button that appears only once those five are in: wait for all, not for the first.
    page.wait_for_function("/^\\d+ results? for/.test(document.querySelector('.pagefind-ui__message')?.textContent ?? '')")
    total = int(page.locator(".pagefind-ui__message").inner_text().split()[0])
    while links.count() < total:
        # Counted with the same selector as `links`: the sections' links inside a result would reach the total first.
        page.wait_for_function(f"document.querySelectorAll({shown!r}).length >= {total}"
                               " || !!document.querySelector('button.pagefind-ui__button')")
        if links.count() < total:
            count = links.count()
            page.locator("button.pagefind-ui__button").click()
            page.wait_for_function(f"document.querySelectorAll({shown!r}).length > {count}")
    return [urlsplit(href).path.lstrip("/") for href in links.evaluate_all("links => links.map(a => a.href)")]


def test_a_page_load_fetches_no_part_of_the_search_index(page: Page, base_url: str):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    page.goto(base_url + "10.23698/aida/ctpa/")
    page.wait_for_load_state("networkidle")
    assert fetched and not [path for path in fetched if "/pagefind/" in path or "search" in path], fetched
    _search_results(page, "lymph nodes")  # a query fetches Pagefind and only the index pieces it needs
    assert any(path.endswith("/pagefind/pagefind.js") for path in fetched)
    assert not any(path.endswith("search_index.json") for path in fetched)


def test_search_results_link_inside_a_site_served_under_a_path(browser: Browser, site: Path, tmp_path: Path):
    """A project site (https://org.github.io/register/) has its pages under a path; results must keep it."""
    (tmp_path / "register").symlink_to(site, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/register/search/?q=ctpa")
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10_000)
        links = page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
        assert links[0] == "/register/10.23698/aida/ctpa/" and all(link.startswith("/register/") for link in links), links
        page.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory: pytest.TempPathFactory):
    """A register of five datasets whose list shows two per page: the home page, list/2/ and list/3/."""
    root = tmp_path_factory.mktemp("paged")
    records = {}
    for number, letter in enumerate("ABCDE", start=1):
        text = MINIMAL.replace("{name}", f"paged-{letter.lower()}").replace("A minimal dataset", f"Dataset {letter}")
        text = text.replace("published: 2020-01-01", f"published: 2020-0{number}-01")
        records[f"paged-{letter.lower()}.yaml"] = text + ("modalities: [CT]\n" if letter == "E" else "")
    register = make_register(root / "register", records)
    settings = register / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "      list_page_size: 2\n", encoding="utf-8")
    result = mkdocs_build(register, root / "site")
    assert result.returncode == 0, result.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _titles(page: Page) -> list[str]:
    return page.locator(".dr-card:not([hidden]) h2").all_inner_texts()


def test_a_long_list_comes_in_pages_that_work_without_javascript(browser: Browser, paged_url: str):
    context_ = browser.new_context(java_script_enabled=False)
    page = context_.new_page()
    page.goto(paged_url)
    assert _titles(page) == ["Dataset A", "Dataset B"]
    assert page.locator(".dr-pages").first.inner_text() == "Page 1 of 3: 1 2 3 · Next page"
    page.locator(".dr-pages").first.get_by_role("link", name="Next page").click()
    assert page.url == paged_url + "list/2/" and _titles(page) == ["Dataset C", "Dataset D"]
    page.get_by_role("link", name="Dataset C").click()
    assert page.url == paged_url + "10.23698/paged-c/" and page.locator("h1").first.inner_text() == "Dataset C"
    context_.close()


def test_the_filters_of_a_paged_list_cover_every_dataset(page: Page, paged_url: str):
    page.goto(paged_url)
    assert page.locator(".dr-count").inner_text() == "2 of 5 datasets shown"
    page.select_option("select[name=sort]", "year")
    page.wait_for_function("document.querySelectorAll('.dr-card:not([hidden])').length === 5")
    assert _titles(page) == ["Dataset E", "Dataset D", "Dataset C", "Dataset B", "Dataset A"]
    assert page.locator(".dr-count").inner_text() == "5 of 5 datasets shown"
    assert not page.locator(".dr-pages").first.is_visible()  # the whole list is on this page now
    page.get_by_role("link", name="Dataset E").click()  # a card fetched from list/3/ links where it did there
    assert page.url == paged_url + "10.23698/paged-e/"
    page.goto(paged_url + "?modality=CT")  # a shared filter fetches the other pages by itself
    page.wait_for_function("document.querySelector('.dr-count').textContent === '1 of 5 datasets shown'")
    assert _titles(page) == ["Dataset E"]


def test_on_a_phone_the_search_button_opens_the_search_page(browser: Browser, base_url: str):
    context_ = browser.new_context(viewport={"width": 375, "height": 667})
    page = context_.new_page()
    page.goto(base_url + "10.23698/aida/drske/")
    assert not page.locator("#dr-search-query").is_visible()
    page.get_by_role("link", name="Search", exact=True).click()
    page.wait_for_url("**/search/")
    page.locator(".pagefind-ui__search-input").fill("CTPA")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10_000)
    assert page.locator(".pagefind-ui__result-inner > .pagefind-ui__result-title").first.inner_text() == (
        "Computed Tomography Pulmonary Angiography (CTPA) data")
    context_.close()


@pytest.mark.parametrize("query, landing, documentation", [
    ("ctpa", "10.23698/aida/ctpa/", "record-format/"),  # the record format's example names aida-ctpa
    ("CTPA", "10.23698/aida/ctpa/", "record-format/"),
    ("10.23698/aida/ctpa", "10.23698/aida/ctpa/", "migrating/"),
    ("10.23698/aida/example-full", "10.23698/aida/example-full/", "record-format/"),
])
def test_a_datasets_short_name_and_doi_find_its_page_before_the_documentation(page: Page, base_url: str, query: str,
                                                                                 landing: str, documentation: str):
    page.goto(base_url + "metrics/")
    results = _search_results(page, query)
    assert results[0] == landing, results
    assert documentation in results  # the documentation matches too: the order is what is tested


def test_a_body_part_finds_the_datasets_of_it_first(page: Page, base_url: str):
    page.goto(base_url + "metrics/")
    results = _search_results(page, "lung")
    lung = {"10.23698/aida/ctpa/", "10.23698/aida/example-full/"}  # the test register's datasets with that organ
    assert set(results[:len(lung)]) == lung and "metrics/" in results, results


def test_searching_the_documentation_still_finds_the_documentation_first(page: Page, base_url: str):
    page.goto(base_url + "metrics/")
    results = _search_results(page, "data sharing policy")
    # The policy's words are the license pages' and the license-terms guide's; datasets only name it.
    first_dataset = next(index for index, result in enumerate(results) if result.startswith("10.23698/"))
    assert "license-terms/" in results[:first_dataset] and results[0].startswith(("license-terms/", "licenses/")), results


# Every kind of page, for the layout checks and the gallery in docs/screenshots.md.
SCREENS = {
    "home": "",
    "landing-controlled": "10.23698/aida/drske/",
    "landing-full": "10.23698/aida/example-full/",
    "landing-partners": "10.23698/case-names/",
    "landing-withdrawn": "10.23698/aida/example-withdrawn/",
    "licenses": "licenses/",
    "license": "licenses/aida-by/1.1/",
    "metrics": "metrics/",
    "collection": "collections/phantoms/",
    "record-format": "record-format/",
    "search": "search/?q=lung",
    "not-found": "404.html",  # what the web server sends for an unknown address
}
VIEWPORTS = {"desktop": (1280, 800), "phone": (375, 667)}
# UPDATE_SCREENSHOTS=1 writes each first screen to docs/screenshots/ (a 64-colour PNG, a few tens of KB each).
GALLERY = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _bottom(box: dict[str, float] | None) -> float:
    assert box is not None
    return box["y"] + box["height"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", SCREENS)
def test_every_kind_of_page_fits_a_desktop_and_a_phone(browser: Browser, base_url: str, kind: str, viewport: str):
    width, height = VIEWPORTS[viewport]
    context_ = browser.new_context(viewport={"width": width, "height": height})
    page = context_.new_page()
    page.goto(base_url + SCREENS[kind])
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
    if kind.startswith("landing"):
        # What the data is, who may use it, its licenses and the actions: all on the first screen.
        # (A withdrawn page opens with its notice, so only its badge need be there; a record may state no facts.)
        parts = [".dr-summary .dr-badge"] if kind == "landing-withdrawn" else [
            ".dr-summary .dr-badge", ".dr-license-names", ".dr-summary .dr-doi .dr-copy"]
        for part in parts + ([".dr-what"] if page.locator(".dr-what").count() else []):
            assert _bottom(page.locator(part).bounding_box()) <= height, part
        request = page.locator(".dr-summary .dr-primary")
        if kind == "landing-withdrawn":
            assert request.count() == 0 and page.locator(".dr-badge").inner_text() == "Not available: withdrawn"
        elif kind == "landing-partners":  # its record gives no e-mail address and no REMS link
            assert request.count() == 0 and page.locator(".dr-badge").inner_text() == "AIDA partners, on request"
            assert _bottom(page.locator(".dr-no-request").bounding_box()) <= height
        else:
            assert request.inner_text() == "Request access" and _bottom(request.bounding_box()) <= height
        if kind != "landing-withdrawn" and viewport == "phone":  # the description before the cite box
            assert page.locator("#description").bounding_box()["y"] < page.locator("#cite").bounding_box()["y"]  # type: ignore[index]
    works = page.locator(".dr-works > li")
    boxes = [works.nth(index).bounding_box() for index in range(works.count())]
    for above, below in itertools.pairwise(boxes):  # the works to cite do not overlap
        assert above is not None and below is not None and _bottom(above) <= below["y"]
    if boxes:  # and the first one's citation box stays inside its own entry
        inner = page.locator(".dr-works > li:first-child .dr-citation:visible").bounding_box()
        assert inner is not None and boxes[0] is not None and _bottom(inner) <= _bottom(boxes[0]) + 0.5
    if os.environ.get("UPDATE_SCREENSHOTS"):
        GALLERY.mkdir(exist_ok=True)
        image = Image.open(io.BytesIO(page.screenshot())).convert("RGB").quantize(colors=64)
        image.save(GALLERY / f"{kind}-{viewport}.png", optimize=True)
    context_.close()


def test_the_summary_copies_the_doi_and_jumps_to_the_cite_box(page: Page, base_url: str):
    page.goto(base_url + "10.23698/aida/drske/")
    page.get_by_role("button", name="Copy DOI").click()
    page.get_by_role("button", name="Copied", exact=True).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == "https://doi.org/10.23698/aida/drske"
    page.locator(".dr-summary").get_by_role("link", name="Cite", exact=True).click()
    assert page.evaluate("location.hash") == "#cite"
    assert page.locator("#cite").bounding_box()["y"] < 200  # type: ignore[index]
