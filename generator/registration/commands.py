"""`register doi plan` and `register doi sync`: settings, reading DataCite, printing the plan, progress and the outcome."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TextIO

from generator.check.catalog import Catalog
from generator.config import SiteConfig
from generator.errors import RegisterError
from generator.registration.client import PRODUCTION_API, TEST_API, DataCite, host, is_production
from generator.registration.plan import DRIFT_LABELS, Step, desired, plan
from generator.registration.sync import Outcome, sync

ACTIONS = ("create", "update", "publish", "hide")


def connect(config: SiteConfig, *, production: bool, rate: int) -> DataCite:
    """A client from DATACITE_USERNAME, DATACITE_PASSWORD and DATACITE_URL; the test API unless --production."""
    username, password = os.environ.get("DATACITE_USERNAME"), os.environ.get("DATACITE_PASSWORD")
    if not username or not password:
        raise RegisterError("set DATACITE_USERNAME (the repository id) and DATACITE_PASSWORD to reach DataCite")
    if not config.doi_prefix:
        raise RegisterError("mkdocs.yml: dataset-register.doi_prefix is needed to register DOIs")
    if rate < 1:
        raise RegisterError(f"--rate must be at least 1 request per 5 minutes, not {rate}")
    url = (os.environ.get("DATACITE_URL") or "").strip() or (PRODUCTION_API if production else TEST_API)
    if not url.lower().startswith(("https://", "http://")) or not host(url):
        raise RegisterError(f"DATACITE_URL must be the address of DataCite's API, such as {TEST_API}; it is {url!r}")
    if is_production(url) and not production:
        raise RegisterError(f"DATACITE_URL is DataCite's production API ({url}); add --production to use it")
    if production and not is_production(url):
        raise RegisterError(f"--production was given, but DATACITE_URL ({url}) is not DataCite's production API "
                            f"({PRODUCTION_API}); unset DATACITE_URL or leave out --production")
    return DataCite(username, password, config.doi_prefix, url, rate=rate)


def make_plan(catalog: Catalog, client: DataCite, only: tuple[str, ...]) -> tuple[list[Step], int]:
    """The steps for every record (or only the DOIs given), and how many DOIs at DataCite have no record."""
    wanted = desired(catalog)
    if only:
        chosen = {doi.lower() for doi in only}
        unknown = chosen - {item.doi for item in wanted}
        if unknown:
            raise RegisterError(f"no record in this register has the DOI {', '.join(sorted(unknown))}")
        wanted = [item for item in wanted if item.doi in chosen]
    # With wrong credentials DataCite answers reads as if anonymous: registered DOIs would look missing.
    client.check_credentials()
    if only:
        remote = {item.doi: found for item in wanted if (found := client.get(item.doi)) is not None}
        return plan(wanted, remote), 0
    remote = client.list_dois()
    strangers = len(set(remote) - {item.doi for item in wanted})
    return plan(wanted, remote), strangers


def print_plan(steps: list[Step], strangers: int, echo: Callable[[str], None]) -> None:
    for step in steps:
        if step.action == "none":
            continue
        what = f" ({step.note})" if step.note else ""
        echo(f"{step.action:7} {step.doi}  {step.desired.source}{what}  [{DRIFT_LABELS[step.drift]}]")
        if step.action == "create":
            echo(f"    new DOI, {step.expected_state}, at {step.desired.attributes['url']}")
            continue
        theirs = set(step.theirs)
        for change in step.changes:
            key = change.partition(":")[0]
            echo(f"    {change}" + ("    (changed at DataCite)" if key in theirs else ""))
        if "state" in theirs:
            echo(f"    state: changed at DataCite; the record asks for {step.expected_state}")
        if theirs:
            echo("    sync stops for this DOI unless --overwrite-remote is given")
    counts = {action: sum(step.action == action for step in steps) for action in (*ACTIONS, "none")}
    echo(f"Plan: {counts['create']} to create, {counts['update']} to update, {counts['publish']} to publish, "
         f"{counts['hide']} to hide, {counts['none']} unchanged.")
    drift = {kind: sum(step.drift == kind and step.action != "none" for step in steps)
             for kind in ("ours", "theirs", "both", "unknown")}
    if drift["theirs"] or drift["both"] or drift["unknown"]:
        echo(f"Changes: {drift['ours']} by us, {drift['theirs']} at DataCite, {drift['both']} on both sides, "
             f"{drift['unknown']} without a fingerprint.")
    if strangers:
        echo(f"{strangers} DOI{'s' if strangers != 1 else ''} at DataCite have no record here; they are left alone.")


def print_drift(steps: list[Step], echo: Callable[[str], None]) -> int:
    """The DOIs changed at DataCite since the register last wrote them, with their changes; how many."""
    changed = [step for step in steps if step.theirs]
    print_plan(changed, 0, lambda line: None if line.startswith(("Plan:", "Changes:")) else echo(line))
    echo(f"Drift: {len(changed)} of {len(steps)} DOIs were changed at DataCite since the register last wrote them.")
    return len(changed)


def run_sync(steps: list[Step], client: DataCite, echo: Callable[[str], None], *, overwrite_remote: bool,
             stream: TextIO, is_terminal: bool) -> Outcome:
    work = sum(step.action != "none" for step in steps)
    report = ProgressReport(stream, is_terminal) if work >= ProgressReport.LONG else None
    say = report.around(echo) if report else echo
    outcome = sync(steps, client, say, overwrite_remote=overwrite_remote, progress=report)
    if report:
        report.finish()
    done = outcome.done
    if outcome.interrupted:
        echo(f"Interrupted: stopped after {sum(done.values()) - done.get('unchanged', 0) + len(outcome.failed)} of "
             f"{work} DOIs to change; the lines above are what DataCite now holds. Run sync again to carry on.")
    taken = f"{done['already registered']} already registered, " if done.get("already registered") else ""
    echo(f"Sync: {done.get('create', 0)} created, {taken}{done.get('update', 0)} updated, "
         f"{done.get('publish', 0)} published, {done.get('hide', 0)} hidden, {done.get('unchanged', 0)} unchanged, "
         f"{len(outcome.failed)} failed ({client.count.reads} reads, {client.count.writes} writes).")
    return outcome


class ProgressReport:
    """A bar on a terminal; in CI, a plain line every 5 % so that a long sync shows it is alive."""

    LONG = 50  # DOIs to change before progress is shown

    def __init__(self, stream: TextIO, is_terminal: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.is_terminal, self.clock = stream, is_terminal, clock
        self.started = clock()
        self.shown = -1
        self.line = ""

    def __call__(self, done: int, total: int) -> None:
        elapsed = self.clock() - self.started
        left = elapsed / done * (total - done) if done else 0.0
        text = f"{done:,}/{total:,} DOIs ({done * 100 // total} %), about {_duration(left)} left"
        if self.is_terminal:
            filled = done * 30 // total
            self.line = f"[{'#' * filled}{'.' * (30 - filled)}] {text}"
            self.stream.write("\r" + self.line)
            self.stream.flush()
        elif done * 20 // total > self.shown or done == total:
            self.shown = done * 20 // total
            self.stream.write(f"progress: {text}\n")
            self.stream.flush()

    def around(self, echo: Callable[[str], None]) -> Callable[[str], None]:
        """`echo` that first clears the bar, so that lines and bar do not mix on a terminal."""
        def say(text: str) -> None:
            if self.is_terminal and self.line:
                self.stream.write("\r" + " " * len(self.line) + "\r")
                self.line = ""
            echo(text)
        return say

    def finish(self) -> None:
        if self.is_terminal and self.line:
            self.stream.write("\n")


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
