"""The render cache reuses a dataset's files only while nothing they come from has changed.

Each kind of input is changed in turn (the record, a record it links to, a license template it uses,
the settings, the code) and exactly the datasets whose files depend on it are rendered again; a build
from the cache equals a build without it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import config
from generator.build import render_cache, site, verify
from generator.build.render_cache import RenderMemo
from generator.check.catalog import RecordMemo

from conftest import MINIMAL, make_register


def record(name: str, title: str, extra: str = "", license_id: str = "aida-by") -> str:
    return (MINIMAL.replace("{name}", name).replace("A minimal dataset", title).replace("id: aida-by", f"id: {license_id}")
            + extra)


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return make_register(tmp_path / "register", {
        "old.yaml": record("old", "The first version"),
        "new.yaml": record("new", "The second version", "related:\n  - doi: 10.23698/old\n    relation: is-new-version-of\n"
                                                         "    type: dataset\n"),
        "other.yaml": record("other", "An unrelated dataset", license_id="aida"),
    })


MEMOS: tuple[RecordMemo | None, RenderMemo | None] = (None, None)


@pytest.fixture(autouse=True, params=["build", "serve"])
def as_served(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs as `mkdocs build` runs, and as the rebuilds of one `mkdocs serve`, which keeps what it
    worked out between builds (RecordMemo, RenderMemo): both must render again exactly what changed."""
    monkeypatch.setitem(globals(), "MEMOS", (RecordMemo(), RenderMemo()) if request.param == "serve" else (None, None))


def build(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, object], list[str]]:
    """The site's tree, and the DOIs rendered (not taken from the cache) while building it."""
    rendered: list[str] = []
    render = site.dataset_files

    def counting(dataset, ctx):  # type: ignore[no-untyped-def]
        rendered.append(dataset.doi)
        return render(dataset, ctx)

    monkeypatch.setattr(site, "dataset_files", counting)
    tree = site.loaded(site.build_tree(verify.load_catalog(config.load(root / "mkdocs.yml"), MEMOS[0]), MEMOS[1]))
    return tree, sorted(rendered)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


ALL = ["10.23698/new", "10.23698/old", "10.23698/other"]


def test_a_second_build_renders_nothing_and_equals_a_build_without_the_cache(register: Path, monkeypatch):
    cold, rendered = build(register, monkeypatch)
    assert rendered == ALL
    cached, rendered = build(register, monkeypatch)
    assert rendered == [] and cached == cold
    assert len(list((register / ".cache" / "render").glob("*/manifest.json"))) == 3


def test_an_edited_record_renders_only_itself(register: Path, monkeypatch):
    build(register, monkeypatch)
    edit(register / "datasets" / "other.yaml", "only the keys a record needs", "only the keys, edited")
    tree, rendered = build(register, monkeypatch)
    assert rendered == ["10.23698/other"]
    assert "only the keys, edited" in tree["10.23698/other/index.md"].body  # type: ignore[attr-defined]
    assert len(list((register / ".cache" / "render").glob("*/manifest.json"))) == 3  # the old entry is gone


def test_a_linked_record_renders_both(register: Path, monkeypatch):
    """The new version's page names the old one by its title, and the old one links to its successor."""
    build(register, monkeypatch)
    edit(register / "datasets" / "old.yaml", "The first version", "The first version, renamed")
    tree, rendered = build(register, monkeypatch)
    assert rendered == ["10.23698/new", "10.23698/old"]
    assert "The first version, renamed" in tree["10.23698/new/index.md"].body  # type: ignore[attr-defined]


def test_a_license_renders_the_datasets_under_it(register: Path, monkeypatch):
    """(A published version's wording cannot change, register check refuses it; its summary can.)"""
    build(register, monkeypatch)
    edit(register / "licenses" / "aida" / "license.yaml", "Free for use within AIDA", "Free for use within AIDA only")
    tree, rendered = build(register, monkeypatch)
    assert rendered == ["10.23698/other"]
    assert "Free for use within AIDA only" in tree["10.23698/other/index.md"].body  # type: ignore[attr-defined]


def test_a_setting_renders_everything(register: Path, monkeypatch):
    build(register, monkeypatch)
    edit(register / "mkdocs.yml", "publisher: Test Data Hub", "publisher: Another Data Hub")
    tree, rendered = build(register, monkeypatch)
    assert rendered == ALL
    assert "Another Data Hub" in tree["10.23698/other/citation.bib"]  # type: ignore[operator]


def test_changed_code_renders_everything(register: Path, monkeypatch):
    build(register, monkeypatch)
    monkeypatch.setattr(render_cache, "code_fingerprint", lambda: "another version of the register")
    _, rendered = build(register, monkeypatch)
    assert rendered == ALL


