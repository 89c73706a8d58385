"""The record cache reuses a record's own checks only while nothing they read has changed.

Each kind of input is changed in turn (the record, an image it names, a license file, the settings, the
code, the path it is shown under) and exactly the records that read it are checked again; a check from
the cache gives the same catalog and the same problems as a check without it, and a record with
problems is never taken from it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from generator import config
from generator.build import verify
from generator.check import catalog, record_cache
from generator.model.record import Agent, Dataset

from conftest import CASES, MINIMAL, make_register, record_checks

NEW_VERSION = "related:\n  - doi: 10.23698/one\n    relation: is-new-version-of\n    type: dataset\n"
IMAGE = "images:\n  - file: pictures/scan.png\n    title: An axial slice\n    alt: A grey square\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_register(tmp_path / "register", {
        "one.yaml": MINIMAL.format(name="one") + IMAGE,
        "two.yaml": MINIMAL.format(name="two") + NEW_VERSION,
        "three.yaml": MINIMAL.format(name="three"),
    })
    (root / "datasets" / "pictures").mkdir()
    Image.new("RGB", (40, 30), "gray").save(root / "datasets" / "pictures" / "scan.png")
    monkeypatch.chdir(root)
    return root


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str], catalog.Catalog]:
    """The records checked on their own this time (not taken from the cache), every problem, and the catalog."""
    with monkeypatch.context() as patched:
        checked = record_checks(patched)
        found, problems = verify.check(config.load(root / "mkdocs.yml"))
    return sorted(checked), [f"{p.path}:{p.line}:{p.column}: {p.key}: {p.message}" for p in problems], found


ALL = ["one.yaml", "three.yaml", "two.yaml"]


def entries(root: Path) -> list[Path]:
    return sorted((root / ".cache" / "check").glob("*.json"))


def test_a_second_check_reads_every_record_from_the_cache_and_finds_the_same(root: Path, monkeypatch):
    checked, problems, cold = check(root, monkeypatch)
    assert (checked, problems) == (ALL, [])
    assert len(entries(root)) == 3
    checked, problems, cached = check(root, monkeypatch)
    assert (checked, problems) == ([], [])
    assert [entry.dataset for entry in cached.entries] == [entry.dataset for entry in cold.entries]
    for was, now in zip(cold.entries, cached.entries, strict=True):
        assert (now.doc.display, now.doc.value_marks, now.doc.key_marks, now.doc.covered) == (
            was.doc.display, was.doc.value_marks, was.doc.key_marks, was.doc.covered)


def test_records_held_for_the_rules_across_records_share_what_they_have_alike(root: Path, monkeypatch):
    """A register keeps every checked record in memory; at 20,000 records each one's own set of the fields
    given (pydantic's, one per part) and its own tuples of kept key paths and key places were some 300 MB."""
    for run in ("cold", "from the cache"):
        _, _, found = check(root, monkeypatch)
        first, second = (found.entries[index] for index in (0, 1))  # one.yaml has images, three.yaml none
        assert first.dataset.copyright.model_fields_set is second.dataset.copyright.model_fields_set, run
        assert first.dataset.authors[0].model_fields_set is second.dataset.authors[0].model_fields_set, run
        assert first.dataset.model_fields_set == second.dataset.model_fields_set | {"images"}, run
        assert (first.doc.key_marks, second.doc.key_marks) == ({}, {}), run
        alike = set(first.doc.value_marks) & set(second.doc.value_marks)
        shared = {id(path) for path in first.doc.value_marks} & {id(path) for path in second.doc.value_marks}
        assert len(shared) == len(alike) >= 10, run
    # The shared set is never changed through one of them: a copy with a change has a set of its own.
    ada, grace = (Agent(given_name=given, family_name=family) for given, family in (("Ada", "Lovelace"), ("Grace", "Hopper")))
    assert ada.model_fields_set is grace.model_fields_set
    assert ada.model_copy(update={"orcid": "0000-0002-1825-0097"}).model_fields_set == {"given_name", "family_name", "orcid"}
    assert grace.model_fields_set == {"given_name", "family_name"}


def test_an_edited_record_is_checked_again_alone(root: Path, monkeypatch):
    check(root, monkeypatch)
    record = root / "datasets" / "three.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("A minimal dataset", "An edited dataset"), encoding="utf-8")
    checked, _, found = check(root, monkeypatch)
    assert checked == ["three.yaml"]
    assert found.find("10.23698/three").dataset.title == "An edited dataset"  # type: ignore[union-attr]
    assert len(entries(root)) == 3  # the entry of the old text is gone


def test_the_rules_across_records_run_again_on_records_from_the_cache(root: Path, monkeypatch):
    check(root, monkeypatch)
    (root / "datasets" / "one.yaml").unlink()
    checked, problems, _ = check(root, monkeypatch)
    assert checked == []
    assert problems == ["datasets/two.yaml:20:10: related[0].doi: no record in this register has the DOI 10.23698/one"]
    # The record with a problem of its own is kept out of the cache, and checked on every run.
    assert check(root, monkeypatch)[:2] == ([], problems)


def test_a_record_with_problems_of_its_own_is_checked_on_every_run(root: Path, monkeypatch):
    record = root / "datasets" / "three.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("published: 2020-01-01", "published: soon"), encoding="utf-8")
    checked, problems, _ = check(root, monkeypatch)
    assert checked == ALL and len(problems) == 1 and problems[0].startswith("datasets/three.yaml:4:12: published: ")
    assert check(root, monkeypatch)[:2] == (["three.yaml"], problems)


def test_a_changed_image_checks_its_record_again(root: Path, monkeypatch):
    check(root, monkeypatch)
    (root / "datasets" / "pictures" / "scan.png").write_bytes(b"not an image")
    checked, problems, _ = check(root, monkeypatch)
    assert checked == ["one.yaml"]
    assert problems[0] == "datasets/one.yaml:20:11: images[0].file: the file is not a readable PNG, JPEG, GIF or WebP image"


def test_an_image_replaced_by_a_link_to_outside_checks_its_record_again(root: Path, monkeypatch):
    check(root, monkeypatch)
    image = root / "datasets" / "pictures" / "scan.png"
    outside = root / "scan.png"
    outside.write_bytes(image.read_bytes())  # the very same bytes
    image.unlink()
    os.symlink(outside, image)
    checked, problems, _ = check(root, monkeypatch)
    assert checked == ["one.yaml"]
    assert problems[0] == "datasets/one.yaml:20:11: images[0].file: images must be inside the datasets folder"


def test_a_license_file_or_a_setting_checks_every_record_again(root: Path, monkeypatch):
    check(root, monkeypatch)
    summary = root / "licenses" / "aida-by" / "license.yaml"
    summary.write_text(summary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert check(root, monkeypatch)[0] == ALL
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Test Data Hub", "Another Data Hub"), encoding="utf-8")
    assert check(root, monkeypatch)[0] == ALL
    assert check(root, monkeypatch)[0] == []


def test_changed_code_checks_every_record_again(root: Path, monkeypatch):
    check(root, monkeypatch)
    monkeypatch.setattr(record_cache, "code_fingerprint", lambda: "another version of the register")
    assert check(root, monkeypatch)[0] == ALL


def test_a_check_from_another_folder_shows_its_own_paths(root: Path, monkeypatch):
    check(root, monkeypatch)
    monkeypatch.chdir(root / "datasets")
    record = root / "datasets" / "three.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("published: 2020-01-01", "published: soon"), encoding="utf-8")
    checked, problems, _ = check(root, monkeypatch)
    assert checked == ALL and problems[0].startswith("three.yaml:4:12: published: ")


def test_a_damaged_or_foreign_entry_is_a_miss(root: Path, monkeypatch):
    check(root, monkeypatch)
    damaged, foreign, *_ = entries(root)
    damaged.write_text("{not json", encoding="utf-8")
    entry = json.loads(foreign.read_text(encoding="utf-8"))
    foreign.write_text(json.dumps({**entry, "dataset": '{"doi": "not a DOI"}'}), encoding="utf-8")
    checked, problems, _ = check(root, monkeypatch)
    assert len(checked) == 2 and problems == []
    assert check(root, monkeypatch)[0] == []


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda path: path.name)
def test_every_case_record_reads_back_from_json_as_it_was(path: Path):
    """The cache keeps a record as pydantic writes it: reading that back must give the very same record."""
    from conftest import case_settings

    found, _ = verify.check(case_settings(), [path])
    dataset = next(entry.dataset for entry in found.entries if entry.doc.path == path)
    assert Dataset.model_validate_json(dataset.model_dump_json()) == dataset


# What a check reads from the record cache alone does not need: the renderers and what they load, the site
# builder, the MkDocs plugin, the process pool. Importing them was a third of such a check's time.
NOT_NEEDED = ("jinja2", "markdown", "nh3", "multiprocessing", "generator.build.site", "generator.mkdocs_plugin.plugin",
              "generator.render.landing", "generator.render.datacite", "mkdocs.plugins")
LOADED = """\
import sys
from generator.cli import main
sys.argv = ["register", "check"]
try:
    main()
except SystemExit as exit:
    print(sorted(name for name in sys.modules if name.startswith({names!r})), exit.code)
"""


def test_a_check_from_the_cache_imports_no_renderer(root: Path):
    def loaded() -> str:
        script = LOADED.format(names=NOT_NEEDED)
        return subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                              check=True).stdout.splitlines()[-1]

    assert "generator.render.datacite" in loaded(), "a record checked afresh is rendered as DataCite metadata"
    assert loaded() == "[] 0"
    (root / "datasets" / "three.yaml").write_text(MINIMAL.format(name="three") + "keywords: [Edited]\n", encoding="utf-8")
    assert "generator.render.datacite" in loaded()
