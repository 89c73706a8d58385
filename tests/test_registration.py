"""Registration end to end: the real `register doi` command and the real datacite client against the fake over HTTP."""

from __future__ import annotations

import copy
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import config
from generator.build import verify
from generator.errors import RegisterError
from generator.registration import client as client_module
from generator.registration import commands
from generator.registration.client import DataCite, RegistrationError
from generator.registration.plan import Desired, Step, desired, plan
from generator.registration.sync import sync

from conftest import MINIMAL, make_register
from fake_datacite import DROP, FakeDataCite, FakeServer, Fault

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
    return plan(desired(verify.load_catalog(config.load(root / "mkdocs.yml"))), client_for(fake).list_dois())


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


# --- drift: who changed what since the register last wrote it -------------------------------------


def test_a_change_made_at_datacite_is_reported_and_never_overwritten_silently(root, fake):
    assert register_doi(root, fake, "sync").returncode == 0
    fake.edit_in_fabrica("10.23698/alpha", titles=[{"title": "Edited in Fabrica", "lang": "en"}])
    fake.edit_in_fabrica("10.23698/gamma", version="9")
    for name, title in (("beta", "A better title"), ("gamma", "Gamma, renamed")):
        record = root / "datasets" / f"{name}.yaml"
        record.write_text(record.read_text().replace("title: A minimal dataset", f"title: {title}"))

    planned = register_doi(root, fake, "plan")
    assert planned.returncode == 0, planned.stderr
    assert ("update  10.23698/alpha  datasets/alpha.yaml  [someone changed it at DataCite]\n"
            '    titles: [{"lang": "en", "title": "Edited in Fabrica"}] → [{"lang": "en", "title": "A minimal dataset"}]'
            "    (changed at DataCite)\n"
            "    sync stops for this DOI unless --overwrite-remote is given\n") in planned.stdout
    assert "update  10.23698/beta  datasets/beta.yaml  [we changed it]\n" in planned.stdout
    assert "update  10.23698/gamma  datasets/gamma.yaml  [changed here and at DataCite]\n" in planned.stdout
    assert '    version: "9" → (none)    (changed at DataCite)\n' in planned.stdout
    assert "Changes: 1 by us, 1 at DataCite, 1 on both sides, 0 without a fingerprint.\n" in planned.stdout
    assert register_doi(root, fake, "plan", "--check").returncode == 1
    drift = register_doi(root, fake, "drift")
    assert drift.returncode == 1
    assert drift.stdout.endswith("Drift: 2 of 3 DOIs were changed at DataCite since the register last wrote them.\n")
    assert "10.23698/beta" not in drift.stdout and "10.23698/gamma  datasets/gamma.yaml  [changed here" in drift.stdout

    fake.log.clear()
    synced = register_doi(root, fake, "sync")
    assert synced.returncode == 1
    assert ("STOPPED 10.23698/alpha (datasets/alpha.yaml): someone changed it at DataCite (titles) since the "
            "register last wrote it; nothing was sent. Copy the change into the record, or run sync with "
            "--overwrite-remote to replace it\n") in synced.stdout
    assert fake.writes() == [("PUT", "/dois/10.23698/beta")]
    assert fake.store["10.23698/alpha"]["attributes"]["titles"] == [{"title": "Edited in Fabrica", "lang": "en"}]

    forced = register_doi(root, fake, "sync", "--overwrite-remote")
    assert forced.returncode == 0, forced.stdout
    assert fake.store["10.23698/alpha"]["attributes"]["titles"] == [{"lang": "en", "title": "A minimal dataset"}]
    assert "version" not in fake.store["10.23698/gamma"]["attributes"] or not fake.store["10.23698/gamma"]["attributes"]["version"]
    assert register_doi(root, fake, "plan", "--check").returncode == 0
    assert register_doi(root, fake, "drift").stdout == (
        "Drift: 0 of 3 DOIs were changed at DataCite since the register last wrote them.\n")


