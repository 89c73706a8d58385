"""Collections: mkdocs.yml's `collections:` setting gives each its title, description, web address and
access procedure; every place that shows a collection shows its title; `register check` reports a
name the setting does not define, and without the setting every name is a collection of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import config
from generator.build import verify
from generator.build.site import build_tree, context, loaded
from generator.errors import RegisterError
from generator.render import api, home, landing

from conftest import MINIMAL

SETTING = """\
      collections:
        lung-cohort:
          title: The Lung Cohort
          description: |
            Scans of the **lung cohort** study.
          url: https://lungs.example.org/
          access: https://lungs.example.org/apply
        teaching:
          title: Teaching sets
          access: Ask the hub for a [teaching licence](https://example.org/teaching).
"""


def _record(name: str, collections: str) -> str:
    return MINIMAL.format(name=name).replace("status: completed\n", f"status: completed\ncollections: {collections}\n")


def _with_setting(root: Path, setting: str = SETTING) -> config.SiteConfig:
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + setting, encoding="utf-8")
    return config.load(yml)


def test_a_collection_the_setting_does_not_define_is_reported_at_its_line(register):
    root = register({"a.yaml": _record("a", "[lung-cohort, lung-cohrt, other]")})
    _, problems = verify.check(_with_setting(root))
    assert [str(p) for p in problems] == [
        "datasets/a.yaml:4:28: collections[1]: the collections setting of mkdocs.yml has no collection 'lung-cohrt' "
        "(did you mean lung-cohort?); add it there with its title, or correct the name (the setting has lung-cohort, teaching)",
        "datasets/a.yaml:4:40: collections[2]: the collections setting of mkdocs.yml has no collection 'other'; add it "
        "there with its title, or correct the name (the setting has lung-cohort, teaching)",
    ]


def test_without_the_setting_every_name_is_a_collection_titled_after_it(register):
    root = register({"a.yaml": _record("a", "[lung-cohort]")})
    register_catalog, problems = verify.check(config.load(root / "mkdocs.yml"))
    assert problems == []
    tree = loaded(build_tree(register_catalog))
    assert "<h1>Lung cohort</h1>" in tree["collections/lung-cohort/index.md"].body  # type: ignore[union-attr]


def test_every_place_that_shows_a_collection_shows_its_title(register):
    root = register({"a.yaml": _record("a", "[lung-cohort, teaching]"), "b.yaml": _record("b", "[teaching]")})
    settings = _with_setting(root)
    register_catalog = verify.load_catalog(settings)
    ctx = context(register_catalog)
    dataset = register_catalog.entries[0].dataset
    tree = loaded(build_tree(register_catalog))

    facts = dict(landing.facts(dataset, ctx)["About this record"])
    assert str(facts["Collections"]) == ('<a href="../../collections/lung-cohort/">The Lung Cohort</a>, '
                                         '<a href="../../collections/teaching/">Teaching sets</a>')
    assert home.facet_values(dataset, ctx)["collection"] == ["The Lung Cohort", "Teaching sets"]
    record = api.record(dataset, ctx)
    assert record["collections"] == ["lung-cohort", "teaching"]  # the names stay, for programs that use them
    assert record["collection_pages"][0] == {"id": "lung-cohort", "title": "The Lung Cohort",
                                             "url": "https://register.example.org/collections/lung-cohort/"}
    assert json.loads(str(tree["api/v1/datasets.json"]))["datasets"][0]["collection_pages"][1]["title"] == "Teaching sets"

    index = tree["collections/index.md"].body  # type: ignore[union-attr]
    assert '<a href="lung-cohort/">The Lung Cohort</a> (1 dataset)' in index
    assert '<a href="teaching/">Teaching sets</a> (2 datasets)' in index
    page = tree["collections/lung-cohort/index.md"]
    assert page.title == "The Lung Cohort" and page.description == "Scans of the lung cohort study."  # type: ignore[union-attr]
    body = page.body  # type: ignore[union-attr]
    assert "<p>Scans of the <strong>lung cohort</strong> study.</p>" in body
    assert '<a href="https://lungs.example.org/">https://lungs.example.org/</a>' in body
    assert '<a class="dr-button" href="https://lungs.example.org/apply">Access procedure</a>' in body
    teaching = tree["collections/teaching/index.md"].body  # type: ignore[union-attr]
    assert 'Ask the hub for a <a href="https://example.org/teaching"' in teaching and "Web site" not in teaching


def test_a_collection_of_the_setting_without_datasets_has_its_page(register):
    root = register({"a.yaml": _record("a", "[teaching]")})
    tree = loaded(build_tree(verify.load_catalog(_with_setting(root))))
    assert "No published dataset belongs to this collection yet." in tree["collections/lung-cohort/index.md"].body  # type: ignore[union-attr]
    assert '<a href="lung-cohort/">The Lung Cohort</a> (0 datasets)' in tree["collections/index.md"].body  # type: ignore[union-attr]


@pytest.mark.parametrize("setting, message", [
    ("      collections: [lung-cohort]\n", "collections: expected collection names, each with its title"),
    ("      collections:\n        Lung Cohort: {title: Lungs}\n", "collections.Lung Cohort: a collection's name is lower-case"),
    ("      collections:\n        lungs: {description: x}\n", "collections.lungs: expected its title, such as title: 'Lungs'"),
    ("      collections:\n        lungs: {title: Lungs, web: x}\n", "collections.lungs: unknown key web"),
    ("      collections:\n        lungs: {title: Lungs, url: lungs.org}\n",
     "collections.lungs.url: expected a web address starting with https://"),
])
def test_a_wrong_setting_is_reported_with_its_key(register, setting: str, message: str):
    root = register({})
    with pytest.raises(RegisterError, match=message.replace(".", r"\.").replace("(", r"\(")):
        _with_setting(root, setting)
