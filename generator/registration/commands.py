"""`register doi plan` and `register doi sync`: settings, reading DataCite, printing the plan and the outcome."""

from __future__ import annotations

import os
from typing import Callable
from urllib.parse import urlsplit

from generator.catalog import Catalog
from generator.config import SiteConfig
from generator.errors import RegisterError
from generator.registration.client import PRODUCTION_API, TEST_API, DataCite
from generator.registration.plan import Step, desired, plan
from generator.registration.sync import Outcome, sync

ACTIONS = ("create", "update", "publish", "hide")


def connect(config: SiteConfig, *, production: bool) -> DataCite:
    """A client from DATACITE_USERNAME, DATACITE_PASSWORD and DATACITE_URL; the test API unless --production."""
    username, password = os.environ.get("DATACITE_USERNAME"), os.environ.get("DATACITE_PASSWORD")
    if not username or not password:
        raise RegisterError("set DATACITE_USERNAME (the repository id) and DATACITE_PASSWORD to reach DataCite")
    if not config.doi_prefix:
        raise RegisterError("mkdocs.yml: dataset-register.doi_prefix is needed to register DOIs")
    url = os.environ.get("DATACITE_URL") or (PRODUCTION_API if production else TEST_API)
    if urlsplit(url).hostname == urlsplit(PRODUCTION_API).hostname and not production:
        raise RegisterError(f"DATACITE_URL is DataCite's production API ({url}); add --production to use it")
    return DataCite(username, password, config.doi_prefix, url)


def make_plan(catalog: Catalog, client: DataCite, only: tuple[str, ...]) -> tuple[list[Step], int]:
    """The steps for every record (or only the DOIs given), and how many DOIs at DataCite have no record."""
    wanted = desired(catalog)
    if only:
        chosen = {doi.lower() for doi in only}
        unknown = chosen - {item.doi for item in wanted}
        if unknown:
            raise RegisterError(f"no record in this register has the DOI {', '.join(sorted(unknown))}")
        wanted = [item for item in wanted if item.doi in chosen]
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
        echo(f"{step.action:7} {step.doi}  {step.desired.source}{what}")
        if step.action == "create":
            echo(f"    new DOI, {step.expected_state}, at {step.desired.attributes['url']}")
        else:
            for change in step.changes:
                echo(f"    {change}")
    counts = {action: sum(step.action == action for step in steps) for action in (*ACTIONS, "none")}
    echo(f"Plan: {counts['create']} to create, {counts['update']} to update, {counts['publish']} to publish, "
         f"{counts['hide']} to hide, {counts['none']} unchanged.")
    if strangers:
        echo(f"{strangers} DOI{'s' if strangers != 1 else ''} at DataCite have no record here; they are left alone.")


def run_sync(steps: list[Step], client: DataCite, echo: Callable[[str], None]) -> Outcome:
    outcome = sync(steps, client, echo)
    done = outcome.done
    echo(f"Sync: {done.get('create', 0)} created, {done.get('update', 0)} updated, {done.get('publish', 0)} published, "
         f"{done.get('hide', 0)} hidden, {done.get('unchanged', 0)} unchanged, {len(outcome.failed)} failed "
         f"({client.count.reads} reads, {client.count.writes} writes).")
    return outcome
