"""Golden files per record and output format, for the real records in datasets/ and the cases in tests/cases/."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import catalog, config
from generator.loader import load
from generator.render.formats import FORMATS
from generator.site import context
from generator.validate import parse

from conftest import ROOT

SETTINGS = config.load(ROOT / "mkdocs.yml")
REAL = sorted((ROOT / "datasets").glob("*.yaml"))
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def ctx():
    return context(catalog.load_catalog(SETTINGS))


def test_the_real_register_has_no_problems():
    _, problems = catalog.check(SETTINGS)
    assert [str(p) for p in problems] == []


def test_the_register_holds_the_records_the_product_promises():
    datasets = catalog.load_catalog(SETTINGS).entries
    dois = {entry.dataset.doi for entry in datasets}
    assert {"10.23698/aida/ctpa", "10.23698/aida/brln", "10.23698/aida/drske"} <= dois
    assert any(entry.dataset.hidden for entry in datasets)
    assert any(entry.dataset.status == "withdrawn" for entry in datasets)


@pytest.mark.parametrize("record", REAL + CASES, ids=lambda path: path.stem)
@pytest.mark.parametrize("output", FORMATS)
def test_golden(record: Path, output: str, ctx, golden):
    doc = load(record)
    dataset = parse(doc, SETTINGS.doi_prefix)
    assert dataset is not None, [str(p) for p in doc.problems]
    golden(ROOT / "tests" / "golden" / record.stem / output, FORMATS[output](dataset, ctx))


def test_the_full_example_uses_every_key():
    """The example record is the format's showcase: every key of every part appears in it."""
    from generator.model import Dataset

    doc = load(ROOT / "datasets" / "aida-example-full.yaml")
    used = set(doc.value_marks) | {path for path in doc.key_marks}
    keys = {key for path in used for key in path if isinstance(key, str)}
    missing = set(Dataset.model_fields) - keys - {"withdrawal"}  # only a withdrawn record may have one
    assert missing == set()
    withdrawn = load(ROOT / "datasets" / "aida-example-withdrawn.yaml")
    assert ("withdrawal", "successor") in withdrawn.value_marks


def test_forked_rendering_gives_the_same_site_as_rendering_in_one_process(monkeypatch):
    from generator import parallel, site

    register = catalog.load_catalog(SETTINGS)
    sequential = site.build_tree(register)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    assert site.build_tree(register) == sequential
    assert catalog.check(SETTINGS)[1] == []