def test_a_damaged_entry_is_rendered_again(register: Path, monkeypatch):
    cold, _ = build(register, monkeypatch)
    for entry in (register / ".cache" / "render").glob("*/manifest.json"):
        entry.write_text("{not json", encoding="utf-8")
    tree, rendered = build(register, monkeypatch)
    assert rendered == ALL and tree == cold
    shutil.rmtree(register / ".cache")
    assert build(register, monkeypatch) == (cold, ALL)


def test_a_missing_file_of_an_entry_renders_that_dataset_again(register: Path, monkeypatch):
    cold, _ = build(register, monkeypatch)
    entry = next(path.parent for path in (register / ".cache" / "render").glob("*/manifest.json")
                 if "10.23698/other/index.md" in path.read_text(encoding="utf-8"))
    (entry / "0").unlink()
    tree, rendered = build(register, monkeypatch)
    assert rendered == ["10.23698/other"] and tree == cold


def test_a_rebuild_while_serving_reads_only_the_edited_datasets_parts_from_the_cache(register: Path, monkeypatch):
    """The register-wide files are joined from every dataset's parts; under `mkdocs serve` a part read once
    is kept (RenderMemo.parts), so after one edit only that dataset's new parts are read from disk."""
    memos = (RecordMemo(), RenderMemo())

    def built() -> tuple[dict[str, object], set[str]]:
        read: set[str] = set()
        load = render_cache.StoredText.load

        def counting(stored: render_cache.StoredText) -> str:
            read.add(os.path.basename(stored.folder))
            return load(stored)

        with monkeypatch.context() as patched:
            patched.setattr(render_cache.StoredText, "load", counting)
            tree = site.build_tree(verify.load_catalog(config.load(register / "mkdocs.yml"), memos[0]), memos[1])
        return site.loaded(tree), read

    built()
    before = {path.name for path in (register / ".cache" / "render").iterdir()}
    manifests: list[str] = []
    read_entry = render_cache.RenderCache._read
    monkeypatch.setattr(render_cache.RenderCache, "_read", lambda cache, key: manifests.append(key) or read_entry(cache, key))
    _, read = built()
    assert read == set() and manifests == [], "what the first build rendered is remembered, not read back"
    edit(register / "datasets" / "other.yaml", "only the keys a record needs", "only the keys, edited")
    tree, read = built()
    assert len(read) == 1 and not read & before, "only the edited dataset's new entry is read"
    assert tree == build(register, monkeypatch)[0], "and the site is what a build without the memo makes"
    kept = {os.path.basename(stored.folder) for stored in memos[1].parts}
    assert read <= kept and kept <= before | read and len(kept) == len(before), "the edited dataset's old parts are let go"


def test_the_build_keeps_only_references_to_what_it_rendered(register: Path):
    """Memory stays flat: the tree points into the cache, and what it points at is what was rendered."""
    catalog = verify.load_catalog(config.load(register / "mkdocs.yml"))
    tree = site.build_tree(catalog)
    page, bib = tree["10.23698/other/index.md"], tree["10.23698/other/citation.bib"]
    assert isinstance(page, render_cache.StoredPage) and isinstance(bib, render_cache.StoredText)
    fresh = site.dataset_files(catalog.find("10.23698/other").dataset, site.context(catalog))  # type: ignore[union-attr]
    assert page.load() == fresh["10.23698/other/index.md"] and bib.load() == fresh["10.23698/other/citation.bib"]


def test_a_cache_that_cannot_be_written_still_builds(register: Path, monkeypatch):
    cold, _ = build(register, monkeypatch)
    shutil.rmtree(register / ".cache")
    (register / ".cache").write_text("a file where the cache folder would be", encoding="utf-8")
    tree, rendered = build(register, monkeypatch)
    assert rendered == ALL and tree == cold
    assert isinstance(site.build_tree(verify.load_catalog(config.load(register / "mkdocs.yml")))["10.23698/other/index.md"],
                      site.Page)


def test_the_register_wide_files_are_replaced_whole_when_the_next_build_writes_them(register: Path, monkeypatch, tmp_path: Path):
    """datasets.json and the catalogs are written beside and put in place whole: a build copying one meanwhile (a
    `mkdocs build` beside `mkdocs serve`) copies the file before or the one after, and nothing is left beside them."""
    build(register, monkeypatch)
    staging = register / ".cache" / "register"
    held = tmp_path / "datasets.json"  # what a copy begun before the next build reads
    os.link(staging / "datasets.json", held)
    before = held.read_text(encoding="utf-8")
    edit(register / "datasets" / "other.yaml", "An unrelated dataset", "An edited dataset")
    tree, _ = build(register, monkeypatch)
    assert held.read_text(encoding="utf-8") == before and "An unrelated dataset" in before
    assert tree["api/v1/datasets.json"] == (staging / "datasets.json").read_text(encoding="utf-8")
    assert "An edited dataset" in str(tree["api/v1/datasets.json"])
    assert sorted(path.name for path in staging.iterdir()) == ["catalog.jsonld", "catalog.ttl", "datasets.json"]
