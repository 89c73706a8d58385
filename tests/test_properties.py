"""What holds for every valid record of the register in datasets/, whatever records it holds.

These tests never name a record, a DOI or a count: a contributor who adds, edits or removes a
record in datasets/ keeps them green as long as `register check` passes. Exact expectations
(golden files, counts, texts) are about the tests' own records in tests/cases/ instead.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import extruct
from datacite import schema45
from lxml import etree
from test_site import _Links

from generator import config
from generator.build import verify
from generator.build.site import context
from generator.check import catalog
from generator.model.record import Dataset
from generator.paths import landing_url, page_path
from generator.render import datacite

from conftest import ROOT, search_index

SETTINGS = config.load(ROOT / "mkdocs.yml")
XSD = etree.XMLSchema(etree.parse(str(ROOT / "tests/reference/datacite-4.5-xsd/metadata.xsd")))
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@functools.cache
def register() -> catalog.Catalog:
    return verify.load_catalog(SETTINGS)


def datasets() -> list[Dataset]:
    return [entry.dataset for entry in register().entries]


def test_every_record_passes_the_check():
    _, problems = verify.check(SETTINGS)
    assert [str(problem) for problem in problems] == []


def test_every_dataset_has_its_landing_page_and_files(real_site: Path):
    for dataset in datasets():
        folder = real_site / page_path(dataset.doi)
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert f'href="https://doi.org/{dataset.doi}"' in page, dataset.doi
        for name in ("datacite.json", "datacite.xml", "citation.bib", "citation.biblatex.bib", "citation.ris",
                     "csl.json", "schema.jsonld", "linkset.json"):
            assert (folder / name).is_file(), f"{dataset.doi}: {name}"


def test_the_published_datacite_metadata_is_what_sync_sends_and_is_valid(real_site: Path):
    ctx = context(register())
    for dataset in datasets():
        folder = real_site / page_path(dataset.doi)
        attributes = json.loads((folder / "datacite.json").read_text(encoding="utf-8"))
        assert attributes == json.loads(json.dumps(datacite.build(dataset, ctx))), dataset.doi
        assert list(schema45.validator.iter_errors(attributes)) == [], dataset.doi
        assert attributes["url"] == landing_url(SETTINGS, dataset.doi)
        assert not EMAIL.search(json.dumps(attributes)), f"{dataset.doi}: an e-mail address reached DataCite"
        document = etree.parse(str(folder / "datacite.xml"))
        assert XSD.validate(document), f"{dataset.doi}: {XSD.error_log}"


def test_every_page_has_one_schema_org_dataset_without_e_mail(real_site: Path):
    for dataset in datasets():
        url = landing_url(SETTINGS, dataset.doi)
        html = (real_site / page_path(dataset.doi) / "index.html").read_text(encoding="utf-8")
        found = [item for item in extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"]
                 if item.get("@type") == "Dataset"]
        assert len(found) == 1, dataset.doi
        assert found[0]["@id"] == f"https://doi.org/{dataset.doi}" and found[0]["url"] == url
        assert not EMAIL.search(json.dumps(found[0])), dataset.doi


def test_every_citation_bib_compiles_with_classic_bibtex(real_site: Path, tmp_path: Path):
    for dataset in datasets():
        bib = (real_site / page_path(dataset.doi) / "citation.bib").read_text(encoding="utf-8")
        key = re.match(r"@misc\{([^,]+),", bib)
        assert key, dataset.doi
        work = tmp_path / key.group(1)
        work.mkdir()
        (work / "citation.bib").write_text(bib, encoding="utf-8")
        (work / "paper.aux").write_text(f"\\relax\n\\citation{{{key.group(1)}}}\n\\bibstyle{{plain}}\n\\bibdata{{citation}}\n")
        result = subprocess.run(["bibtex", "paper"], cwd=work, capture_output=True, text=True, check=False)
        log = (work / "paper.blg").read_text(encoding="utf-8", errors="replace")
        assert result.returncode == 0 and "Warning--" not in log, f"{dataset.doi}: {log}"


def test_every_local_link_resolves(real_site: Path):
    for page in real_site.rglob("index.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "/" + page.parent.relative_to(real_site).as_posix() + "/"
        for link in parser.links:
            if urlsplit(link).scheme or link.startswith(("#", "//")):
                continue
            target = real_site / urlsplit(urljoin(base.replace("//", "/"), link)).path.lstrip("/")
            assert target.is_file() or (target / "index.html").is_file(), f"{page}: {link} does not resolve"


def test_previews_are_listed_nowhere(real_site: Path):
    listings = [real_site / name for name in ("index.html", "sitemap.xml", "api/v1/datasets.json", "catalog.ttl", "feed.xml")]
    texts = {path.name: path.read_text(encoding="utf-8") for path in listings}
    texts["the search index"] = "\n".join(f"{path} {text}" for path, text in search_index(real_site).items())
    for dataset in datasets():
        if dataset.hidden:
            for name, text in texts.items():
                assert f"{dataset.doi}/" not in text and f'"{dataset.doi}"' not in text, f"{dataset.doi} in {name}"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_every_landing_page_loads_in_a_browser_without_errors(real_site: Path):
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM, FLAGS

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(real_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            errors: list[str] = []
            hosts: set[str | None] = set()
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
            for dataset in datasets():
                page.goto(base + page_path(dataset.doi))
                assert page.locator("h1").first.inner_text().strip(), dataset.doi
                assert errors == [], f"{dataset.doi}: {errors}"
                overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
                assert not overflow, f"{dataset.doi}: the page scrolls sideways"
            assert hosts == {"127.0.0.1"}, f"a page loaded something from elsewhere: {hosts}"
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


def test_the_dcat_catalog_has_no_dcat_ap_violation(real_site: Path):
    from test_api import dcat_ap_results

    assert dcat_ap_results(real_site / "catalog.ttl")[0] == []


def test_every_page_is_valid_html(real_site: Path):
    from test_html import vnu_errors

    assert vnu_errors(real_site) == []


def test_every_croissant_file_has_no_error(real_site: Path):
    from test_croissant import croissant_issues

    for dataset in datasets():
        errors, _ = croissant_issues(real_site / page_path(dataset.doi) / "croissant.json")
        assert errors == set(), dataset.doi
