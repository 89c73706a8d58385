"""Broken records and the exact lines `register check` prints for them (tests/invalid/<case>.errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import config
from generator.build import verify

from conftest import MINIMAL, ROOT

INVALID = ROOT / "tests" / "invalid"
CASES = sorted(path for path in INVALID.iterdir() if path.suffix == ".yaml" or path.is_dir())


def records_of(case: Path) -> dict[str, str | bytes]:
    """A case is one record file, or a folder of records (with their images) put into datasets/ as it is."""
    if not case.is_dir():
        return {case.name: case.read_bytes()}
    return {str(file.relative_to(case)): file.read_bytes() for file in sorted(case.rglob("*")) if file.is_file()}


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.stem)
def test_broken_record_gets_exact_messages(case: Path, register, golden):
    root = register(records_of(case))
    if case.stem == "image-outside":
        (root / "secret.png").write_bytes(b"\x89PNG")
    _, problems = verify.check(config.load(root / "mkdocs.yml"))
    assert problems, "a broken record passed the check"
    golden(INVALID / f"{case.stem}.errors", "".join(f"{problem}\n" for problem in problems))


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


def test_every_problem_of_every_record_is_reported_at_once(register):
    broken = {f"{name}.yaml": (INVALID / f"{name}.yaml").read_bytes() for name in ("typo-key", "date-day-zero", "orcid-check-digit")}
    root = register(broken)
    _, problems = verify.check(config.load(root / "mkdocs.yml"))
    assert {problem.path for problem in problems} == {f"datasets/{name}" for name in broken}


def test_an_oversized_image_is_reported_with_the_limit(register):
    record = (INVALID / "image-too-large" / "image-too-large.yaml").read_text()
    root = register({"image-too-large.yaml": record.replace("huge.png", "big.jpg")})
    (root / "datasets" / "images").mkdir()
    (root / "datasets" / "images" / "big.jpg").write_bytes(b"\xff" * 5_200_000)
    assert [str(p) for p in verify.check(config.load(root / "mkdocs.yml"))[1]] == [
        "datasets/image-too-large.yaml:17:11: images[0].file: the image is 5.2 MB; example images may be at most "
        "5 MB (save it smaller, e.g. as a JPEG of at most 2000 pixels a side)"
    ]


def test_placeholders_left_by_register_new_are_reported_once(register):
    record = MINIMAL.format(name="todo").replace("email: steward@example.org", 'email: "FILL IN: their e-mail address"')
    root = register({"todo.yaml": record})
    assert [str(p) for p in verify.check(config.load(root / "mkdocs.yml"))[1]] == [
        "datasets/todo.yaml:15:12: contacts[0].email: fill this in: their e-mail address"
    ]


def test_one_run_reports_a_mistake_of_every_kind_in_one_record(register):
    """Field, placeholder, key, record, license, parameter, image and cross-record rules all run on a broken record."""
    root = register(records_of(INVALID / "every-kind"))
    _, problems = verify.check(config.load(root / "mkdocs.yml"))
    keys = [problem.key for problem in problems if problem.path == "datasets/every-kind.yaml"]
    assert keys == ["published", "description", "descripton", "authors[0].orcid", "licenses[0].id", "licenses[1].colour",
                    "related[0].doi", "related[1].doi", "images[0].file"]
    assert "has problems, see above" in str(problems[keys.index("related[0].doi") + 1])
