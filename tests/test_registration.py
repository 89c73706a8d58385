"""Registration end to end: the real `register doi` command and the real datacite client against the fake over HTTP."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fake_datacite import DROP, FakeDataCite, FakeServer, Fault
from conftest import MINIMAL, make_register
from generator import catalog, config
from generator.registration import client as client_module
from generator.registration.client import DataCite, RegistrationError
from generator.registration.plan import Desired, Step, desired, plan
from generator.registration.sync import sync

RECORDS = {f"{name}.yaml": MINIMAL.format(name=name) for name in ("alpha", "beta", "gamma")}


@pytest.fixture
def fake():
    fake = FakeDataCite(domains="register.example.org")
    with FakeServer(fake) as url:
        fake.url = url
        yield fake


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_register(tmp_path / "register", RECORDS)


def register_doi(root: Path, fake: FakeDataCite, *args: str, password: str | None = None, url: str | None = None):
    env = {**os.environ, "DATACITE_USERNAME": fake.username, "DATACITE_PASSWORD": password or fake.password,
           "DATACITE_URL": url or fake.url}
    return subprocess.run([sys.executable, "-m", "generator", "doi", *args], capture_output=True, text=True,
                          env=env, cwd=root)


def client_for(fake: FakeDataCite, password: str | None = None) -> DataCite:
    return DataCite(fake.username, password or fake.password, "10.23698", fake.url, backoff=0.001, timeout=(2, 5))


def steps_for(root: Path, fake: FakeDataCite) -> list[Step]:
    return plan(desired(catalog.load_catalog(config.load(root / "mkdocs.yml"))), client_for(fake).list_dois())


def test_plan_writes_nothing_sync_creates_and_a_second_sync_writes_nothing(root, fake):
    planned = register_doi(root, fake, "plan")
    assert planned.returncode == 0, planned.stderr
    assert "create  10.23698/alpha  datasets/alpha.yaml  [new]\n" in planned.stdout
    assert planned.stdout.endswith("Plan: 3 to create, 0 to update, 0 to publish, 0 to hide, 0 unchanged.\n")
    assert fake.writes() == []

    first = register_doi(root, fake, "sync")
    assert first.returncode == 0, first.stderr
    assert first.stdout.endswith("Sync: 3 created, 0 updated, 0 published, 0 hidden, 0 unchanged, 0 failed (1 reads, 3 writes).\n")
    assert {doi: fake.state(doi) for doi in fake.store} == {f"10.23698/{n}": "findable" for n in ("alpha", "beta", "gamma")}
    assert [method for method, _ in fake.writes()] == ["POST"] * 3  # never a PUT to create

    # DataCite hands the metadata back rewritten (publisher as a string, the year as a number, ...).
    stored = fake.store["10.23698/alpha"]["attributes"]
    assert stored["publicationYear"] == 2020 and stored["types"]["schemaOrg"] == "Dataset"
    fake.log.clear()
    second = register_doi(root, fake, "sync")
    assert second.stdout == "Sync: 0 created, 0 updated, 0 published, 0 hidden, 3 unchanged, 0 failed (1 reads, 0 writes).\n"
    assert fake.writes() == [] and len(fake.reads()) == 1


def test_a_changed_record_is_updated_with_a_readable_diff(root, fake):
    register_doi(root, fake, "sync")
    record = root / "datasets" / "beta.yaml"
    record.write_text(record.read_text().replace("title: A minimal dataset", "title: A better title"))
    planned = register_doi(root, fake, "plan")
    assert "update  10.23698/beta  datasets/beta.yaml  [we changed it]\n" in planned.stdout
    assert '    titles: [{"lang": "en", "title": "A minimal dataset"}] → [{"lang": "en", "title": "A better title"}]\n' in planned.stdout
    fake.log.clear()
    assert register_doi(root, fake, "sync").returncode == 0
    assert fake.writes() == [("PUT", "/dois/10.23698/beta")]
    assert fake.store["10.23698/beta"]["attributes"]["titles"] == [{"lang": "en", "title": "A better title"}]


def test_only_limits_the_plan_to_some_dois(root, fake):
    result = register_doi(root, fake, "plan", "--only", "10.23698/BETA")
    assert result.stdout.endswith("Plan: 1 to create, 0 to update, 0 to publish, 0 to hide, 0 unchanged.\n")
    assert fake.reads() == [("GET", "/dois/10.23698/beta")]
    unknown = register_doi(root, fake, "plan", "--only", "10.23698/nope")
    assert (unknown.returncode, unknown.stderr) == (1, "Error: no record in this register has the DOI 10.23698/nope\n")


def test_withdrawal_hides_the_doi_and_never_deletes_it(root, fake):
    register_doi(root, fake, "sync")
    record = root / "datasets" / "gamma.yaml"
    record.write_text(record.read_text().replace(
        "status: completed", "status: withdrawn\nwithdrawal:\n  date: 2021-06-01\n  reason: Consent was withdrawn."))
    planned = register_doi(root, fake, "plan")
    assert "hide    10.23698/gamma  datasets/gamma.yaml  [we changed it]\n" in planned.stdout
    assert register_doi(root, fake, "sync").returncode == 0
    assert fake.state("10.23698/gamma") == "registered"
    dates = fake.store["10.23698/gamma"]["attributes"]["dates"]
    assert {"date": "2021-06-01", "dateType": "Withdrawn", "dateInformation": "Consent was withdrawn."} in dates
    assert not [write for write in fake.writes() if write[0] == "DELETE"]


def test_a_new_version_gets_a_new_doi_and_the_old_doi_learns_of_it(root, fake):
    register_doi(root, fake, "sync")
    (root / "datasets" / "alpha-2.yaml").write_text(MINIMAL.format(name="alpha-2").replace(
        "licenses:", "related:\n  - relation: is-new-version-of\n    type: dataset\n    doi: 10.23698/alpha\nlicenses:"))
    fake.log.clear()
    result = register_doi(root, fake, "sync")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(fake.writes()) == [("POST", "/dois"), ("PUT", "/dois/10.23698/alpha")]
    old = fake.store["10.23698/alpha"]["attributes"]["relatedIdentifiers"]
    assert {"relatedIdentifier": "10.23698/alpha-2", "relatedIdentifierType": "DOI",
            "relationType": "IsPreviousVersionOf", "resourceTypeGeneral": "Dataset"} in old
    new = fake.store["10.23698/alpha-2"]["attributes"]["relatedIdentifiers"]
    assert new[0]["relationType"] == "IsNewVersionOf"


def test_a_preview_is_not_registered(root, fake):
    (root / "datasets" / "delta.yaml").write_text(MINIMAL.format(name="delta").replace("licenses:", "hidden: true\nlicenses:"))
    assert register_doi(root, fake, "sync").returncode == 0
    assert "10.23698/delta" not in fake.store


def test_a_wrong_password_stops_plan_and_sync_alike_and_is_never_printed(root, fake):
    register_doi(root, fake, "sync")
    hide = root / "datasets" / "gamma.yaml"  # registered DOIs are what an anonymous read cannot see
    hide.write_text(hide.read_text().replace(
        "status: completed", "status: withdrawn\nwithdrawal:\n  date: 2021-06-01\n  reason: Consent was withdrawn."))
    assert register_doi(root, fake, "sync").returncode == 0
    fake.log.clear()
    message = ("Error: DataCite: HTTP 401: Bad credentials. (check DATACITE_USERNAME and DATACITE_PASSWORD); "
               "nothing was changed\n")
    for command in ("plan", "sync"):
        result = register_doi(root, fake, command, password="wrong-secret-123")
        assert (result.returncode, result.stdout, result.stderr) == (1, "", message)
        assert "wrong-secret-123" not in result.stdout + result.stderr
    assert fake.writes() == [] and fake.reads() == []  # the check comes first and writes nothing


def test_production_only_with_the_flag_and_never_as_a_fallback(root, fake):
    result = register_doi(root, fake, "plan", url="https://api.datacite.org/")
    assert (result.returncode, result.stderr) == (
        1, "Error: DATACITE_URL is DataCite's production API (https://api.datacite.org/); add --production to use it\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATACITE_")}
    missing = subprocess.run([sys.executable, "-m", "generator", "doi", "plan"], capture_output=True, text=True, env=env, cwd=root)
    assert (missing.returncode, missing.stderr) == (
        1, "Error: set DATACITE_USERNAME (the repository id) and DATACITE_PASSWORD to reach DataCite\n")
    assert client_module.TEST_API == "https://api.test.datacite.org/"


def test_bad_records_stop_registration_before_any_request(root, fake):
    record = root / "datasets" / "alpha.yaml"
    record.write_text(record.read_text().replace("2020-01-01", "2020-01-00"))
    result = register_doi(root, fake, "sync")
    assert result.returncode == 1
    assert result.stderr.startswith("datasets/alpha.yaml:4:12: published: not a real calendar date")
    assert fake.log == []


def test_a_create_whose_answer_is_lost_is_read_back_not_minted_again(root, fake):
    fake.faults.append(Fault("POST", commit_then_drop=True))
    result = register_doi(root, fake, "sync")
    assert result.returncode == 0, result.stdout
    assert len(fake.store) == 3 and all(fake.state(doi) == "findable" for doi in fake.store)
    posts = [write for write in fake.writes() if write[0] == "POST"]
    assert len(posts) == 3  # the lost one was not sent again: a GET found it
    fake.log.clear()
    assert register_doi(root, fake, "sync").stdout.endswith("(1 reads, 0 writes).\n")


def test_a_doi_that_already_exists_is_adopted_not_created(root, fake):
    steps = steps_for(root, fake)  # planned while DataCite did not have it yet
    fake.store["10.23698/alpha"] = {"attributes": {}, "state": "draft", "created": "x", "registered": None,
                                    "metadataVersion": 0, "updated": "x"}
    outcome = sync(steps, client_for(fake), lambda line: None)
    assert outcome.failed == []
    assert fake.state("10.23698/alpha") == "findable"
    assert ("PUT", "/dois/10.23698/alpha") in fake.writes()


def test_transient_failures_are_retried_and_others_are_not(root, fake):
    steps = steps_for(root, fake)
    fake.faults += [Fault("POST", 429, count=2), Fault("POST", 503, count=1)]
    client = client_for(fake)
    outcome = sync(steps, client, lambda line: None)
    assert outcome.failed == [] and len(fake.store) == 3
    assert client.count.writes == 6  # three creates and three retries

    fake.store.clear()
    fake.faults += [Fault("POST", 500, body="<html><body>Internal error</body></html>"),
                    Fault("POST", 403, count=1)]
    client = client_for(fake)
    outcome = sync(steps, client, lambda line: None)
    assert [message for _, message in outcome.failed] == [
        "HTTP 500: the answer is not DataCite's JSON: “Internal error”",
        "HTTP 403: Injected fault (DataCite does not let this repository change it: check the DOI prefix and the repository)",
    ]
    assert client.count.writes == 3 and len(fake.store) == 1  # failures do not stop the others


def test_a_transition_that_did_not_happen_is_an_error(root, fake):
    steps = steps_for(root, fake)
    sync(steps, client_for(fake), lambda line: None)
    item = steps[0].desired
    silent = Step(Desired(item.doi, item.source, "registered", item.attributes), "update", "register")
    outcome = sync([silent], client_for(fake), lambda line: None)
    assert [message for _, message in outcome.failed] == ["DataCite left the DOI 'findable', not 'registered' as asked"]


def test_the_payload_is_copied_before_the_client_sees_it(root, fake):
    steps = steps_for(root, fake)
    before = copy.deepcopy([step.desired.attributes for step in steps])
    sync(steps, client_for(fake), lambda line: None)
    assert [step.desired.attributes for step in steps] == before
    assert all("event" not in attributes for attributes in before)


def test_a_put_that_would_create_is_refused(fake):
    with pytest.raises(RegistrationError, match="HTTP 201"):
        client_for(fake).update("10.23698/unknown", {"titles": [{"title": "x"}]})


def test_every_request_has_a_timeout(fake):
    assert client_for(fake).rest.timeout == (2, 5)
    assert DataCite("u", "p", "10.23698", fake.url).rest.timeout == client_module.TIMEOUT


# --- the fake itself behaves like DataCite ------------------------------------------------------------


def test_the_fake_keeps_datacites_rules(fake):
    client = client_for(fake)
    with pytest.raises(RegistrationError, match="HTTP 422: doi: Is invalid"):
        client.create("10.23698/bad doi", {})
    with pytest.raises(RegistrationError, match="HTTP 403"):
        client.create("10.5281/other-prefix", {})
    with pytest.raises(RegistrationError, match="HTTP 422: url: Can't be blank"):
        client.create("10.23698/no-url", {"event": "publish"})
    assert client.create("10.23698/draft", {})["state"] == "draft"  # drafts need no metadata
    assert client_for(fake, password="wrong").get("10.23698/draft") is None  # GET is anonymous with bad credentials
    status, _, _ = fake.handle("DELETE", "/dois/10.23698/draft", {"authorization": _basic(fake)}, b"")
    assert status == 204
    client.create("10.23698/kept", {"url": "https://register.example.org/x/", "creators": [{"name": "A"}],
                                     "titles": [{"title": "T"}], "publisher": {"name": "P"}, "publicationYear": "2020",
                                     "types": {"resourceTypeGeneral": "Dataset"}, "event": "publish"})
    assert fake.handle("DELETE", "/dois/10.23698/kept", {"authorization": _basic(fake)}, b"")[0] == 405
    assert fake.handle("GET", "/dois/10.23698/kept", {}, b"")[0] == 200  # findable: visible to anyone
    assert DROP == "drop"


def _basic(fake: FakeDataCite) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{fake.username}:{fake.password}".encode()).decode()


def test_a_create_that_commits_and_then_times_out_is_recovered(root, fake):
    steps = steps_for(root, fake)
    fake.faults.append(Fault("POST", commit_then_drop=True, delay=1.5))
    client = DataCite(fake.username, fake.password, "10.23698", fake.url, backoff=0.001, timeout=(2, 0.5))
    outcome = sync(steps, client, lambda line: None)
    assert outcome.failed == []
    assert len(fake.store) == 3
    assert len([write for write in fake.writes() if write[0] == "POST"]) == 3
