"""The GitHub Actions workflows: valid against GitHub's workflow schema, pinned, and least privilege."""

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
    assert len(WORKFLOWS) == 2


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.stem)
def test_actions_are_pinned_and_permissions_are_least(workflow: Path):
    data = load(workflow)
    assert data["permissions"] == {"contents": "read"}
    for job in data["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+\.\d+\.\d+", step["uses"]), step["uses"]
        for scope, level in job.get("permissions", {}).items():
            assert level in ("read", "write") and scope in ("contents", "pages", "id-token", "pull-requests")


def test_pull_requests_get_checks_tests_a_strict_build_and_the_datacite_diff():
    jobs = load(ROOT / ".github/workflows/pull-request.yml")["jobs"]
    commands = [step.get("run", "") for job in jobs.values() for step in job["steps"]]
    assert ".venv/bin/register check --format github" in commands
    assert ".venv/bin/mkdocs build --strict" in commands and "make test" in commands
    assert any("register doi diff" in command for command in commands)
    assert jobs["datacite-diff"]["permissions"]["pull-requests"] == "write"
    assert "permissions" not in jobs["check"]  # read-only, from the workflow


def test_main_deploys_then_syncs_dois_with_secrets_and_test_api_by_default():
    jobs = load(ROOT / ".github/workflows/publish.yml")["jobs"]
    assert jobs["deploy"]["needs"] == "build" and jobs["register-dois"]["needs"] == "deploy"
    sync = jobs["register-dois"]["steps"][-1]
    assert sync["env"]["DATACITE_PASSWORD"] == "${{ secrets.DATACITE_PASSWORD }}"
    assert '.venv/bin/register doi sync --production' in sync["run"] and 'if [ "$PRODUCTION" = "true" ]' in sync["run"]
    assert "register-dois" not in str(jobs["deploy"]) and "permissions" not in jobs["register-dois"]
