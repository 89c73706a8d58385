"""The contributor's workflow: `register new`, check output for pull requests, the pre-commit hook."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, make_register


def register(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def test_a_new_record_passes_the_check_once_filled_in(tmp_path: Path):
    root = make_register(tmp_path / "register")
    made = register("new", "--no-input", "--title", "Lung CT screening", "--author", "van der Laak, Jeroen, 0000-0001-7982-0754",
                    "--author", "af Wetterstedt, Ebba", "--license", "controlled-access", "--license", "aida-by",
                    "--contact", "Data steward <steward@example.org>", cwd=root)
    assert made.returncode == 0, made.stderr
    path = next((root / "datasets").glob("*.yaml"))
    assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}\.yaml", path.name)
    assert f"Created datasets/{path.name} for the DOI 10.23698/{path.stem}." in made.stdout

    unfilled = register("check", cwd=root)
    assert unfilled.returncode == 1
    assert unfilled.stderr.splitlines()[-1] == "2 problems found."
    assert all("fill this in" in line for line in unfilled.stderr.splitlines()[:-1])

    text = path.read_text(encoding="utf-8")
    text = text.replace('"FILL IN: what the dataset holds, in a few sentences (Markdown)"', "Low-dose CT of the lungs.")
    text = text.replace('"FILL IN: the institution holding the copyright, from the ethical approval"', "Example University")
    path.write_text(text, encoding="utf-8")
    assert register("check", cwd=root).stdout == "1 record checked: no problems.\n"


def test_new_records_never_reuse_a_doi(tmp_path: Path):
    root = make_register(tmp_path / "register")
    for _ in range(5):
        assert register("new", "--no-input", cwd=root).returncode == 0
    assert len(list((root / "datasets").glob("*.yaml"))) == 5


def test_github_format_annotates_each_problem_on_its_line(tmp_path: Path):
    record = "doi: 10.23698/x\ntitle: 'Lungs, 50%: CT'\nstatus: Done\n"
    root = make_register(tmp_path / "register", {"x.yaml": record})
    result = register("check", "--format", "github", cwd=root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "::error file=datasets/x.yaml,line=3,col=9,title=status::status: expected one of: ongoing, completed or withdrawn, found 'Done'" in lines
    assert "::error file=datasets/x.yaml,line=1,col=1,title=authors::authors: required key 'authors' is missing" in lines


def test_github_format_escapes_what_workflow_commands_reserve():
    from generator.cli import github_annotation
    from generator.errors import Problem

    assert github_annotation(Problem("d/a,b.yaml", 2, 3, "k:ey", "100% sure\nreally")) == (
        "::error file=d/a%2Cb.yaml,line=2,col=3,title=k%3Aey::k:ey: 100%25 sure%0Areally")


def test_json_format_lists_every_problem(tmp_path: Path):
    root = make_register(tmp_path / "register", {"x.yaml": "doi: 10.23698/x\n"})
    result = register("check", "--format", "json", cwd=root)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["records"] == 0
    assert {"path": "datasets/x.yaml", "line": 1, "column": 1, "key": "title",
            "message": "required key 'title' is missing"} in report["problems"]


def test_the_pre_commit_hook_checks_changed_records():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "register-check")
    assert hook["entry"] == "register check" and hook["language"] == "python"
    assert re.search(hook["files"], "datasets/aida-ctpa.yaml") and not re.search(hook["files"], "docs/index.md")
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["hooks"][0]["id"] == "register-check"


def test_the_record_format_reference_lists_every_key_of_the_model():
    from generator import reference
    from generator.reference import _models
    from generator.model import Dataset

    page = reference.render(ROOT / "tests" / "cases" / "aida-example-full.yaml")
    for model in _models(Dataset, []):
        for name in model.model_fields:
            assert f"| `{name}` |" in page, f"{model.__name__}.{name}"
    assert "doi: 10.23698/aida/example-full" in page  # the annotated example


def test_the_contributor_guide_is_a_page_of_the_site(site):
    page = (site / "contributing" / "index.html").read_text(encoding="utf-8")
    assert "register new" in page and "What the messages mean" in page
    assert (site / "record-format" / "index.html").is_file()