def test_a_doi_hidden_in_fabrica_is_not_published_again_silently(root, fake):
    sync(steps_for(root, fake), client_for(fake), lambda line: None)
    fake.store["10.23698/beta"]["state"] = "registered"
    step = {step.doi: step for step in steps_for(root, fake)}["10.23698/beta"]
    assert (step.action, step.drift, step.theirs) == ("publish", "theirs", ("state",))
    outcome = sync([step], client_for(fake), lambda line: None)
    assert len(outcome.failed) == 1 and fake.state("10.23698/beta") == "registered"


def test_dois_registered_before_fingerprints_get_one_and_are_then_up_to_date(root, fake):
    sync(steps_for(root, fake), client_for(fake), lambda line: None)
    for record in fake.store.values():
        record["attributes"].pop("alternateIdentifiers")
    steps = steps_for(root, fake)
    assert {(step.action, step.note, step.drift) for step in steps} == {("update", "records the fingerprint", "up to date")}
    sync(steps, client_for(fake), lambda line: None)
    assert {step.action for step in steps_for(root, fake)} == {"none"}


def test_other_alternate_identifiers_at_datacite_are_kept(root, fake):
    sync(steps_for(root, fake), client_for(fake), lambda line: None)
    kept = {"alternateIdentifier": "AIDA-42", "alternateIdentifierType": "local"}
    fake.edit_in_fabrica("10.23698/alpha", alternateIdentifiers=[kept, *fake.store["10.23698/alpha"]["attributes"]["alternateIdentifiers"]])
    record = root / "datasets" / "alpha.yaml"
    record.write_text(record.read_text().replace("title: A minimal dataset", "title: Renamed"))
    steps = steps_for(root, fake)
    assert sync(steps, client_for(fake), lambda line: None).failed == []
    assert kept in fake.store["10.23698/alpha"]["attributes"]["alternateIdentifiers"]


# --- DataCite's limits ----------------------------------------------------------------------------------


