"""Broken records and the exact lines `register check` prints for them (tests/invalid/<case>.errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import catalog, config

from conftest import ROOT

INVALID = ROOT / "tests" / "invalid"
CASES = sorted(path for path in INVALID.iterdir() if path.suffix == ".yaml" or path.is_dir())


def records_of(case: Path) -> dict[str, str | bytes]:
    files = sorted(case.iterdir()) if case.is_dir() else [case]
    return {file.name: file.read_bytes() for file in files}


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.stem)
def test_broken_record_gets_exact_messages(case: Path, register, golden):
    root = register(records_of(case))
    if case.stem == "image-outside":
        (root / "secret.png").write_bytes(b"\x89PNG")
    _, problems = catalog.check(config.load(root / "mkdocs.yml"))
    assert problems, "a broken record passed the check"
    golden(INVALID / f"{case.stem}.errors", "".join(f"{problem}\n" for problem in problems))


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


def test_every_problem_of_every_record_is_reported_at_once(register):
    broken = {f"{name}.yaml": (INVALID / f"{name}.yaml").read_bytes() for name in ("typo-key", "date-day-zero", "orcid-check-digit")}
    root = register(broken)
    _, problems = catalog.check(config.load(root / "mkdocs.yml"))
    assert {problem.path for problem in problems} == {f"datasets/{name}" for name in broken}
