"""The GitHub Actions workflows: valid against GitHub's workflow schema, pinned, and least privilege.

Pull requests run untrusted code, so the rules are checked on every workflow: no secret and no write
permission where a pull request's code runs, no expression expanded inside a shell script, every
action pinned to a commit, and the DataCite credentials only behind an environment, on main.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_workflows_are_valid_against_githubs_schema():
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [path.name for path in WORKFLOWS] == ["publish.yml", "pull-request-comment.yml", "pull-request.yml"]


def steps(data: dict) -> list[dict]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.stem)
def test_actions_are_pinned_to_a_commit_with_the_version_beside_it(workflow: Path):
    uses = [line.strip() for line in workflow.read_text(encoding="utf-8").splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert len(uses) == sum("uses" in step for step in steps(load(workflow))) > 0
    for line in uses:
        assert re.fullmatch(r"(- )?uses: [\w-]+/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.stem)
def test_permissions_are_least(workflow: Path):
    data = load(workflow)
    assert data["permissions"] == {"contents": "read"}
    for job in data["jobs"].values():
        for scope, level in job.get("permissions", {}).items():
            assert level in ("read", "write") and scope in ("contents", "pages", "id-token", "pull-requests", "actions")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.stem)
def test_no_expression_is_expanded_inside_a_shell_script(workflow: Path):
    """`${{ github.base_ref }}` in run: becomes shell code; event and ref data reach scripts through env: only."""
    for step in steps(load(workflow)):
        assert "${{" not in step.get("run", ""), step["run"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.stem)
def test_code_of_a_pull_request_runs_without_secrets_or_write_permission(workflow: Path):
    data = load(workflow)
    assert "pull_request_target" not in data["on"]
    if "pull_request" in data["on"]:
        assert "secrets." not in workflow.read_text(encoding="utf-8")
        assert all(job.get("permissions", {}).get(scope) != "write" for job in data["jobs"].values() for scope in
                   ("contents", "pull-requests", "pages", "id-token", "actions"))
    if "workflow_run" in data["on"]:  # runs with the base repository's token: it must never run the PR's code
        assert not any(step.get("uses", "").startswith("actions/checkout@") or "make" in step.get("run", "")
                       for step in steps(data))


def test_pull_requests_get_checks_tests_a_strict_build_and_the_datacite_diff():
    jobs = load(ROOT / ".github/workflows/pull-request.yml")["jobs"]
    commands = [step.get("run", "") for job in jobs.values() for step in job["steps"]]
    assert ".venv/bin/register check --format github" in commands
    assert ".venv/bin/mkdocs build --strict" in commands and "make test" in commands
    assert any("register doi diff" in command for command in commands)
    assert "permissions" not in jobs["check"] and "permissions" not in jobs["datacite-diff"]  # read-only
    assert jobs["datacite-diff"]["steps"][-1]["with"]["name"] == "datacite-diff"


def test_the_diff_is_posted_from_the_artifact_by_a_separate_workflow():
    data = load(ROOT / ".github/workflows/pull-request-comment.yml")
    assert data["on"] == {"workflow_run": {"workflows": ["Pull request"], "types": ["completed"]}}
    job = data["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    download, comment = job["steps"]
    assert download["with"]["name"] == "datacite-diff" and download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    assert "gh pr comment" in comment["run"] and '*[!0-9]*' in comment["run"]


def test_main_deploys_then_syncs_dois_with_secrets_and_test_api_by_default():
    jobs = load(ROOT / ".github/workflows/publish.yml")["jobs"]
    assert jobs["deploy"]["needs"] == "build" and jobs["register-dois"]["needs"] == "deploy"
    sync = jobs["register-dois"]["steps"][-1]
    assert sync["env"]["DATACITE_PASSWORD"] == "${{ secrets.DATACITE_PASSWORD }}"
    assert '.venv/bin/register doi sync --production' in sync["run"] and 'if [ "$PRODUCTION" = "true" ]' in sync["run"]
    assert "register-dois" not in str(jobs["deploy"]) and "permissions" not in jobs["register-dois"]
    assert jobs["register-dois"]["environment"] == "datacite"  # its secrets sit behind the environment's rules
    assert jobs["build"]["if"] == "github.ref == 'refs/heads/main'"  # also when started by hand
    holding = [name for name, job in jobs.items() if "secrets." in str(job)]
    assert holding == ["register-dois"]


def test_the_job_holding_the_datacite_secrets_installs_only_hashed_dependencies():
    steps = load(ROOT / ".github/workflows/publish.yml")["jobs"]["register-dois"]["steps"]
    install = next(step["run"] for step in steps if "pip install" in step.get("run", ""))
    commands = [line.strip() for line in install.splitlines() if "pip install" in line]
    assert commands[0] == ".venv/bin/pip install --require-hashes --no-deps -r requirements/publish.txt"
    assert commands[1:] == [".venv/bin/pip install --no-deps --no-build-isolation ."]  # our own code, nothing fetched
    assert "make" not in install  # make would install the test tools too, unhashed


def test_the_hashed_lock_holds_the_pinned_runtime_dependencies():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    lock = (ROOT / "requirements" / "publish.txt").read_text(encoding="utf-8")
    locked = dict(re.findall(r"^([a-z0-9._-]+)==(\S+) \\$", lock, re.MULTILINE))
    entries = re.findall(r"^[a-z0-9._-]+==\S+ \\\n    --hash=sha256:[0-9a-f]{64}$", lock, re.MULTILINE)
    assert len(entries) == len(locked)  # every requirement has its hash
    for requirement in declared:
        name, _, version = requirement.partition("==")
        name = name.split("[")[0]  # pagefind[bin]: the extra is pagefind-bin, locked on its own line
        if version:  # exactly pinned in pyproject.toml: the lock has that version (run scripts/lock-publish)
            assert locked.get(name.lower().replace("_", "-")) == version, requirement
