"""Shared test helpers: golden files (`pytest --update-golden` rewrites them) and throw-away registers."""

from __future__ import annotations

import atexit
import dataclasses
import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from generator import config
from generator.config import SiteConfig

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with a golden file, or rewrite the file under --update-golden (review the diff)."""
    update = request.config.getoption("--update-golden")

    def compare(path: Path, actual: str) -> None:
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))  # byte for byte: RIS lines end in CR LF
            return
        assert path.is_file(), f"{path} is missing; run pytest --update-golden and review it"
        assert actual == path.read_bytes().decode("utf-8"), f"output differs from {path}"

    return compare


ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def mkdocs_build(root: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site_dir)],
        capture_output=True, text=True, env=ENV, cwd=root,
    )


# The tests' own register: its settings in tests/register/, its records in tests/cases/. Golden files
# and exact expectations are about these records only, so a contributor's new record in datasets/
# never turns the suite red; what must hold for every record of datasets/ is in test_properties.py.
CASES = ROOT / "tests" / "cases"
TEST_SETTINGS = ROOT / "tests" / "register" / "mkdocs.yml"


@functools.cache
def case_settings() -> SiteConfig:
    """The test register's settings, read in place: its records in tests/cases, the product's licenses, and its
    caches in a temporary folder rather than in the tests' own."""
    settings = config.load(TEST_SETTINGS)
    caches = Path(tempfile.mkdtemp(prefix="register-cache-"))
    atexit.register(shutil.rmtree, caches, True)
    return dataclasses.replace(settings, datasets_dir=CASES, licenses_dir=ROOT / "licenses", cache_dir=caches)


def assemble_test_register(root: Path) -> Path:
    """The test register as a folder MkDocs can build: its settings and records, the product's licenses and docs."""
    root.mkdir(parents=True)
    shutil.copyfile(TEST_SETTINGS, root / "mkdocs.yml")
    shutil.copytree(CASES, root / "datasets")
    shutil.copytree(ROOT / "licenses", root / "licenses")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copyfile(ROOT / "CONTRIBUTING.md", root / "CONTRIBUTING.md")
    return root


@pytest.fixture(scope="session")
def test_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' own register, assembled once (do not modify it: copy it)."""
    return assemble_test_register(tmp_path_factory.mktemp("test-register") / "register")


@pytest.fixture(scope="session")
def site(test_register: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' own register, built once by the real `mkdocs build --strict`."""
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = mkdocs_build(test_register, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The register in datasets/, built once: only for properties that hold for any valid record."""
    site_dir = tmp_path_factory.mktemp("real-build") / "site"
    result = mkdocs_build(ROOT, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


def search_index(site: Path) -> dict[str, str]:
    """The pages the site's search (Pagefind) indexed: site path -> the text it indexed.

    Pagefind writes one gzip-compressed fragment per page: its own signature, then JSON.
    """
    pages = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"].lstrip("/")] = data["content"]
    return pages


MKDOCS_YML = """\
site_name: Test register
site_url: https://register.example.org/
theme:
  name: material
nav:
  - Datasets: index.md
plugins:
  - dataset-register:
      doi_prefix: "10.23698"
      publisher: Test Data Hub
"""


def make_register(root: Path, records: dict[str, str | bytes] | None = None) -> Path:
    """A register folder with the project's licenses and the given records in datasets/."""
    (root / "datasets").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    shutil.copytree(ROOT / "licenses", root / "licenses")
    for name, content in (records or {}).items():
        path = root / "datasets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make a register in a temporary folder and work from there, so messages show datasets/x.yaml."""

    def make(records: dict[str, str | bytes] | None = None) -> Path:
        root = make_register(tmp_path / "register", records)
        monkeypatch.chdir(root)
        return root

    return make


MINIMAL = """\
doi: 10.23698/{name}
title: A minimal dataset
status: completed
published: 2020-01-01
description: A dataset with only the keys a record needs.
authors:
  - given_name: Ada
    family_name: Lovelace
copyright:
  year: 2020
  holders:
    - organization: Example University
contacts:
  - name: Data steward
    email: steward@example.org
licenses:
  - id: aida-by
    version: "1.0"
"""


def record_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list to which, from now on, the file name of each record checked on its own (not taken from a cache) is added."""
    from generator.check import catalog

    checked: list[str] = []
    check_record = catalog._check_record

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        checked.append(path.name)
        return check_record(path, *args, **kwargs)

    monkeypatch.setattr(catalog, "_check_record", counting)
    return checked


def add_deidentification(record: Path) -> None:
    """What a steward adds to an imported record that no old register holds: how the data was made anonymous."""
    record.write_text(record.read_text(encoding="utf-8") + "deidentification:\n  where: at the caregiver\n", encoding="utf-8")
