"""Golden files per record and output format, for the test register's records in tests/cases/."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import catalog
from generator.loader import load
from generator.render.formats import FORMATS
from generator.site import context
from generator.validate import parse

from conftest import CASES, ROOT, case_settings

SETTINGS = case_settings()
RECORDS = sorted(CASES.glob("*.yaml"))


@pytest.fixture(scope="module")
def ctx():
    return context(catalog.load_catalog(SETTINGS))


def test_the_test_register_has_no_problems():
    _, problems = catalog.check(SETTINGS)
    assert [str(p) for p in problems] == []


def test_the_test_register_has_a_record_of_every_kind():
    datasets = [entry.dataset for entry in catalog.load_catalog(SETTINGS).entries]
    assert any(dataset.hidden for dataset in datasets)
    assert any(dataset.status == "withdrawn" for dataset in datasets)
    assert any(dataset.synthetic for dataset in datasets)
    assert any(dataset.images for dataset in datasets)


@pytest.mark.parametrize("record", RECORDS, ids=lambda path: path.stem)
@pytest.mark.parametrize("output", FORMATS)
def test_golden(record: Path, output: str, ctx, golden):
    doc = load(record)
    dataset = parse(doc, SETTINGS.doi_prefix)
    assert dataset is not None, [str(p) for p in doc.problems]
    golden(ROOT / "tests" / "golden" / record.stem / output, FORMATS[output](dataset, ctx))


def test_the_full_example_uses_every_key():
    """The example record is the format's showcase: every key of every part appears in it."""
    from generator.model import Dataset

    doc = load(CASES / "aida-example-full.yaml")
    used = set(doc.value_marks) | {path for path in doc.key_marks}
    keys = {key for path in used for key in path if isinstance(key, str)}
    missing = set(Dataset.model_fields) - keys - {"withdrawal"}  # only a withdrawn record may have one
    assert missing == set()
    withdrawn = load(CASES / "aida-example-withdrawn.yaml")
    assert ("withdrawal", "successor") in withdrawn.value_marks


def test_forked_rendering_gives_the_same_site_as_rendering_in_one_process(monkeypatch):
    from generator import parallel, site

    register = catalog.load_catalog(SETTINGS)
    sequential = site.build_tree(register)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    assert site.build_tree(register) == sequential
    assert catalog.check(SETTINGS)[1] == []
