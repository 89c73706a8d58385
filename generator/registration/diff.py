"""`register doi diff BASE_REF`: what merging a change would do at DataCite, as Markdown for a pull request.

It needs no network and no credentials: the register at BASE_REF (read with git) stands in for
what DataCite holds, since `register doi sync` brings DataCite in line with the main branch.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from generator import config as config_module
from generator.build import verify
from generator.config import SiteConfig
from generator.errors import RegisterError
from generator.registration.plan import Desired, Step, desired, fingerprint_entry, step_for

SUMMARIES = {"create": "new DOI", "update": "update", "publish": "publish", "hide": "hide"}


def at_ref(config: SiteConfig, ref: str) -> list[Desired]:
    """What DataCite should hold according to the register as it was at `ref`."""
    root = config.root
    paths = [str(path.relative_to(root)) for path in (config.datasets_dir, config.licenses_dir, root / "mkdocs.yml")]
    listed = subprocess.run(["git", "ls-tree", "--name-only", ref, "--", *paths], cwd=root, capture_output=True, text=True)
    if listed.returncode != 0:
        raise RegisterError(f"git does not know {ref!r}: {listed.stderr.strip()}")
    present = listed.stdout.split()
    if not present:
        return []
    archive = subprocess.run(["git", "archive", "--format=tar", ref, "--", *present], cwd=root, capture_output=True)
    if archive.returncode != 0:
        raise RegisterError(f"could not read {ref!r} with git: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        base_file = Path(folder) / "mkdocs.yml"
        base = config_module.load(base_file) if base_file.is_file() else config
        # Records that were broken at the base are left out: DataCite cannot hold them either.
        catalog, _ = verify.check(base)
        return desired(catalog)


def changes(before: list[Desired], after: list[Desired]) -> list[Step]:
    """The step each changed record will cause, taking the base as what DataCite holds."""
    # As the base's sync left it: with the fingerprint of what it sent, so that every change is ours.
    held = {item.doi: item.attributes | {"state": item.state, "alternateIdentifiers": [fingerprint_entry(item)]}
            for item in before if item.state is not None}
    steps = [step_for(item, held.get(item.doi)) for item in after]
    return [step for step in steps if step.action != "none"]


def removed(before: list[Desired], after: list[Desired]) -> list[str]:
    """DOIs whose records the change deletes; DataCite keeps them (nothing is deleted there)."""
    now = {item.doi for item in after}
    return sorted(item.doi for item in before if item.doi not in now and item.state is not None)


def markdown(steps: list[Step], gone: list[str]) -> str:
    """A pull-request comment: a table of actions, then the field-level changes of each DOI."""
    lines = ["## What this change does at DataCite", ""]
    if not steps and not gone:
        return "\n".join([*lines, "No DOI is created or changed.", ""])
    lines += ["| DOI | record | action |", "|---|---|---|"]
    for step in steps:
        action = SUMMARIES[step.action]
        if step.action == "create":
            action += f" ({step.expected_state})"
        elif step.action == "update" and step.event:
            action += f" ({step.event})"
        if step.action != "create" and any("VersionOf" in change for change in step.changes):
            action += ", version link"
        lines.append(f"| `{step.doi}` | `{step.desired.source}` | {action} |")
    for doi in gone:
        lines.append(f"| `{doi}` | (deleted) | none: the DOI stays registered at DataCite; add a withdrawal instead |")
    for step in steps:
        lines += ["", f"<details><summary><code>{step.doi}</code>: {SUMMARIES[step.action]}</summary>", "", "```diff"]
        for change in step.changes:
            key, _, rest = change.partition(": ")
            old, _, new = rest.partition(" → ")
            if old != "(none)":
                lines.append(f"- {key}: {old}")
            lines.append(f"+ {key}: {new}")
        lines += ["```", "", "</details>"]
    return "\n".join(lines) + "\n"