class Clock:
    """Time that passes only when the code under test sleeps: minutes of throttling in no time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def timed_client(fake: FakeDataCite, clock: Clock, rate: int) -> DataCite:
    return DataCite(fake.username, fake.password, "10.23698", fake.url, timeout=(2, 5), rate=rate,
                    clock=clock, sleep=clock.sleep)


def test_retry_after_is_honoured_and_six_429s_in_a_row_do_not_fail_a_doi(root, fake):
    steps = steps_for(root, fake)
    clock = Clock()
    fake.faults.append(Fault("POST", 429, count=6, headers={"Retry-After": "4"}))
    outcome = sync(steps, timed_client(fake, clock, rate=3000), lambda line: None)
    assert outcome.failed == [] and len(fake.store) == 3
    assert clock.sleeps[:6] == pytest.approx([4.0] * 6)  # what DataCite asked for, not 0.5 s and 1.5 s


def test_retry_after_as_an_http_date_and_without_it(fake):
    from email.utils import formatdate

    response = type("Response", (), {"headers": {"Retry-After": formatdate(time.time() + 30, usegmt=True)}})()
    assert 28 <= client_module.retry_after(response) <= 31
    response.headers = {}
    assert client_module.retry_after(response) is None
    response.headers = {"Retry-After": "86400"}
    assert client_module.retry_after(response) == client_module.MAX_PAUSE


def bulk(count: int) -> list[Desired]:
    def attributes(number: int) -> dict:
        return {"url": f"https://register.example.org/10.23698/bulk-{number}/", "types": {"resourceTypeGeneral": "Dataset"},
                "creators": [{"name": "Lindman, Karin", "nameType": "Personal"}], "titles": [{"title": f"Set {number}"}],
                "publisher": {"name": "Test Data Hub"}, "publicationYear": "2024",
                "schemaVersion": "http://datacite.org/schema/kernel-4"}
    return [Desired(f"10.23698/bulk-{n}", f"datasets/bulk-{n}.yaml", "findable", attributes(n)) for n in range(count)]


def test_a_first_registration_of_5000_dois_keeps_to_the_rate_and_loses_none(fake):
    clock = Clock()
    fake.clock, fake.rate_limit = clock, (3000, 300.0)  # DataCite's own limit, on the same clock
    fake.faults += [Fault("POST", 429, count=3, headers={"Retry-After": "2"}), Fault("POST", 503, count=2)]
    client = timed_client(fake, clock, rate=1500)
    progress = io.StringIO()
    outcome = commands.run_sync(plan(bulk(5000), {}), client, lambda line: None, overwrite_remote=False,
                                stream=progress, is_terminal=False)
    assert outcome.failed == [] and outcome.done["create"] == 5000 and len(fake.store) == 5000
    assert fake.limited == 0  # the throttle kept under DataCite's limit: no 429 of its own
    assert client.count.writes == 5005
    # 1,500 per 5 minutes is 0.2 s between requests: 16.7 minutes for 5,005 requests, where the five
    # retries wait what was asked (3 x 2 s) or the growing back-off of the 503s (4 s, 8 s) instead.
    assert clock.now == pytest.approx((5004 - 5) * 0.2 + 3 * 2 + 4 + 8)
    lines = progress.getvalue().splitlines()
    assert len(lines) == 21 and lines[-1] == "progress: 5,000/5,000 DOIs (100 %), about 0 s left"


def test_a_rate_above_datacites_limit_is_slowed_down_by_its_429s(fake):
    clock = Clock()
    fake.clock, fake.rate_limit = clock, (100, 300.0)
    client = timed_client(fake, clock, rate=3000)
    outcome = sync(plan(bulk(250), {}), client, lambda line: None)
    assert outcome.failed == [] and len(fake.store) == 250
    assert fake.limited == 2 and clock.now >= 600  # two full windows waited out, as Retry-After said


def test_progress_is_a_bar_on_a_terminal():
    stream = io.StringIO()
    report = commands.ProgressReport(stream, is_terminal=True, clock=lambda: 0.0)
    say = report.around(lambda line: stream.write(line + "\n"))
    report(15, 60)
    say("create  10.23698/x")
    report(60, 60)
    report.finish()
    assert stream.getvalue() == ("\r[#######.......................] 15/60 DOIs (25 %), about 0 s left"
                                 "\r" + " " * 66 + "\rcreate  10.23698/x\n"
                                 "\r[##############################] 60/60 DOIs (100 %), about 0 s left\n")


# --- every failure says what happened -------------------------------------------------------------------


PROXY_ANSWERS = [
    (Fault("GET", 200, body="<html><head><title>Maintenance</title><style>p{}</style></head><body><p>Back at 10:00</p></body></html>"),
     "HTTP 200: the answer is not DataCite's JSON: “Maintenance Back at 10:00”"),
    (Fault("GET", 200, body=""), "HTTP 200: the answer is not DataCite's JSON"),
    (Fault("GET", 200, body='{"data": [{"id": "10.23698/al'), "HTTP 200: the answer is not DataCite's JSON: “{\"data\": [{\"id\": \"10.23698/al”"),
    (Fault("GET", 200, body='{"data": [{"id": 7}]}'), "HTTP 200: the answer does not describe a DOI: “{\"data\": [{\"id\": 7}]}”"),
    (Fault("GET", 200, body='{"errors": []}'), "HTTP 200: the answer has no list of DOIs: “{\"errors\": []}”"),
    (Fault("GET", 503, count=99, body="<h1>503 Service Unavailable</h1>"), "HTTP 503: the answer is not DataCite's JSON: “503 Service Unavailable”"),
    (Fault("GET", 502, count=99, body=""), "HTTP 502: an empty answer"),
    (Fault("GET", 429, count=99, headers={"Retry-After": "1"}), "HTTP 429: Injected fault (DataCite's request limit: lower --rate or try later)"),
    (Fault("GET", 500, body="x" * 500), "HTTP 500: the answer is not DataCite's JSON: “" + "x" * 119 + "…”"),
]


@pytest.mark.parametrize("fault, message", PROXY_ANSWERS, ids=range(len(PROXY_ANSWERS)))
def test_any_answer_to_the_list_request_is_explained(fake, fault, message):
    fake.faults.append(fault)
    with pytest.raises(RegistrationError) as raised:
        timed_client(fake, Clock(), rate=3000).list_dois()
    assert str(raised.value) == message


def test_a_redirect_is_reported_not_followed_into_confusion(fake):
    fake.faults.append(Fault("GET", 301, path="/dois", headers={"Location": f"{fake.url}elsewhere/dois"}, body=""))
    with pytest.raises(RegistrationError) as raised:
        client_for(fake).list_dois()
    assert str(raised.value) == (f"HTTP 301: redirected to {fake.url}elsewhere/dois; set DATACITE_URL to the "
                                 "API's own address")


def test_a_proxy_page_from_the_cli_is_one_clear_line(root, fake):
    fake.faults.append(Fault("GET", 200, path="/dois", body="<html><body>Please log in</body></html>"))
    result = register_doi(root, fake, "plan")
    assert (result.returncode, result.stderr) == (
        1, "Error: DataCite: HTTP 200: the answer is not DataCite's JSON: “Please log in”; nothing was changed\n")


def test_a_create_answered_with_an_unreadable_body_is_read_back(root, fake):
    fake.faults.append(Fault("POST", 201, commit=True, body="<html>Created</html>"))
    outcome = sync(steps_for(root, fake), client_for(fake), lambda line: None)
    assert outcome.failed == [] and outcome.done["create"] == 3
    assert len([write for write in fake.writes() if write[0] == "POST"]) == 3


def test_a_doi_taken_by_another_repository_is_reported_in_datacites_words(root, fake):
    fake.add_foreign("10.23698/alpha", "findable")
    fake.add_foreign("10.23698/beta", "registered")
    result = register_doi(root, fake, "sync")
    assert result.returncode == 1
    assert ("FAILED 10.23698/alpha (datasets/alpha.yaml): HTTP 422: doi: This DOI has already been taken: the DOI "
            "belongs to the DataCite repository other.repository, not to this one; choose another DOI for this record\n"
            ) in result.stdout
    assert ("FAILED 10.23698/beta (datasets/beta.yaml): HTTP 422: doi: This DOI has already been taken: the DOI "
            "belongs to another repository, which keeps it hidden; choose another DOI for this record\n") in result.stdout
    assert fake.writes() == [("POST", "/dois")]  # gamma; nothing was sent to the other repository's DOIs
    assert fake.store["10.23698/alpha"]["attributes"] == {"url": "https://elsewhere.example.org/"}


# --- production only on purpose -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://api.datacite.org/", "https://API.DataCite.org", "https://api.datacite.org./",
                                 "https://api.datacite.org:443/", "https://user@api.datacite.org/dois",
                                 "https://ａｐｉ.datacite.org/", "https://api.datacite.org。/", " https://api.datacite.org/ "])
def test_every_spelling_of_the_production_api_needs_the_flag(root, monkeypatch, url):
    monkeypatch.setenv("DATACITE_USERNAME", "AIDA.REGISTER")
    monkeypatch.setenv("DATACITE_PASSWORD", "secret")
    monkeypatch.setenv("DATACITE_URL", url)
    settings = config.load(root / "mkdocs.yml")
    with pytest.raises(RegisterError, match="is DataCite's production API"):
        commands.connect(settings, production=False, rate=1500)
    assert commands.connect(settings, production=True, rate=1500).prefix == "10.23698"


def test_production_with_a_test_url_is_an_error(root, fake):
    result = register_doi(root, fake, "plan", "--production")
    assert (result.returncode, result.stderr) == (
        1, f"Error: --production was given, but DATACITE_URL ({fake.url}) is not DataCite's production API "
           "(https://api.datacite.org/); unset DATACITE_URL or leave out --production\n")
    assert fake.log == []


# --- concurrent runs and Ctrl-C -------------------------------------------------------------------------


def test_two_syncs_at_once_end_as_one_and_each_reports_what_it_did(root, fake):
    stale = steps_for(root, fake)  # both runs planned before either wrote
    fake.write_delay = 0.05
    outcomes: list = []
    runs = [threading.Thread(target=lambda: outcomes.append(sync(stale, client_for(fake), lambda line: None)))
            for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sorted(fake.store) == [f"10.23698/{n}" for n in ("alpha", "beta", "gamma")]
    assert all(fake.state(doi) == "findable" for doi in fake.store)
    assert all(outcome.failed == [] for outcome in outcomes)
    created = [outcome.done.get("create", 0) for outcome in outcomes]
    adopted = [outcome.done.get("already registered", 0) for outcome in outcomes]
    assert sum(created) == 3 and sum(adopted) == 3  # every DOI created once, and found registered once
    assert [write for write in fake.writes() if write[0] == "PUT"] == []
    fake.log.clear()
    assert {step.action for step in steps_for(root, fake)} == {"none"}


def test_ctrl_c_stops_after_the_current_request_and_says_what_was_done(root, fake):
    fake.write_delay = 0.6
    env = {**os.environ, "DATACITE_USERNAME": fake.username, "DATACITE_PASSWORD": fake.password, "DATACITE_URL": fake.url}
    process = subprocess.Popen([sys.executable, "-m", "generator", "doi", "sync"], cwd=root, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not fake.writes() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)  # the second create is on its way
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stdout + stderr
    created = sorted(fake.store)
    assert len(created) == 2
    assert [line for line in stdout.splitlines() if line.startswith("create")] == [f"create  {doi}" for doi in created]
    assert "Interrupted: stopped after 2 of 3 DOIs to change" in stdout
    assert "Sync: 2 created, 0 updated, 0 published, 0 hidden, 0 unchanged, 0 failed" in stdout


def test_two_sync_commands_at_once_report_each_create_once(root, fake):
    fake.write_delay = 0.3
    env = {**os.environ, "DATACITE_USERNAME": fake.username, "DATACITE_PASSWORD": fake.password, "DATACITE_URL": fake.url}
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "doi", "sync"], cwd=root, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    created = [line.split()[1] for output in outputs for line in output.splitlines() if line.startswith("create ")]
    assert sorted(created) == sorted(fake.store) == [f"10.23698/{n}" for n in ("alpha", "beta", "gamma")]
    for output in outputs:  # what one run did not create it found registered, or unchanged
        summary = output.splitlines()[-1]
        numbers = dict((label, int(number)) for number, label in re.findall(r"(\d+) (created|already registered|unchanged)", summary))
        assert sum(numbers.values()) == 3, summary
    assert [write for write in fake.writes() if write[0] == "PUT"] == []


def test_the_list_is_read_1000_dois_a_request_following_datacites_next_links(fake):
    for number in range(2001):
        fake.store[f"10.23698/n{number}"] = {"attributes": {"titles": [{"title": "T"}]}, "state": "findable",
                                             "created": "x", "registered": "x", "updated": "x", "metadataVersion": 1}
    fake.add_foreign("10.23698/not-ours", "findable")
    client = client_for(fake)
    assert len(client.list_dois()) == 2001
    assert client.count.reads == 3 and [path for _, path in fake.reads()] == ["/dois"] * 3


def test_a_next_link_to_another_host_is_not_followed_with_the_credentials(fake):
    fake.faults.append(Fault("GET", 200, body='{"data": [], "links": {"next": "https://evil.example.org/dois?page=2"}}'))
    with pytest.raises(RegistrationError, match=r"^HTTP 200: the next page is at another address \(https://evil.example.org/dois\?page=2\)"):
        client_for(fake).list_dois()
