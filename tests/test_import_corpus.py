"""`register import jekyll` on hand-made old pages (tests/import_corpus): no change in legal meaning.

Each page has one license wording or one kind of disagreement between its metadata and its text.
After the import, the licenses each dataset's page shows have the same purpose clause, holders and
year, co-authors, acknowledgement, works to cite and access conditions as the old page's text, and
every difference between old and new wording is reported with the old file's line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import config
from generator.build import verify
from generator.build.site import context
from generator.importers import license_match
from generator.render import license_text

from conftest import add_deidentification, make_register

CORPUS = Path(__file__).resolve().parent / "import_corpus"
PAGES = sorted(CORPUS.glob("*.md"))
PAGES = [page for page in PAGES if page.name != "README.md"]

# What each page's licenses become: (template, version) when its text is a version word for word,
# ("own", nearest version) when the record keeps the page's text as the dataset's own license.
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "by-policy-1-2-4": [("controlled-access", "1.1"), ("aida-by", "1.0")],
    "ca-policy-1-2-3": [("aida-ca", "1.1")],
    "by-ca-acknowledgement": [("aida-by-ca", "1.1")],
    "by-hub-wording": [("own", "aida-by 1.1")],
    "research-or-education": [("own", "aida 1.0")],
    "name-says-ca-text-says-by": [("aida-by", "1.1")],
    "metadata-other-family": [("aida-by", "1.0")],
    "own-access-conditions": [("controlled-access", "1.1"), ("aida", "1.1")],
    "cites-only-the-paper": [("own", "aida-by 1.1")],
    "derived-from-a-source": [("aida-by", "1.1")],
}

# Every difference between the old page and a version, and every disagreement, is reported at its line.
REPORTED = {
    "by-hub-wording": [":53: the text under 'AIDA BY license' is no version of licenses/: the record keeps it word for "
                       "word as the dataset's own license text; the nearest is aida-by 1.1, which differs: … "
                       "modify, and/or distribute this data within [-AIDA (Analytic-] {+Analytic+} Imaging Diagnostics "
                       "Arena {+(AIDA+} https://medtech4health.se/aida) for the purpose of medical … of this data cite "
                       "the following [-publications:-] {+works:+} …"],
    "research-or-education": [":53: the text under 'AIDA license' is no version of licenses/", "the nearest is aida 1.0, "
                              "which differs: … Arena https://medtech4health.se/aida) for the purpose of [-medical "
                              "imaging-] research {+or education+} with or without fee is hereby …"],
    "name-says-ca-text-says-by": [":53: the text under 'AIDA BY CA license' has the wording of AIDA BY license 1.1, not of "
                                  "the AIDA BY CA license; the record takes the text's license",
                                  ":39: the summary 'Free for use within AIDA with attribution and co-authorship.' does "
                                  "not fit the AIDA BY CA license: its text does not ask for co-authorship; the summary is "
                                  "left out"],
    "metadata-other-family": [":36: the metadata names 'AIDA license', but the page's license text has 'AIDA BY license'; "
                              "the page's text is what people agreed to, so the record takes it and leaves this name out",
                              ":53: the page's text has a license 'AIDA BY license' that the metadata does not name"],
    "own-access-conditions": [":57: the old page shows the old site's shared text data-access-requirements.md here"],
    "cites-only-the-paper": [":58: the text under 'AIDA BY license' does not ask to cite the dataset itself, as aida-by "
                             "1.1 does: the record keeps it word for word as the dataset's own license text"],
    "derived-from-a-source": [":44: how this dataset relates to 'An anatomical atlas' is not clear from the old record "
                              "(@type CreativeWork)"],
}


def meaning(text: str) -> dict[str, Any]:
    """What a license text binds people to, whatever its wording around it."""
    flat = license_match.normalise(text)
    purpose = re.search(r"for the purpose of (.+?) with or without fee", flat)
    holders = re.search(r"Copyright (\d{4}) (.+?) Permission", flat)
    block = license_match.works_block(text)
    return {
        "purpose": purpose.group(1) if purpose else None,
        "copyright": holders.groups() if holders else None,
        "within AIDA": "within AIDA" in flat or "Diagnostics Arena (AIDA" in flat,
        **license_match.obligations(text),
        "works": sorted(license_match.cited_links(block)) if block is not None else None,
        "access": None if purpose else flat,  # a text without a purpose clause: the access conditions themselves
    }


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("corpus")
    folder = root / "old" / "_datasets" / "10.23698" / "aida"
    folder.mkdir(parents=True)
    for page in PAGES:
        shutil.copy(page, folder / page.name)
    register = make_register(root / "register")
    result = subprocess.run([sys.executable, "-m", "generator", "import", "jekyll", str(root / "old")],
                            capture_output=True, text=True, cwd=register)
    assert result.returncode == 0, result.stderr
    return register, result.stdout


def test_the_corpus_has_a_page_per_wording_and_per_disagreement():
    assert sorted(page.stem for page in PAGES) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_text_is_pinned_to_its_version_or_kept_word_for_word(imported, name):
    register, _ = imported
    record = yaml.safe_load((register / "datasets" / f"aida-{name}.yaml").read_text(encoding="utf-8"))
    found = [("own", entry["nearest"]) if "text" in entry else (entry["id"], entry["version"])
             for entry in record["licenses"]]
    assert found == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(REPORTED))
def test_every_difference_is_reported_at_its_line(imported, name):
    _, out = imported
    lines = [line.strip() for line in out.splitlines() if f"aida/{name}.md:" in line]
    for expected in REPORTED[name]:
        assert any(expected in line for line in lines), (expected, lines)


def give_the_reported_relation(register: Path) -> int:
    """What the steward does after the report: say how the dataset relates to the unclear work, and
    remove each `# import:` note once read (here: all of them, as this test checks the licenses only)."""
    path = register / "datasets" / "aida-derived-from-a-source.yaml"
    text, count = re.subn(r'relation: "FILL IN: how this dataset relates[^"]*"', 'relation: "references"',
                          path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    for record in (register / "datasets").glob("*.yaml"):
        record.write_text(re.sub(r"(?m)^ *# import: .*\n", "", record.read_text(encoding="utf-8")), encoding="utf-8")
    return count


def give_the_deidentification_statements(register: Path) -> int:
    """What the steward adds that no old register holds: how the data of patients was made anonymous."""
    count = 0
    for path in (register / "datasets").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^origin: \"?Clinical", text, re.MULTILINE) and "deidentification:" not in text:
            add_deidentification(path)
            count += 1
    return count


def test_the_imported_register_passes_once_the_reported_relation_is_given(imported):
    register, out = imported
    reported = out.split("What register check reports on the imported records", 1)[1]
    assert "datasets/aida-derived-from-a-source.yaml:" in reported
    give_the_reported_relation(register)
    give_the_deidentification_statements(register)
    problems = verify.check(config.load(register / "mkdocs.yml"))[1]
    assert [str(problem) for problem in problems] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_no_license_changes_in_legal_meaning(imported, page):
    register, _ = imported
    give_the_reported_relation(register)
    settings = config.load(register / "mkdocs.yml")
    entries = verify.check(settings)[0]
    entry = entries.find(f"10.23698/aida/{page.stem}")
    assert entry is not None
    old_text = page.read_text(encoding="utf-8")
    front, body = re.match(r"---\n(.*?\n)---\n?(.*)", old_text, re.DOTALL).groups()
    meta = yaml.safe_load(front)["datacite"]
    old = [meaning(section.text) for section in license_match.page_sections(body, 1, meta)]
    new = [meaning(text.markdown or "") for text in license_text.build(entry.dataset, context(entries))]
    key = lambda item: repr(sorted(item.items()))  # noqa: E731 - the licenses may come in another order
    assert sorted(new, key=key) == sorted(old, key=key)


def test_a_source_dataset_the_data_was_derived_from_is_is_derived_from(imported):
    register, _ = imported
    record = yaml.safe_load((register / "datasets" / "aida-derived-from-a-source.yaml").read_text(encoding="utf-8"))
    source = record["related"][0]
    assert (source["relation"], source["doi"], source["type"], source["must_cite"]) == (
        "is-derived-from", "10.7937/k9/tcia.2015.pf0m9rei", "dataset", True)


def test_own_access_conditions_are_shown_as_written_and_nothing_is_added(imported):
    register, _ = imported
    give_the_reported_relation(register)
    settings = config.load(register / "mkdocs.yml")
    entries = verify.check(settings)[0]
    entry = entries.find("10.23698/aida/own-access-conditions")
    assert entry is not None
    access = license_text.build(entry.dataset, context(entries))[0]
    assert access.markdown == ("Access is given to a teacher or a PhD candidate, for teaching or for a thesis.\n"
                               "An authorised signatory of the applicant's institution must sign the agreement.\n")


def test_an_access_section_with_only_the_old_sites_shared_text_is_left_for_a_person(tmp_path: Path):
    """No text of its own: no version can be chosen from it, and none is guessed."""
    folder = tmp_path / "old" / "_datasets" / "10.23698" / "aida"
    folder.mkdir(parents=True)
    page = (CORPUS / "own-access-conditions.md").read_text(encoding="utf-8")
    page = re.sub(r"(### Controlled access\n).*?\n\n(\{% include)", r"\1\2", page, flags=re.DOTALL)
    (folder / "own-access-conditions.md").write_text(page, encoding="utf-8")
    register = make_register(tmp_path / "register")
    result = subprocess.run([sys.executable, "-m", "generator", "import", "jekyll", str(tmp_path / "old")],
                            capture_output=True, text=True, cwd=register)
    assert ("datasets/aida-own-access-conditions.yaml:41:14: licenses[0].version: fill this in: the page shows no "
            "text of its own under 'Controlled access', only the old site's shared text; choose the version whose "
            "text says the same") in result.stdout
