"""The contributor's workflow: `register new`, check output for pull requests, the pre-commit hook."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ENV, MINIMAL, ROOT, make_register


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
    from generator.model.record import Dataset
    from generator.render import reference
    from generator.render.reference import _models

    page = reference.render(ROOT / "tests" / "cases" / "aida-example-full.yaml")
    for model in _models(Dataset, []):
        for name in model.model_fields:
            assert f"| `{name}` |" in page, f"{model.__name__}.{name}"
    assert "doi: 10.23698/aida/example-full" in page  # the annotated example


def test_the_record_format_is_headed_by_the_names_people_use_not_class_names():
    import re

    from generator.model.record import Dataset
    from generator.render import reference
    from generator.render.reference import SECTIONS, _models

    page = reference.render()
    headings = re.findall(r"^## (.+?) \{ #([a-z0-9-]+) \}$", page, flags=re.MULTILINE)
    assert set(_models(Dataset, [])) <= set(SECTIONS)  # a new part of the record needs its section name here
    assert ("Related works", "related-works") in headings and ("Authors and copyright holders", "authors-and-copyright-holders") in headings
    for model in _models(Dataset, []):  # no heading such as "RelatedWork" or "LicenseRef"
        assert all(model.__name__ not in heading for heading, _ in headings) or model.__name__.istitle(), model.__name__
    links = set(re.findall(r"\]\(#([a-z0-9-]+)\)", page))
    assert links and links <= {anchor for _, anchor in headings}  # every type's link leads to its section
    assert "Under `authors`, `copyright.holders`." in page and "Under `related`." in page


def test_the_contributor_guide_is_a_page_of_the_site(site):
    page = (site / "contributing" / "index.html").read_text(encoding="utf-8")
    assert "register new" in page and "What the messages mean" in page
    assert (site / "record-format" / "index.html").is_file()


def _new_dialogue(root: Path, monkeypatch, answers: str):
    from click.testing import CliRunner

    from generator import cli

    monkeypatch.chdir(root)
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    return CliRunner().invoke(cli.cli, ["new"], input=answers)


def test_register_new_asks_again_until_each_answer_is_right(tmp_path: Path, monkeypatch):
    root = make_register(tmp_path / "register")
    answers = "\n".join([
        "",  # an empty title
        "Knee MRI",
        "Lovelace Ada",  # not 'Family, Given'
        "Lovelace, Ada, 0000-0002-1825-0098",  # a wrong check digit
        "Lovelace, Ada, 0000-0002-1825-0097",
        "",  # no more authors
        "aida-bye",  # no such license
        "controlled-access aida-by",
        "Data steward <steward.example.org>",  # not an e-mail address
        "Data steward <steward@example.org>",
        "",
    ]) + "\n"
    result = _new_dialogue(root, monkeypatch, answers)
    assert result.exit_code == 0, result.output
    output = result.output
    assert output.count("Title of the dataset:") == 2  # asked again
    assert "Error: write it as 'Family, Given' or 'Family, Given, ORCID'" in output
    assert "Error: the ORCID iD's check digit is wrong (the last character should be '7')" in output
    assert "Error: no license 'aida-bye'; choose one of: aida, aida-by," in output
    assert "controlled-access    Controlled access" in output  # the licenses there are, offered
    assert "Error: expected an e-mail address such as name@example.org" in output
    record = next((root / "datasets").glob("*.yaml")).read_text(encoding="utf-8")
    for expected in ('title: "Knee MRI"', 'family_name: "Lovelace"', "orcid: 0000-0002-1825-0097", "- id: controlled-access",
                     "- id: aida-by", "email: steward@example.org", "# modalities: [CT]"):
        assert expected in record


def test_register_new_keeps_what_was_typed_when_the_dialogue_is_cut_short(tmp_path: Path, monkeypatch):
    root = make_register(tmp_path / "register")
    result = _new_dialogue(root, monkeypatch, "Knee MRI\nLovelace, Ada\n")  # input ends at the second author
    assert result.exit_code == 1
    path = next((root / "datasets").glob("*.yaml"))
    assert f"what you typed is kept in datasets/{path.name}" in result.output
    record = path.read_text(encoding="utf-8")
    assert 'title: "Knee MRI"' in record and 'family_name: "Lovelace"' in record and "FILL IN" in record


def test_register_new_flags_are_checked_too(tmp_path: Path):
    root = make_register(tmp_path / "register")
    made = register("new", "--no-input", "--author", "Lovelace, Ada, 0000-0002-1825-0098", cwd=root)
    assert made.returncode == 1
    assert made.stderr == ("Error: --author 'Lovelace, Ada, 0000-0002-1825-0098': the ORCID iD's check digit is wrong "
                           "(the last character should be '7'); copy it from orcid.org\n")
    assert not list((root / "datasets").glob("*.yaml"))


def test_pre_commit_install_as_the_guide_says_checks_a_commit(tmp_path: Path):
    """CONTRIBUTING.md's `.venv/bin/pre-commit install`, in a clone: a commit of a broken record is stopped."""
    root = make_register(tmp_path / "register")
    shutil.copyfile(ROOT / ".pre-commit-config.yaml", root / ".pre-commit-config.yaml")
    (root / ".venv" / "bin").mkdir(parents=True)
    for tool in ("register", "pre-commit"):
        (root / ".venv" / "bin" / tool).symlink_to(Path(sys.executable).parent / tool)
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=root, capture_output=True, text=True, env=env, check=False)

    assert run("git", "init", "-q").returncode == 0
    assert "`.venv/bin/pre-commit install`" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    installed = run(".venv/bin/pre-commit", "install")
    assert installed.returncode == 0, installed.stderr
    (root / "datasets" / "x.yaml").write_text(MINIMAL.format(name="x").replace("status: completed", "status: done"))
    run("git", "add", "datasets/x.yaml", ".pre-commit-config.yaml")
    commit = run("git", "commit", "-q", "-m", "Add x")
    assert commit.returncode != 0
    assert "datasets/x.yaml:3:9: status: expected one of: ongoing, completed or withdrawn, found 'done'" in commit.stdout + commit.stderr


def test_the_guide_lists_every_message_the_check_can_give():
    from generator.check import messages

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    listed = guide.split("<!-- messages:start -->\n", 1)[1].split("<!-- messages:end -->", 1)[0]
    assert listed == messages.table(), "CONTRIBUTING.md's table is out of date: run python -m generator.check.messages"


def test_every_message_of_the_corpus_is_in_the_catalogue():
    """The catalogue really is what the check prints: each message of tests/invalid matches one of its templates."""
    from generator.check import messages

    patterns = [re.compile(re.escape(m.text).replace("…", ".*").replace(r"\ ", " ")) for m in messages.catalogue()]
    printed = [line.split(": ", 2)[-1] for errors in (ROOT / "tests" / "invalid").glob("*.errors")
               for line in errors.read_text(encoding="utf-8").splitlines()]
    unmatched = [text for text in printed if not any(p.match(" ".join(text.split())) for p in patterns)]
    assert unmatched == []
