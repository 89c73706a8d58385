"""The `register` command as contributors run it: exit status, output, and no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.render.schema import record_schema

from conftest import MINIMAL, ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd)


def test_check_passes_on_the_real_register():
    result = run("check")
    count = len(list((ROOT / "datasets").glob("*.yaml")))  # a contributor's new record keeps this true
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{count} records checked: no problems.\n", "")


def test_the_benchmarks_generated_register_passes_the_check(tmp_path: Path):
    """bench/ measures valid records only: a rule that the generated record breaks must be caught here, not there."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_build import make_register
    finally:
        sys.path.remove(str(ROOT / "bench"))
    make_register(tmp_path / "register", 3)
    result = run("check", cwd=tmp_path / "register")
    assert (result.returncode, result.stdout, result.stderr) == (0, "3 records checked: no problems.\n", "")


def test_check_prints_every_problem_and_exits_1(register):
    root = register({
        "a.yaml": MINIMAL.format(name="a").replace("status: completed", "status: done"),
        "b.yaml": MINIMAL.format(name="b").replace("email: steward@example.org", "email: steward"),
    })
    result = run("check", cwd=root)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "datasets/a.yaml:3:9: status: expected one of: ongoing, completed or withdrawn, found 'done'\n"
        "datasets/b.yaml:15:12: contacts[0].email: expected an e-mail address such as name@example.org "
        "(An email address must have an @-sign.), found 'steward'\n"
        "2 problems found.\n"
    )


def test_check_of_some_files_reports_only_those(register):
    root = register({
        "a.yaml": MINIMAL.format(name="a"),
        "b.yaml": MINIMAL.format(name="b").replace("status: completed", "status: done"),
    })
    assert run("check", "datasets/a.yaml", cwd=root).returncode == 0
    assert run("check", "datasets/b.yaml", cwd=root).returncode == 1


def test_a_missing_config_is_a_clear_error(tmp_path: Path):
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "Error: mkdocs.yml: no such file; run the command in the register's folder or give --config\n"


def test_the_published_json_schema_is_up_to_date():
    assert (ROOT / "schema" / "dataset.schema.json").read_text(encoding="utf-8") == record_schema()
    assert run("schema").stdout == record_schema()


def test_a_new_record_names_the_schema_for_editors():
    from datetime import date

    from generator import scaffold

    text = scaffold.record("10.23698/abcd-efgh", scaffold.Answers(), date(2026, 1, 1))
    assert text.startswith("# yaml-language-server: $schema=../schema/dataset.schema.json\n")


def test_settings_are_read_in_every_form_mkdocs_accepts(tmp_path: Path, monkeypatch):
    """`plugins:` as a mapping, !ENV values and INHERIT, read through MkDocs' own loader."""
    from generator import config

    (tmp_path / "base.yml").write_text("site_name: Base register\nsite_url: https://base.example.org/\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "INHERIT: base.yml\nplugins:\n  search: {}\n  dataset-register:\n    doi_prefix: !ENV [REGISTER_PREFIX, '10.99999']\n"
        "    publisher: Mapping Hub\n", encoding="utf-8")
    monkeypatch.setenv("REGISTER_PREFIX", "10.12345")
    settings = config.load(tmp_path / "mkdocs.yml")
    assert (settings.doi_prefix, settings.publisher, settings.site_name, settings.site_url) == (
        "10.12345", "Mapping Hub", "Base register", "https://base.example.org/")


def test_a_broken_mkdocs_yml_is_one_clear_error(tmp_path: Path):
    (tmp_path / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: mkdocs.yml: MkDocs encountered an error parsing the configuration file")
