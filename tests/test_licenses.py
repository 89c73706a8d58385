"""The AIDA licenses word for word against the policy text, and the guard on published wording."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator import catalog, config
from generator.licenses import load_library, publish
from generator.render.license_text import fill

from conftest import ROOT, case_settings

REFERENCE = (ROOT / "tests" / "reference" / "aida-license-templates.md").read_text(encoding="utf-8")
LIBRARY = load_library(ROOT / "licenses")
WORKS = ["Sjöblom T, Fröding T. CTPA data. AIDA; 2019. <https://doi.org/10.23698/aida/ctpa>", "Paper one.", "Paper two."]


def reference_example(name: str) -> str:
    """The 'Example:' text of one license in the policy, up to the next license's heading."""
    section = REFERENCE.split(f"\n{name}\n", 1)[1]
    example = section.split("Example:\n", 1)[1]
    return re.split(r"\n(AIDA [A-Z ]*license|```)\n", example)[0]


def words(text: str) -> str:
    """Compare wording, not line breaks (the policy's text was extracted from a PDF)."""
    return " ".join(text.split())


def expected(name: str, *, acknowledgement: str | None, co_authors: str | None) -> str:
    text = reference_example(name)
    text = text.replace("<Year>", "2019").replace("<Copyright holder>", "Uppsala University, Tobias Sjöblom")
    ack = f"include the following acknowledgement text “{acknowledgement}” and " if acknowledgement else ""
    text = re.sub(r"<(OPTIONAL|optional): include the following acknowledgement text \"...” and> ", ack, text)
    text = text.replace("<optional: cite the following publications:", "cite the following publications:")
    text = text.replace(" <optional: NN, NN, and NN>", f" {co_authors}" if co_authors else "")
    text = text.replace("<This dataset>", WORKS[0]).replace("<Paper 1>", WORKS[1]).replace("<Paper 2>", WORKS[2])
    assert "<" not in text.replace("<https://", ""), f"a placeholder is left in {text!r}"
    return text


@pytest.mark.parametrize(
    "license_id, name",
    [("aida", "AIDA license"), ("aida-by", "AIDA BY license"), ("aida-ca", "AIDA CA license"), ("aida-by-ca", "AIDA BY CA license")],
)
@pytest.mark.parametrize("acknowledgement, co_authors", [(None, None), ("Data from AIDA.", "Ann A, Bo B, and Cy C")])
def test_aida_license_matches_the_policy_word_for_word(license_id, name, acknowledgement, co_authors):
    template = LIBRARY.templates[license_id]
    values = {"year": "2019", "holders": "Uppsala University, Tobias Sjöblom", "works": WORKS}
    if "acknowledgement" in template.parameters:
        values["acknowledgement"] = acknowledgement
    if "co_authors" in template.parameters:
        values["co_authors"] = co_authors
    want = expected(name, acknowledgement=acknowledgement if "acknowledgement" in template.parameters else None,
                    co_authors=co_authors if "co_authors" in template.parameters else None)
    assert words(fill(template, "1.0", values)) == words(want)


def test_every_published_version_is_unchanged():
    assert LIBRARY.problems == []


@pytest.fixture
def licenses_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "licenses", tmp_path / "licenses")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "licenses"


def test_a_changed_text_under_an_old_version_is_caught(licenses_copy: Path):
    text = licenses_copy / "aida-by" / "1.0.md.j2"
    text.write_text(text.read_text(encoding="utf-8").replace("medical imaging research", "any research"), encoding="utf-8")
    assert [str(p) for p in load_library(licenses_copy).problems] == [
        "licenses/aida-by/1.0.md.j2:1:1: (license): the wording of aida-by 1.0 differs from the published one; "
        "records link to that text, so keep it and put the new wording in a new version (e.g. 1.1.md.j2)"
    ]


def test_a_new_version_must_be_published_and_publishing_keeps_the_old_ones(licenses_copy: Path):
    before = (licenses_copy / "published.sha256").read_text(encoding="utf-8")
    shutil.copy(licenses_copy / "aida-by" / "1.0.md.j2", licenses_copy / "aida-by" / "1.1.md.j2")
    assert [str(p) for p in load_library(licenses_copy).problems] == [
        "licenses/aida-by/1.1.md.j2:1:1: (license): version 1.1 of 'aida-by' is not published yet; "
        "run 'register licenses publish' to record its wording"
    ]
    assert publish(licenses_copy) == ["aida-by/1.1.md.j2"]
    after = (licenses_copy / "published.sha256").read_text(encoding="utf-8")
    assert set(before.splitlines()) < set(after.splitlines())
    assert load_library(licenses_copy).problems == []
    assert LIBRARY.templates["aida-by"].latest == "1.0"
    assert load_library(licenses_copy).templates["aida-by"].latest == "1.1"


def test_records_without_a_version_get_the_newest_and_keep_a_pinned_one():
    settings = case_settings()
    full = catalog.load_catalog(settings).find("10.23698/aida/example-full")
    assert full is not None and full.dataset.licenses[0].version == "1.0"
