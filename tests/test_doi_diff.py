"""`register doi diff BASE_REF` between two commits of a temporary git repository, with no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import MINIMAL, make_register

GIT = ["git", "-c", "user.email=steward@example.org", "-c", "user.name=Data steward"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATACITE_")}
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env)


def test_the_diff_shows_what_the_merge_does_at_datacite(tmp_path: Path):
    root = make_register(tmp_path / "register", {f"{n}.yaml": MINIMAL.format(name=n) for n in ("alpha", "beta", "gamma", "delta")})
    run("git", "init", "-q", cwd=root)
    run("git", "add", "-A", cwd=root)
    run(*GIT, "commit", "-qm", "main", cwd=root)

    datasets = root / "datasets"
    (datasets / "beta.yaml").write_text(MINIMAL.format(name="beta").replace("A minimal dataset", "A better title"))
    (datasets / "gamma.yaml").write_text(MINIMAL.format(name="gamma").replace(
        "status: completed", "status: withdrawn\nwithdrawal:\n  date: 2021-06-01\n  reason: Consent was withdrawn."))
    (datasets / "alpha-2.yaml").write_text(MINIMAL.format(name="alpha-2").replace(
        "licenses:", "related:\n  - relation: is-new-version-of\n    type: dataset\n    doi: 10.23698/alpha\nlicenses:"))
    (datasets / "delta.yaml").unlink()

    result = run(sys.executable, "-m", "generator", "doi", "diff", "HEAD", cwd=root)
    assert result.returncode == 0, result.stderr
    table = [line for line in result.stdout.splitlines() if line.startswith("| `")]
    assert table == [
        "| `10.23698/alpha-2` | `datasets/alpha-2.yaml` | new DOI (findable) |",
        "| `10.23698/alpha` | `datasets/alpha.yaml` | update, version link |",
        "| `10.23698/beta` | `datasets/beta.yaml` | update |",
        "| `10.23698/gamma` | `datasets/gamma.yaml` | hide |",
        "| `10.23698/delta` | (deleted) | none: the DOI stays registered at DataCite; add a withdrawal instead |",
    ]
    assert '- titles: [{"lang": "en", "title": "A minimal dataset"}]\n+ titles: [{"lang": "en", "title": "A better title"}]' in result.stdout
    assert '"dateInformation": "Consent was withdrawn.", "dateType": "Withdrawn"' in result.stdout


def test_no_change_says_so_and_a_bad_ref_is_a_clear_error(tmp_path: Path):
    root = make_register(tmp_path / "register", {"alpha.yaml": MINIMAL.format(name="alpha")})
    run("git", "init", "-q", cwd=root)
    run("git", "add", "-A", cwd=root)
    run(*GIT, "commit", "-qm", "main", cwd=root)
    same = run(sys.executable, "-m", "generator", "doi", "diff", "HEAD", cwd=root)
    assert same.stdout == "## What this change does at DataCite\n\nNo DOI is created or changed.\n"
    bad = run(sys.executable, "-m", "generator", "doi", "diff", "no-such-branch", cwd=root)
    assert bad.returncode == 1 and bad.stderr.startswith("Error: git does not know 'no-such-branch'")
