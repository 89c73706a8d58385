"""`register import datacite` (issue 14, items 7 and 8): the DOIs a prefix holds at DataCite become records.

The fake DataCite holds a few hundred DOIs of varied shapes (tests/datacite_shapes.py). The round
trip is the contract: for every imported DOI, the datacite.json the register then builds equals
what DataCite holds, field by field, apart from the differences the import report names.
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
from datacite_shapes import varied

from generator import config as config_module
from generator.build import verify
from generator.build.site import context
from generator.check import catalog as catalog_module
from generator.importers import datacite as importer
from generator.registration import plan
from generator.render import datacite
from generator.source.loader import IMPORT_NOTE_KEY

from conftest import make_register
from fake_datacite import FakeDataCite, FakeServer, Fault

PREFIX = "10.23698"
COUNT = 300
HIDDEN = f"{PREFIX}/hidden-at-datacite"  # registered, not findable, not withdrawn


def import_datacite(register: Path, url: str, *args: str, credentials: bool = True) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATACITE_")} | {"DATACITE_URL": url}
    if credentials:
        env |= {"DATACITE_USERNAME": "AIDA.REGISTER", "DATACITE_PASSWORD": "fake-password"}
    return subprocess.run([sys.executable, "-m", "generator", "import", "datacite", *args],
                          capture_output=True, text=True, cwd=register, env=env)


def seeded() -> FakeDataCite:
    fake = FakeDataCite()
    for doi, attributes, state in varied(PREFIX, COUNT):
        fake.add_registered(doi, attributes, state)
    some = varied(PREFIX, 1)[0][1]
    fake.add_registered("10.5555/another-prefix", some)  # the same repository, another prefix
    fake.add_registered(f"{PREFIX}/another-repository", some, repository="other.repository")
    fake.add_registered(HIDDEN, some | {"url": f"https://register.example.org/{HIDDEN}/"}, state="registered")
    return fake


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, FakeDataCite, dict[str, Any]]:
    fake = seeded()
    register = make_register(tmp_path_factory.mktemp("datacite") / "register")
    with FakeServer(fake) as url:
        result = import_datacite(register, url, "--prefix", PREFIX, "--client", "aida.register")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((register / "import-report.json").read_text(encoding="utf-8"))
    return register, result.stdout, fake, report


def ours(fake: FakeDataCite) -> dict[str, dict[str, Any]]:
    return {doi: record for doi, record in fake.store.items()
            if doi.startswith(PREFIX + "/") and record["client"] == "aida.register"}


def test_every_doi_of_the_prefix_and_repository_becomes_a_record(imported: Any) -> None:
    register, stdout, fake, report = imported
    files = {path.stem for path in (register / "datasets").glob("*.yaml")}
    expected = {catalog_module.expected_file_stem(doi) for doi in ours(fake)}
    assert files == expected
    assert len(files) == COUNT + 1
    assert "another-prefix" not in files and "another-repository" not in files
    assert {record["doi"] for record in report["records"]} == set(ours(fake))
    assert fake.writes() == [] and fake.attempts() == []  # read only
    assert f"{COUNT + 1} records written" in stdout


def _report_by_doi(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {record["doi"]: record for record in report["records"]}


def test_the_report_accounts_for_every_value_datacite_holds(imported: Any) -> None:
    _, stdout, fake, report = imported
    by_doi = _report_by_doi(report)
    for doi in ours(fake):
        facts = {fact["key"] for fact in by_doi[doi]["facts"] if fact["old"]}
        document = fake._document(doi, {"publisher": ["true"], "affiliation": ["true"]})["attributes"]
        held = {importer.base.key_text(path) for path, value in importer.base.leaves(document)
                if path and value not in (None, "", [], {})}
        assert held - facts == set(), doi
    unexplained = [(record["doi"], fact["key"]) for record in report["records"] for fact in record["facts"]
                   if fact["why"] == importer.base.UNMAPPED]
    assert unexplained == []
    assert "with no reason" not in stdout


def notes_dealt_with(register: Path, copy: Path) -> Path:
    """The register after a person has read every `# import:` note and deleted it (and changed nothing else)."""
    shutil.copytree(register, copy)
    for path in (copy / "datasets").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^\s*# import: .*\n", "", text), encoding="utf-8")
    return copy


def test_round_trip_equals_what_datacite_holds_apart_from_what_the_report_names(imported: Any, tmp_path: Path) -> None:
    register, _, fake, report = imported
    config = config_module.load(notes_dealt_with(register, tmp_path / "register") / "mkdocs.yml")
    catalog, problems = verify.check(config)
    assert all(problem.message.startswith("fill this in") for problem in problems)
    ctx = context(catalog)
    by_doi = _report_by_doi(report)
    exact = 0
    for entry in catalog.entries:
        doi = entry.dataset.doi
        theirs = plan.normalise(fake.store[doi]["attributes"])
        built = plan.normalise(datacite.build(entry.dataset, ctx))
        named = {fact["key"].split(".")[0].split("[")[0] for fact in by_doi[doi]["facts"] if fact["status"] != "carried"}
        differing = {key for key in plan.MANAGED if theirs.get(key) != built.get(key)}
        assert differing <= named, (doi, differing - named)
        assert named & set(plan.MANAGED) <= differing, (doi, (named & set(plan.MANAGED)) - differing)
        exact += not differing
    # Most records are built (the others wait for a person's FILL IN), and the DOIs written as the register
    # writes them come back unchanged.
    assert len(catalog.entries) >= 0.8 * COUNT
    assert exact >= 0.4 * COUNT


def test_register_check_reports_only_the_imports_notes_and_fill_ins_at_their_lines(imported: Any) -> None:
    register, _, _, _ = imported
    config = config_module.load(register / "mkdocs.yml")
    _, problems = verify.check(config)
    notes: dict[str, list[int]] = {}
    for problem in problems:
        if problem.key == IMPORT_NOTE_KEY:
            notes.setdefault(problem.path, []).append(problem.line)
    others = [problem for problem in problems if problem.key != IMPORT_NOTE_KEY]
    for problem in others:
        assert problem.message.startswith("fill this in"), str(problem)
        # the note that says what to fill in stands just above
        assert any(0 < problem.line - line <= 3 for line in notes.get(problem.path, [])), str(problem)
    assert notes  # every record has the contacts' e-mail note
    assert len({problem.path for problem in others}) < 0.2 * COUNT


def test_notes_stand_above_the_key_they_concern(imported: Any) -> None:
    register, _, fake, _ = imported
    doi = next(doi for doi, record in ours(fake).items()
               if any(s.get("subjectScheme") == "MeSH" for s in record["attributes"].get("subjects", [])))
    text = (register / "datasets" / f"{catalog_module.expected_file_stem(doi)}.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    note = next(i for i, line in enumerate(lines) if "of MeSH is kept as a keyword" in line)
    assert re.match(r"\s*# import: subjects\[\d+\]\.subjectScheme: ", lines[note])
    assert lines[note + 1].strip() == '- "Lymphatic Metastasis"'
    assert text.startswith("# yaml-language-server: $schema=../schema/dataset.schema.json\n"
                           "# Imported from DataCite: http://127.0.0.1:")


def test_withdrawn_dois_become_withdrawn_records(imported: Any, tmp_path: Path) -> None:
    register, _, fake, _ = imported
    config = config_module.load(notes_dealt_with(register, tmp_path / "register") / "mkdocs.yml")
    catalog, _ = verify.check(config)
    withdrawn = {doi for doi, record in ours(fake).items() if record["state"] == "registered"}
    assert withdrawn
    built = {entry.dataset.doi for entry in catalog.entries if entry.dataset.status == "withdrawn"}
    assert built and built <= withdrawn
    assert all(entry.dataset.withdrawal and entry.dataset.withdrawal.reason.startswith("Withdrawn at the request")
               for entry in catalog.entries if entry.dataset.doi in built)


def test_a_doi_hidden_at_datacite_stays_hidden(imported: Any) -> None:
    register, _, _, _ = imported
    text = (register / "datasets" / "hidden-at-datacite.yaml").read_text(encoding="utf-8")
    assert re.search(r"# import: state: the DOI is registered but not findable at DataCite.*\nhidden: true\n", text)


def test_pages_follow_the_cursor_links_and_anonymous_readers_get_findable_dois() -> None:
    fake = seeded()
    with FakeServer(fake) as url:
        reader = importer.Reader("AIDA.REGISTER", "fake-password", PREFIX, url)
        found = list(reader.dois(PREFIX, None, authenticated=True, page_size=40))
        anonymous = importer.Reader("", "", PREFIX, url)
        public = list(anonymous.dois(PREFIX, None, authenticated=False, page_size=1000))
    assert len(found) == COUNT + 2  # the other repository's findable DOI too: no --client
    assert len(fake.reads()) == -(-(COUNT + 2) // 40) + 1
    assert {item.doi for item in public} == {doi for doi, record in fake.store.items()
                                             if doi.startswith(PREFIX + "/") and record["state"] == "findable"}


@pytest.mark.parametrize(("status", "body", "expected"), [
    (500, "<html><head><title>Oops</title></head><body><h1>Internal Server Error</h1></body></html>",
     "HTTP 500: the answer is not DataCite's JSON: “Oops Internal Server Error”"),
    (200, "", "HTTP 200: the answer is not DataCite's JSON"),
    (200, '{"data": [{"id": "10.23698/x", "attrib', "HTTP 200: the answer is not DataCite's JSON: “{\"data\": [{\"id\""),
    (200, '{"data": {}}', "HTTP 200: the answer has no list of DOIs"),
])
def test_an_unreadable_answer_is_explained_and_nothing_is_written(tmp_path: Path, status: int, body: str,
                                                                   expected: str) -> None:
    fake = seeded()
    fake.faults.append(Fault("GET", status=status, body=body, count=1))
    register = make_register(tmp_path / "register")
    with FakeServer(fake) as url:
        result = import_datacite(register, url, "--prefix", PREFIX)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert "nothing was written" in result.stderr
    assert list((register / "datasets").iterdir()) == []


def test_a_prefix_without_dois_is_refused(tmp_path: Path) -> None:
    register = make_register(tmp_path / "register")
    with FakeServer(seeded()) as url:
        result = import_datacite(register, url, "--prefix", "10.9999")
    assert result.returncode == 1
    assert "holds no DOIs under 10.9999; nothing was written" in result.stderr


def test_the_production_api_needs_production(tmp_path: Path) -> None:
    register = make_register(tmp_path / "register")
    result = import_datacite(register, "https://api.datacite.org/", "--prefix", PREFIX, credentials=False)
    assert result.returncode == 1
    assert "add --production to read it" in result.stderr


def test_the_publisher_datacite_holds_is_offered_as_the_setting_that_keeps_it(tmp_path: Path) -> None:
    fake = FakeDataCite()
    for doi, attributes, state in varied(PREFIX, 20, seed=3):
        fake.add_registered(doi, attributes | {"publisher": {"name": "AIDA"}}, state)
    register = make_register(tmp_path / "register")
    with FakeServer(fake) as url:
        result = import_datacite(register, url, "--prefix", PREFIX)
    assert result.returncode == 0, result.stderr
    assert 'The old records give publisher "AIDA"' in result.stdout
    assert 'set publisher: "AIDA" under dataset-register in mkdocs.yml' in result.stdout
    report = json.loads((register / "import-report.json").read_text(encoding="utf-8"))
    publisher = [fact for record in report["records"] for fact in record["facts"] if fact["key"] == "publisher.name"]
    changed = [fact for fact in publisher if fact["status"] == "changed"]
    assert changed and all(fact["new"] == "Test Data Hub" for fact in changed)
    # records still waiting for a FILL IN are accounted for by their values, with the reason
    assert all("publisher in mkdocs.yml" in fact["why"] for fact in publisher if fact["status"] != "changed")


def test_a_prefix_must_be_a_prefix(tmp_path: Path) -> None:
    register = make_register(tmp_path / "register")
    result = import_datacite(register, "http://127.0.0.1:9/", "--prefix", "10.23698/aida")
    assert result.returncode == 1
    assert "--prefix must be a DOI prefix such as 10.23698, not '10.23698/aida'" in result.stderr
