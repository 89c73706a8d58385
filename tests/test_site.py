"""End to end: the real MkDocs build of the real register, and of registers with hostile or broken records."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from generator import config
from generator.build import site as site_tree
from generator.build import verify
from generator.paths import SITE_FOLDERS

from conftest import MINIMAL, ROOT, case_settings, make_register, mkdocs_build, search_index


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_every_public_dataset_has_a_landing_page_at_its_doi_path(site: Path):
    for doi in ("10.23698/aida/ctpa", "10.23698/aida/brln", "10.23698/aida/drske", "10.23698/aida/example-full"):
        page = (site / doi / "index.html").read_text(encoding="utf-8")
        assert f'href="https://doi.org/{doi}"' in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count('<li class="dr-card') == 7  # eight records, one of them a preview
    # The withdrawn one is out of the default list (the Status filter shows it), its title marked.
    assert home.count('<li class="dr-card dr-card-withdrawn" hidden') == 1 and "Withdrawn: Synthetic chest CT" in home


def test_the_landing_page_shows_the_record(site: Path):
    page = (site / "10.23698/aida/example-full/index.html").read_text(encoding="utf-8")
    for expected in (
        'href="https://orcid.org/0000-0001-7982-0754"',
        "conceptId1=39607008",
        "1.2 GB",
        "Norway (NO)",
        'src="images/phantom-axial.png"',
        "Copyright 2024 Linköping University",  # in the license texts, so the page adds no line of its own
        "include the authors of this dataset Jeroen van der Laak and Ebba af Wetterstedt in the author list",
        'href="https://rems.example.org/application?items=42"',
        'href="../../../licenses/aida-by-ca/1.0/"',
    ):
        assert expected in page
    assert (site / "10.23698/aida/example-full/images/phantom-axial.png").is_file()
    assert "Copyright ©" not in page and 'download="phantom-2.0.bib"' in page
    assert "<td>Computed tomography (CT), Segmentation (SEG)</td>" in page  # codes expanded
    summary = page[page.index('<section class="dr-summary"'):page.index("</section>", page.index('<section class="dr-summary"'))]
    assert "Controlled, on request" in summary and 'class="dr-button dr-primary" href="https://rems.example.org/' in summary


def test_every_local_link_of_the_generated_pages_resolves(site: Path):
    pages = [site / "index.html", *site.glob("10.23698/**/index.html"), *site.glob("licenses/**/index.html")]
    assert len(pages) > 10
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "/" + page.parent.relative_to(site).as_posix() + "/"
        for link in parser.links:
            if urlsplit(link).scheme or link.startswith(("#", "//")):
                continue
            target = urlsplit(urljoin(base.replace("//", "/"), link)).path.lstrip("/")
            path = site / target
            assert path.is_file() or (path / "index.html").is_file(), f"{page}: {link} does not resolve"


def test_a_preview_is_built_but_listed_nowhere(site: Path):
    page = (site / "10.23698/aida/example-preview/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "This dataset is not published yet" in page
    for listing in ("index.html", "sitemap.xml"):
        assert "example-preview" not in (site / listing).read_text(encoding="utf-8"), listing
    assert not [path for path in search_index(site) if "example-preview" in path]
    assert "example-full" in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_a_withdrawn_dataset_keeps_a_tombstone(site: Path):
    page = (site / "10.23698/aida/example-withdrawn/index.html").read_text(encoding="utf-8")
    assert "Withdrawn on 2024-03-15." in page and "shifted by one voxel" in page
    assert 'href="../../../10.23698/aida/example-full/"' in page
    # Everything DataCite holds for the DOI (tests/test_datacite.py compares them field by field), but no
    # images of the data, no license texts to agree to, and no way to request the data.
    assert "Example images" not in page and 'class="dr-license-text"' not in page and 'id="access"' not in page
    assert "The data was shared under these licenses until it was withdrawn." in page and 'id="contacts"' in page


def test_every_license_version_has_a_stable_page(site: Path):
    for template in (ROOT / "licenses").glob("*/license.yaml"):
        for version in template.parent.glob("*.md.j2"):
            assert (site / "licenses" / template.parent.name / version.name.removesuffix(".md.j2") / "index.html").is_file()


def test_mkdocs_own_search_is_refused_with_the_fix(tmp_path: Path):
    root = make_register(tmp_path / "register", {"minimal.yaml": MINIMAL})
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - search\n"), encoding="utf-8")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 1
    assert ("mkdocs.yml: remove 'search' from plugins: the register has its own search (Pagefind), which a visitor "
            "downloads only in the pieces a query needs, while MkDocs' search sends its whole index with every first "
            "page view") in result.stderr


def test_the_search_index_holds_every_public_page_and_no_other(site: Path):
    indexed = search_index(site)
    assert "10.23698/aida/ctpa/" in indexed and "record-format/" in indexed and "licenses/aida-by/1.1/" in indexed
    # A dataset's short name and DOI come first, where Pagefind weighs them most (see main.html).
    assert indexed["10.23698/aida/ctpa/"].startswith("CTPA 10.23698/aida/ctpa Lung Computed tomography (CT)")
    assert "search/" not in indexed and "" not in indexed  # the search page itself and the home list
    assert not [path for path in indexed if "example-preview" in path]
    assert "¶" not in "".join(indexed.values())  # the headings' permalink signs


def test_hostile_text_becomes_no_executable_content(tmp_path: Path):
    root = make_register(tmp_path / "register", {"case-xss.yaml": (ROOT / "tests/cases/case-xss.yaml").read_text()})
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/10.23698/case-xss/index.html").read_text(encoding="utf-8")
    start = page.index('<div class="dr-landing')
    tags = re.findall(r"<[a-zA-Z][^>]*>", page[start:page.index("</article>", start)])
    assert len(tags) > 20
    for tag in tags:
        assert not re.match(r"<(script|iframe|svg|img)", tag, re.IGNORECASE), tag
        assert not re.search(r"\son\w+\s*=|javascript:", tag, re.IGNORECASE), tag
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title and "<script" not in title.group(1)


def test_a_broken_record_fails_the_build_and_leaves_the_last_site(tmp_path: Path):
    root = make_register(tmp_path / "register", {"good.yaml": MINIMAL.format(name="good")})
    site_dir = tmp_path / "site"
    assert mkdocs_build(root, site_dir).returncode == 0
    before = sorted(p.relative_to(site_dir) for p in site_dir.rglob("*"))
    (root / "datasets" / "good.yaml").write_text(MINIMAL.format(name="good").replace("2020-01-01", "2020-02-30"))
    result = mkdocs_build(root, site_dir)
    assert result.returncode == 1
    assert "datasets/good.yaml:4:12: published: not a real calendar date (check the month and day), found '2020-02-30'" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(site_dir) for p in site_dir.rglob("*")) == before


def test_datacite_metadata_is_published_next_to_each_landing_page(site: Path):
    for doi in ("10.23698/aida/ctpa", "10.23698/aida/example-withdrawn"):
        attributes = json.loads((site / doi / "datacite.json").read_text(encoding="utf-8"))
        assert attributes["doi"] == doi and attributes["url"].endswith(f"/{doi}/")
        assert (site / doi / "datacite.xml").read_text(encoding="utf-8").startswith("<?xml")
        assert 'href="datacite.json"' in (site / doi / "index.html").read_text(encoding="utf-8")


def test_the_works_a_license_requires_are_listed_to_copy(site: Path):
    page = (site / "10.23698/aida/drske/index.html").read_text(encoding="utf-8")
    works = page[page.index('<ol class="dr-works">'):page.index("</ol>", page.index('<ol class="dr-works">'))]
    assert works.count("<li>") == 2
    assert "Skeletal data from the Visual Sweden project DROID [Data set] [Internet]. Version 1.1.0." in works
    assert "https://doi.org/10.1007/s10278-020-00384-4" in works


def test_metrics_count_real_and_synthetic_data_apart_and_leave_previews_out(site: Path):
    page = (site / "metrics" / "index.html").read_text(encoding="utf-8")
    assert '<tr><th scope="row">Datasets</th><td>5</td><td>1</td></tr>' in page  # the withdrawn synthetic one apart
    assert "1 withdrawn dataset is not counted." in page
    assert '<tr><th scope="row">Scans</th><td>4,528 (not stated for 2 of 5 datasets)</td><td>120</td></tr>' in page
    assert '<tr><th scope="row">Patients</th><td>Not stated</td><td>0</td></tr>' in page  # no record states it: never 0
    assert page.count('<svg class="dr-chart" role="img"') == 4
    assert '<tr><th scope="row">CT</th><td>2</td></tr>' in page  # the synthetic CT phantom is not counted here
    assert '<tr><th scope="row">Sweden</th><td>3</td></tr>' in page  # the synthetic example is not counted here either
    assert "Mammography" not in page and "MG" not in page  # the preview


def test_each_collection_has_a_page_with_its_list_and_totals(site: Path):
    index = (site / "collections" / "index.html").read_text(encoding="utf-8")
    assert '<a href="examples/">Example records</a> (1 dataset)' in index  # the title of the collections setting
    page = (site / "collections" / "phantoms" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Synthetic phantoms</h1>" in page and '<a href="https://example.org/phantoms">' in page
    assert '<a class="dr-button" href="https://example.org/phantoms/access">Access procedure</a>' in page
    assert '<a href="../../10.23698/aida/example-full/">Synthetic chest CT phantom' in page
    assert '<tr><th scope="row">Size</th><td>1.2 GB</td></tr>' in page and '<th scope="col">Synthetic data</th>' in page


def test_the_access_request_email_is_prefilled_for_the_evaluation(site: Path):
    from urllib.parse import parse_qs, unquote, urlsplit

    page = (site / "10.23698/aida/brln/index.html").read_text(encoding="utf-8")
    href = re.search(r'<a class="dr-button dr-request" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    parts = urlsplit(href)
    query = parse_qs(parts.query)
    assert parts.scheme == "mailto" and unquote(parts.path) == "aida-data@nbis.se"
    assert query["cc"] == ["claes.lundstrom@liu.se,sofia.jarkman@regionostergotland.se,joel.hedlund@liu.se"]
    assert query["subject"] == ["Access request: Axillary lymph nodes in breast cancer cases (10.23698/aida/brln)"]
    for question in ("Research institution:", "Responsible researcher, who holds a PhD", "Ethical approval"):
        assert question in query["body"][0]
    assert "https://doi.org/10.23698/aida/brln" in query["body"][0]
    assert "Access is given to researchers at a research institution" in page  # the default eligibility


def test_a_license_to_sign_is_offered_filled_in(site: Path):
    agreement = (site / "10.23698/aida/example-full/agreement.txt").read_text(encoding="utf-8")
    assert agreement.startswith("# Data use agreement: Synthetic chest CT phantom")
    assert "<https://doi.org/10.23698/aida/example-full>" in agreement and "Linköping University" in agreement
    assert not (site / "10.23698/aida/ctpa/agreement.txt").exists()


def test_the_site_folders_that_old_paths_may_not_use_are_the_ones_a_build_writes():
    catalog = verify.load_catalog(case_settings())
    redirects = {old.split("/")[0] for entry in catalog.entries for old in entry.dataset.old_paths}
    written = {path.split("/")[0].removesuffix(".md") for path in site_tree.build_tree(catalog)
               if not path.startswith("10.") and ("/" in path or path.endswith(".md")) and path != "index.md"} - redirects
    # Pagefind writes its folder after the build; list/ is there for a long list, contributing/ with a CONTRIBUTING.md.
    assert written <= SITE_FOLDERS and SITE_FOLDERS - written <= {"pagefind", "list", "contributing"}


def test_an_old_path_inside_the_registers_own_pages_is_refused_at_its_line(tmp_path: Path):
    record = MINIMAL.replace("{name}", "moved") + "old_paths: [search/moved]\n"
    root = make_register(tmp_path / "register", {"moved.yaml": record})
    _, problems = verify.check(config.load(root / "mkdocs.yml"))
    assert [(problem.line, problem.key, problem.message) for problem in problems] == [
        (19, "old_paths[0]", "search/ holds the register's own pages, so an old page cannot be kept there; "
                             "remove this path (links to it will not be redirected), found 'search/moved'")]


def test_the_files_beside_the_pages_are_linked_into_the_site_and_never_written_through(tmp_path: Path, monkeypatch):
    from generator.build.render_cache import StoredText

    cache, built = tmp_path / "cache", tmp_path / "site"
    cache.mkdir()
    (cache / "old").write_text("first rendering\n", encoding="utf-8")
    (tmp_path / "scan.png").write_bytes(b"an image")
    files: dict[str, site_tree.Content] = {"10.23698/one/citation.bib": StoredText(str(cache), "old"),
                                           "10.23698/one/images/scan.png": tmp_path / "scan.png",
                                           "api/v1/datasets/10.23698/one.json": "{}\n"}
    site_tree.write_files(files, built)
    bib = built / "10.23698/one/citation.bib"
    assert bib.read_text(encoding="utf-8") == "first rendering\n" and bib.samefile(cache / "old")
    assert (built / "api/v1/datasets/10.23698/one.json").read_text(encoding="utf-8") == "{}\n"
    # An image is copied: its contributor may edit it in place, and the site must not change with it.
    image = built / "10.23698/one/images/scan.png"
    assert image.read_bytes() == b"an image" and not image.samefile(tmp_path / "scan.png")
    # Rendered again (a new cache entry): the site's file is replaced, and the old entry stays as it was.
    (cache / "new").write_text("second rendering\n", encoding="utf-8")
    site_tree.write_files({**files, "10.23698/one/citation.bib": StoredText(str(cache), "new")}, built, only_changed=True)
    assert bib.read_text(encoding="utf-8") == "second rendering\n"
    assert (cache / "old").read_text(encoding="utf-8") == "first rendering\n"
    # Where the file system cannot link (another disk), the file is copied.
    monkeypatch.setattr(site_tree.os, "link", lambda source, target: (_ for _ in ()).throw(OSError("cross-device link")))
    site_tree.write_files({"10.23698/one/citation.bib": StoredText(str(cache), "old")}, built)
    assert bib.read_text(encoding="utf-8") == "first rendering\n" and not bib.samefile(cache / "old")


def test_under_serve_dirty_an_unchanged_file_is_not_written_again(tmp_path: Path, monkeypatch):
    from generator.build.render_cache import StoredText

    links: list[str] = []
    link = site_tree.os.link
    monkeypatch.setattr(site_tree.os, "link", lambda source, target: (links.append(str(target)), link(source, target)))
    for name in ("entry", "edited"):
        (tmp_path / name).write_text(f"{name}\n", encoding="utf-8")
    files: dict[str, site_tree.Content] = {"10.23698/one/citation.ris": StoredText(str(tmp_path), "entry"),
                                           "10.23698/two/citation.ris": StoredText(str(tmp_path), "entry")}
    linked = site_tree.write_files(files, tmp_path / "site")
    assert len(links) == 2 and {path: stored.file for path, stored in linked.items()} == {path: str(tmp_path / "entry") for path in files}
    # Without a record of the last build, the times of change decide; with it, only the files linked anew are touched.
    assert site_tree.write_files(files, tmp_path / "site", only_changed=True) == linked and len(links) == 2
    edited = {**files, "10.23698/two/citation.ris": StoredText(str(tmp_path), "edited")}
    site_tree.write_files(edited, tmp_path / "site", only_changed=True, previous=linked)
    assert links[2:] == [str(tmp_path / "site" / "10.23698/two/citation.ris")]
    assert (tmp_path / "site" / "10.23698/two/citation.ris").read_text(encoding="utf-8") == "edited\n"
    site_tree.write_files(files, tmp_path / "site")  # a build that is not dirty writes every file
    assert len(links) == 5 and (tmp_path / "site" / "10.23698/two/citation.ris").read_text(encoding="utf-8") == "entry\n"


def test_the_list_pages_made_from_each_datasets_card_are_the_pages_made_whole():
    """The build makes the list from each dataset's card and facet values as the render cache keeps them
    (JSON, and the card's links relative to a placeholder); pages at every depth must come out the same."""
    import dataclasses

    from generator.render import home

    catalog = verify.load_catalog(case_settings())
    ctx = site_tree.context(dataclasses.replace(catalog, config=dataclasses.replace(catalog.config, list_page_size=2)))
    public = [entry.dataset for entry in catalog.public]
    facets = {dataset.doi: json.loads(json.dumps(home.facet_values(dataset, ctx))) for dataset in public}
    cards = {dataset.doi: home.card(dataset, ctx, facets[dataset.doi]) for dataset in public}
    whole = home.render(public, ctx)
    assert len(whole) > 2 and "list/2/index.md" in whole
    assert home.render(public, ctx, cards, facets) == whole
    assert 'href="../../10.23698/' in whole["list/2/index.md"].body and "\0" not in whole["list/2/index.md"].body
    assert '<h2><a href="10.23698/' in whole["index.md"].body and "\0" not in whole["index.md"].body


def test_the_record_format_pages_sections_have_their_anchors_without_attr_list_in_mkdocs_yml(tmp_path: Path):
    """A register's mkdocs.yml need not list Markdown extensions: the page the register writes in Markdown gets its own."""
    root = make_register(tmp_path / "register", {"minimal.yaml": MINIMAL.format(name="minimal")})
    assert "attr_list" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "record-format" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="withdrawal">Withdrawal' in page and "{ #" not in page
    assert "there is no such anchor" not in result.stderr


def test_the_tree_refuses_paths_outside_the_site_and_under_serve_checks_each_path_once(monkeypatch):
    import pytest

    for bad in ("../outside.md", "/etc/passwd", "a//b.md", "a/./b.md", "a\\b.md", "..hidden/b.md", ""):
        with pytest.raises(ValueError, match="is not a path inside the site"):
            site_tree._Tree()[bad] = "text"
    with pytest.raises(ValueError, match=r"two outputs claim the site path 10\.23698/one/index\.md"):
        tree = site_tree._Tree()
        tree["10.23698/one/index.md"] = tree["10.23698/one/index.md"] = "text"
    # Under `mkdocs serve` each rebuild makes the whole tree again: a path found plain once is not checked again.
    checks: list[str] = []
    check = site_tree.checked
    monkeypatch.setattr(site_tree, "checked", lambda path: (checks.append(path), check(path))[1])
    known: set[str] = set()
    for _ in range(2):
        tree = site_tree._Tree(known)
        tree["10.23698/one/index.md"] = "text"
        with pytest.raises(ValueError, match="is not a path inside the site"):
            tree["../outside.md"] = "text"
    assert checks == ["10.23698/one/index.md", "../outside.md", "../outside.md"]
    assert known == {"10.23698/one/index.md"}


def test_outputs_of_two_records_that_would_share_a_site_path_are_refused_at_both_records(tmp_path: Path, monkeypatch):
    # A redirect at the other record's landing page (the same path), and a record whose landing page would be
    # a folder where the other writes a file (one inside the other), met in either order; records that
    # clash with nothing stay quiet.
    records = {
        "one.yaml": MINIMAL.replace("{name}", "one"),
        "two.yaml": MINIMAL.replace("{name}", "two") + "old_paths: [10.23698/one]\n",
        "one-citation.bib.yaml": MINIMAL.replace("{name}", "one/citation.bib"),  # read before one.yaml
        "three.yaml": MINIMAL.replace("{name}", "three"),
        "four.yaml": MINIMAL.replace("{name}", "four"),
        "fourth.yaml": MINIMAL.replace("{name}", "fourth") + "old_paths: [10.23698/four/citation.bib]\n",  # read after four.yaml
    }
    root = make_register(tmp_path / "register", records)
    monkeypatch.chdir(root)  # the other record is named by its path from here, as a steward sees it
    _, problems = verify.check(config.load(root / "mkdocs.yml"))
    shown = [f"{Path(problem.path).name}:{problem.line}: {problem.key}: {problem.message}" for problem in problems]
    assert sorted(shown) == [
        "four.yaml:1: doi: its file citation.bib (10.23698/four/citation.bib) and datasets/fourth.yaml:19's redirect "
        "page (10.23698/four/citation.bib/index.html) cannot both be published: one would be inside the other; change one of the DOIs",
        "fourth.yaml:19: old_paths[0]: its redirect page (10.23698/four/citation.bib/index.html) and datasets/four.yaml:1's "
        "file citation.bib (10.23698/four/citation.bib) cannot both be published: one would be inside the other; change one of the DOIs",
        "one-citation.bib.yaml:1: doi: its landing page (10.23698/one/citation.bib/index.html) and datasets/one.yaml:1's "
        "file citation.bib (10.23698/one/citation.bib) cannot both be published: one would be inside the other; change one of the DOIs",
        "one.yaml:1: doi: its file citation.bib (10.23698/one/citation.bib) and datasets/one-citation.bib.yaml:1's landing "
        "page (10.23698/one/citation.bib/index.html) cannot both be published: one would be inside the other; change one of the DOIs",
        "one.yaml:1: doi: its landing page (10.23698/one/index.html) and datasets/two.yaml:19's redirect page "
        "(10.23698/one/index.html) cannot both be published: they would have the same path; change one of the DOIs",
        "two.yaml:19: old_paths[0]: its redirect page (10.23698/one/index.html) and datasets/one.yaml:1's landing page "
        "(10.23698/one/index.html) cannot both be published: they would have the same path; change one of the DOIs",
    ]
