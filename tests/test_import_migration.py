"""Migrating a register loses nothing (issue 14): every record converts, every fact is accounted for.

The old site is tests/import_corpus/migration (one hand-made record per defect class a real
migration met); the accounting is also checked over the license corpus and the three AIDA records.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, add_deidentification, make_register
from fake_datacite import FakeDataCite, FakeServer

MIGRATION = ROOT / "tests" / "import_corpus" / "migration"
COLLECTIONS = ROOT / "tests" / "import_corpus" / "collections"  # a record in a collection, and the collection's old page
RECORDS = MIGRATION / "_datasets" / "10.23698" / "aida"


def import_site(site: Path, register: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "import", "jekyll", str(site)],
                          capture_output=True, text=True, cwd=register)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    register = make_register(tmp_path_factory.mktemp("migration") / "register")
    result = import_site(MIGRATION, register)
    assert result.returncode == 0, result.stdout + result.stderr
    return register, result.stdout


def record(register: Path, name: str) -> str:
    return (register / "datasets" / f"aida-{name}.yaml").read_text(encoding="utf-8")


def count_leaves(value: Any) -> int:
    if isinstance(value, dict) and value:
        return sum(count_leaves(item) for item in value.values())
    if isinstance(value, list) and value:
        return sum(count_leaves(item) for item in value)
    return 1


def old_fact_count(page: Path) -> int:
    """Front-matter leaves plus body sections, counted here independently of the importer."""
    front, body = re.match(r"---\n(.*?\n)---\n?(.*)", page.read_text(encoding="utf-8"), re.DOTALL).groups()
    headings = re.findall(r"^#{1,6} ", body, re.MULTILINE)
    before = re.split(r"^#{1,6} ", body, maxsplit=1, flags=re.MULTILINE)[0]
    return count_leaves(yaml.safe_load(front)) + len(headings) + (1 if before.strip() else 0)


def old_site(root: Path) -> Path:
    """Every hand-made and real old record of the tests in one Jekyll site."""
    shutil.copytree(MIGRATION, root)
    folder = root / "_datasets" / "10.23698" / "aida"
    for page in [*(ROOT / "tests" / "import_corpus").glob("*.md"), *(ROOT / "tests" / "fixtures" / "aida").glob("*.md"),
                 *(COLLECTIONS / "_datasets").rglob("*.md")]:
        if page.name != "README.md":
            shutil.copy(page, folder / page.name)
    return root


def test_no_fact_of_the_test_corpus_disappears_without_a_line_in_the_report(tmp_path: Path):
    site = old_site(tmp_path / "old")
    register = make_register(tmp_path / "register")
    result = import_site(site, register)
    assert "Traceback" not in result.stderr
    report = json.loads((register / "import-report.json").read_text(encoding="utf-8"))
    markdown = (register / "import-report.md").read_text(encoding="utf-8")
    pages = sorted((site / "_datasets").rglob("*.md"))
    assert len(report["records"]) == len(pages) > 15
    for entry in report["records"]:
        page = next(page for page in pages if entry["source"].endswith(page.relative_to(site).as_posix()))
        facts = entry["facts"]
        assert entry["converted"], entry["source"]
        assert len(facts) == old_fact_count(page), page.name
        for fact in facts:
            assert fact["status"] in ("carried", "changed", "not carried")
            assert fact["new_key"] if fact["status"] != "not carried" else fact["why"], fact
            assert "gives no reason" not in (fact["why"] or ""), (page.name, fact)  # each loss is explained
        section = markdown.split(f"## {entry['source']}\n", 1)[1].split("\n## ", 1)[0]
        assert section.count("\n| ") - 1 == len(facts)  # one table row per fact (and the header)
    totals = report["counts"]
    assert sum(totals.values()) == sum(len(entry["facts"]) for entry in report["records"])
    assert (f"Facts of the old records: {sum(totals.values())}: {totals['carried']} carried, {totals['changed']} changed, "
            f"{totals['not carried']} not carried; each one is in import-report.md and import-report.json") in result.stdout


def test_a_fact_is_reported_as_carried_changed_or_not_carried_with_its_reason(migrated):
    register, _ = migrated
    report = json.loads((register / "import-report.json").read_text(encoding="utf-8"))
    facts = {(Path(entry["source"]).stem, fact["key"]): fact for entry in report["records"] for fact in entry["facts"]}
    assert facts[("stale-modified", "datacite.name")] | {} == {
        "key": "datacite.name", "line": 6, "old": "Example dataset stale-modified", "status": "carried",
        "new_key": "title", "new": None, "why": None}
    assert facts[("stale-modified", "other.status")]["new"] == "completed"
    assert facts[("stale-modified", "datacite.author[0].@id")]["new_key"] == "authors[0].orcid"
    assert facts[("stale-modified", "datacite.publisher.name")]["why"] == (
        "the publisher is the register's setting (publisher in mkdocs.yml); the import says which value keeps what "
        "DataCite holds")
    assert facts[("organ-without-snomed", "other.organ[0].name")]["new_key"] == "organs[0].name"
    assert facts[("sections-in-order", "text: ## Attribution")]["new_key"] == "usage_notes"
    # Where equal values stand in several places, the fact is the one in the like place.
    assert facts[("stale-modified", "datacite.author[0].name")]["new_key"] == "authors[0]"  # not contacts[1].name
    assert facts[("stale-modified", "datacite.provider[1].name")]["new_key"] == "contacts[1].name"
    assert facts[("stale-modified", "datacite.about")]["new_key"] == "field"  # not keywords[0]


def test_a_moved_preview_converts_under_its_doi_and_its_old_address_redirects(migrated):
    register, out = migrated
    assert "Not converted: 0" in out
    text = record(register, "moved-hidden")
    assert 'doi: "10.23698/aida/moved-hidden"\n' in text and "hidden: true\n" in text
    assert 'old_paths:\n  - "10.23698/aida/moved-hidden-v1"\n' in text
    assert ("# import: the record is converted under its DOI 10.23698/aida/moved-hidden, but the url says "
            "10.23698/aida/moved-hidden-v1 and the file path says 10.23698/aida/moved-hidden-v1; the old page addresses "
            "are kept as old_paths, which redirect to the new page (old line 6)\ndoi:") in text


def test_the_apply_for_access_link_and_the_access_requirements_are_kept(migrated):
    register, _ = migrated
    data = yaml.safe_load(record(register, "rems-requirements"))
    assert data["access"] == {
        "rems_url": "https://rems.example.org/apply-for?resource=https://doi.org/10.23698/aida/rems-requirements",
        "eligibility": (MIGRATION / "_includes" / "data-access-requirements.md").read_text(encoding="utf-8"),
    }


def test_body_sections_keep_their_order_and_headings(migrated):
    register, _ = migrated
    assert yaml.safe_load(record(register, "sections-in-order"))["usage_notes"] == (
        "Scans from two hospitals.\n\n### Data description\nOne folder per patient.\n\n### File formats\n"
        "DICOM, with masks as NIfTI.\n\n#### Masks\nOne mask per lesion.\n\n### Attribution\n"
        "Please acknowledge the radiologists of Example Hospital.\n")


def test_a_missing_value_is_asked_for_never_written_as_none(migrated):
    register, out = migrated
    for path in (register / "datasets").glob("*.yaml"):
        assert '"None"' not in path.read_text(encoding="utf-8"), path.name
    organs = yaml.safe_load(record(register, "organ-without-snomed"))["organs"]
    assert organs == [{"name": "Liver", "snomed": "FILL IN: the SNOMED CT id of Liver"}, {"name": "Lung", "snomed": "39607008"}]
    assert "organs[0].snomed: fill this in: the SNOMED CT id of Liver" in out


def test_a_provider_organisation_keeps_its_web_address(migrated):
    register, _ = migrated
    contacts = yaml.safe_load(record(register, "stale-modified"))["contacts"]
    assert contacts[0] == {"name": "AIDA Data Hub", "email": "aida-data@nbis.se", "url": "https://datahub.aida.scilifelab.se"}


def test_each_note_stands_in_the_record_and_check_reports_it_until_removed(migrated, tmp_path: Path):
    register, _ = migrated
    copy = tmp_path / "register"
    shutil.copytree(register, copy)
    text = record(copy, "stale-modified")
    note = ("# import: dateModified 2020-03-02 is older than the change noted here (2021-06-01); the new record keeps "
            "2020-03-02: update modified if the data changed (old line 35)")
    assert note in text
    line = text.splitlines().index(note) + 1
    checked = subprocess.run([sys.executable, "-m", "generator", "check"], capture_output=True, text=True, cwd=copy)
    assert checked.returncode == 1
    assert (f"datasets/aida-stale-modified.yaml:{line}:1: (import note): the import left a note here: "
            f"{note.removeprefix('# import: ')}; when it is dealt with, delete the comment") in checked.stdout + checked.stderr
    (copy / "datasets" / "aida-stale-modified.yaml").write_text(text.replace(note + "\n", ""), encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "generator", "check"], capture_output=True, text=True, cwd=copy)
    assert [line for line in (checked.stdout + checked.stderr).splitlines()
            if "aida-stale-modified.yaml" in line and "(import note)" in line] == []


def strip_notes(register: Path) -> None:
    """What the steward does once each `# import:` note is dealt with, and with what the old records never said
    (how the clinical data was made anonymous)."""
    for path in (register / "datasets").glob("*.yaml"):
        path.write_text(re.sub(r"(?m)^ *# import: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
        add_deidentification(path)


def register_doi(root: Path, fake: FakeDataCite, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATACITE_USERNAME": fake.username, "DATACITE_PASSWORD": fake.password, "DATACITE_URL": fake.url}
    return subprocess.run([sys.executable, "-m", "generator", "doi", *args], capture_output=True, text=True, env=env, cwd=root)


def test_after_a_migration_the_first_doi_plan_changes_nothing_datacite_holds(tmp_path: Path):
    register = make_register(tmp_path / "register")
    settings = register / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "https://register.example.org/", "https://datahub.aida.scilifelab.se/"), encoding="utf-8")
    result = import_site(MIGRATION, register)
    advice = [line for line in result.stdout.splitlines() if line.startswith("The old records give")]
    assert [line.split(", as DataCite")[0] for line in advice] == [
        "The old records give landing_url_slash false", 'The old records give publisher "AIDA"']
    (register / "datasets" / "aida-organ-without-snomed.yaml").unlink()  # it waits for a SNOMED id
    strip_notes(register)
    fake = FakeDataCite(domains="datahub.aida.scilifelab.se")
    with FakeServer(fake) as url:
        fake.url = url
        # DataCite holds what the old register registered: its publisher name, and each url as the old record has it.
        assert register_doi(register, fake, "sync").returncode == 0
        old_urls = {}
        for page in RECORDS.glob("*.md"):
            front = yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])["datacite"]
            old_urls[front["@id"].removeprefix("https://doi.org/")] = front["url"]
        # a preview is not registered; the record that waits for its SNOMED id is not in the register yet
        assert set(fake.store) == set(old_urls) - {"10.23698/aida/organ-without-snomed", "10.23698/aida/moved-hidden"}
        for doi, stored in fake.store.items():  # the old register wrote no fingerprint of this register's
            kept = [entry for entry in stored["attributes"].get("alternateIdentifiers") or []
                    if entry.get("alternateIdentifierType") != "dataset-register fingerprint"]
            stored["attributes"] |= {"publisher": "AIDA", "url": old_urls[doi], "alternateIdentifiers": kept}

        unchanged_settings = register_doi(register, fake, "plan")
        assert "3 to update" in unchanged_settings.stdout, unchanged_settings.stdout  # what the issue measured
        assert '    publisher: "AIDA" → "Test Data Hub"\n' in unchanged_settings.stdout

        text = settings.read_text(encoding="utf-8")
        settings.write_text(text.replace("      publisher: Test Data Hub\n",
                                         '      publisher: "AIDA"\n      landing_url_slash: false\n'), encoding="utf-8")
        planned = register_doi(register, fake, "plan")
        assert planned.returncode == 0, planned.stderr
        # No registered value changes: the only write is the register's fingerprint, which the old register never wrote.
        assert planned.stdout == "".join(
            f"update  10.23698/aida/{name}  datasets/aida-{name}.yaml (records the fingerprint)  [up to date]\n"
            for name in ("rems-requirements", "sections-in-order", "stale-modified")
        ) + "Plan: 0 to create, 3 to update, 0 to publish, 0 to hide, 1 unchanged.\n", planned.stdout


def git(folder: Path, *args: str, day: str | None = None) -> None:
    stamp = f"{day}T12:00:00+00:00" if day else ""
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": "Old register",
           "GIT_AUTHOR_EMAIL": "old@example.org", "GIT_COMMITTER_NAME": "Old register", "GIT_COMMITTER_EMAIL": "old@example.org"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


def test_modified_comes_from_the_last_commit_that_changed_the_metadata(tmp_path: Path):
    site = tmp_path / "old"
    shutil.copytree(MIGRATION, site)
    page = site / "_datasets" / "10.23698" / "aida" / "rems-requirements.md"
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "Publish", day="2020-03-02")
    page.write_text(page.read_text(encoding="utf-8").replace("numberOfScans: 12", "numberOfScans: 14"), encoding="utf-8")
    git(site, "commit", "-q", "-am", "Two more scans", day="2021-06-01")
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence of the page's text.\n", encoding="utf-8")
    git(site, "commit", "-q", "-am", "Text only", day="2022-01-01")  # the metadata did not change
    register = make_register(tmp_path / "register")
    result = import_site(site, register)
    text = record(register, "rems-requirements")
    assert re.search(r'published: "2020-03-02"\n# import: modified is 2021-06-01, .*\nmodified: "2021-06-01"\n', text), text
    assert re.search(r"rems-requirements\.md:33: modified is 2021-06-01, the date of commit [0-9a-f]{7}, the last change "
                     r"to this record's metadata in the old repository; dateModified said 2020-03-02: check the date",
                     result.stdout), result.stdout
    assert 'modified: "2020-03-02"' in record(register, "stale-modified")  # its one commit is not later


def test_membership_flags_become_collections_and_the_setting_is_proposed(tmp_path: Path):
    register = make_register(tmp_path / "register")
    result = import_site(COLLECTIONS, register)
    assert result.returncode == 0, result.stdout + result.stderr
    imported = yaml.safe_load((register / "datasets" / "aida-in-a-collection.yaml").read_text(encoding="utf-8"))
    assert imported["collections"] == ["lungscreen"]  # from the flag and the layout, once; teaching: no is no member
    report = json.loads((register / "import-report.json").read_text(encoding="utf-8"))
    facts = {fact["key"]: fact for fact in report["records"][0]["facts"]}
    assert (facts["lungscreen"]["status"], facts["lungscreen"]["new_key"]) == ("changed", "collections[0]")
    assert (facts["layout"]["status"], facts["layout"]["new_key"]) == ("changed", "collections[0]")
    assert facts["teaching"]["new"] == "not a member of the collection teaching (teaching: no)"

    # The setting, with what the old site's page of the collection says: nothing of the old register is lost.
    proposal = (register / "import-collections.yml").read_text(encoding="utf-8")
    assert "their setting for mkdocs.yml, with what the old site says of each, is in import-collections.yml" in result.stdout
    assert yaml.safe_load(proposal) == {"collections": {"lungscreen": {
        "title": "Lung Screening Study datasets",
        "description": "Low-dose CT scans of the Lung Screening Study, shared through the data hub.",
        "url": "https://lungscreen.example.org/", "access": "https://lungscreen.example.org/data-access/"}}}
    assert "# from the old site's datasets/lungscreen/index.md" in proposal

    # The license text's link to the old collection page would break: a note says so, where the fix is made.
    record_text = (register / "datasets" / "aida-in-a-collection.yaml").read_text(encoding="utf-8")
    assert ("licenses:\n  # import: the page text links to the old site's page of the collection lungscreen "
            "(/datasets/lungscreen/#access); on this site it is collections/lungscreen/") in record_text

    # Pasted into mkdocs.yml, the setting makes the collection's page with its title and access procedure.
    settings = register / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n".join(
        "      " + line for line in proposal.splitlines() if not line.startswith("#")) + "\n", encoding="utf-8")
    strip_notes(register)
    from generator import config
    from generator.build import verify
    from generator.build.site import build_tree, loaded

    tree = loaded(build_tree(verify.load_catalog(config.load(settings))))
    page = tree["collections/lungscreen/index.md"]
    assert page.title == "Lung Screening Study datasets"  # type: ignore[union-attr]
    assert 'href="https://lungscreen.example.org/data-access/">Access procedure</a>' in page.body  # type: ignore[union-attr]


def test_a_flag_without_a_page_of_the_old_site_is_proposed_under_its_name(tmp_path: Path):
    site = tmp_path / "old"
    shutil.copytree(COLLECTIONS / "_datasets", site / "_datasets")  # the collection's own page is not there
    register = make_register(tmp_path / "register")
    assert import_site(site, register).returncode == 0
    proposal = yaml.safe_load((register / "import-collections.yml").read_text(encoding="utf-8"))
    assert proposal == {"collections": {"lungscreen": {"title": "Lungscreen"}}}
