"""croissant.json: valid by mlcroissant (the MLCommons reference implementation), honest about access."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from generator.paths import page_path

from conftest import CASES


def croissant_issues(path: Path) -> tuple[set[str], set[str]]:
    """(errors, warnings) of mlcroissant reading the file as a dataset."""
    import mlcroissant as mlc

    logging.getLogger("absl").setLevel(logging.ERROR)
    try:
        dataset = mlc.Dataset(str(path))
    except mlc.ValidationError as error:
        return {str(error)}, set()
    issues = dataset.metadata.ctx.issues
    return set(issues.errors), set(issues.warnings)


@pytest.mark.parametrize("record", sorted(CASES.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_croissant_file_is_valid(site: Path, record: Path):
    doi = next(line.split(":", 1)[1].strip() for line in record.read_text(encoding="utf-8").splitlines() if line.startswith("doi:"))
    data = json.loads((site / page_path(doi) / "croissant.json").read_text(encoding="utf-8"))
    errors, warnings = croissant_issues(site / page_path(doi) / "croissant.json")
    assert errors == set()
    # Croissant recommends a version; a record that states none gets none, rather than an invented one.
    expected = set() if "version" in data else {
        f'[Metadata({data["name"]})] Property "https://schema.org/version" is recommended, but does not exist.'}
    assert warnings == expected


def test_controlled_data_is_described_without_pretending_to_be_downloadable(site: Path):
    data = json.loads((site / "10.23698/aida/ctpa/croissant.json").read_text(encoding="utf-8"))
    assert data["distribution"] == [] and "recordSet" not in data
    assert data["isAccessibleForFree"] is False
    assert data["conditionsOfAccess"].endswith("/10.23698/aida/ctpa/#access.")
    assert data["measurementTechnique"] == ["CT"] and data["encodingFormat"] == ["DICOM"]
    assert data["size"] == "30 scans, 1,283 annotations" and data["contentSize"] == "4.5 GB"
    assert data["rai:personalSensitiveInformation"].startswith("Health data from patients")
    assert data["citeAs"].startswith("@misc{aida-ctpa,")


def test_synthetic_data_says_so(site: Path):
    data = json.loads((site / "10.23698/aida/example-full/croissant.json").read_text(encoding="utf-8"))
    assert data["rai:dataCollection"].startswith("Synthetic data")
    assert "rai:personalSensitiveInformation" not in data


def test_the_croissant_check_can_fail(tmp_path: Path, site: Path):
    data = json.loads((site / "10.23698/aida/ctpa/croissant.json").read_text(encoding="utf-8"))
    data["distribution"] = [{"@type": "cr:FileObject", "name": "images.zip"}]  # a file without an address
    (tmp_path / "croissant.json").write_text(json.dumps(data), encoding="utf-8")
    assert croissant_issues(tmp_path / "croissant.json")[0] != set()
