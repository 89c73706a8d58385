"""The per-dataset output formats: one registry for the site, the page head, the API and the golden tests.

Each file published beside a landing page is one `Output` entry: its name, media type, label, renderer,
whether the page's head links it as FAIR Signposting `describedby`, and the key under which the JSON API
lists it. Adding a format is one renderer module and one entry here; nothing else keeps a list of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from generator.errors import KeyPath
from generator.model.record import Dataset
from generator.paths import AGREEMENT_FILE, api_path, built_path, image_path, page_path, thumbnail_path
from generator.render import RenderContext

Renderer = Callable[[Dataset, RenderContext], str]


@dataclass(frozen=True)
class Output:
    """One file published beside every landing page."""

    name: str
    media_type: str
    label: str
    # The function that renders it, as "module.function" of generator/render/, imported when first used:
    # `register check` needs only the registry's file names, and the renderers load Jinja, Markdown and templates.
    renderer: str
    describedby: bool = False  # metadata about the dataset, linked from the page's head and linkset
    api_key: str | None = None  # listed under this key in the API's `metadata` links

    def render(self, dataset: Dataset, ctx: RenderContext) -> str:
        module, function = self.renderer.rsplit(".", 1)
        render: Renderer = getattr(importlib.import_module(f"generator.render.{module}"), function)
        return render(dataset, ctx)


OUTPUTS: tuple[Output, ...] = (
    Output("datacite.json", "application/vnd.datacite.datacite+json", "DataCite JSON", "datacite.render_json",
           describedby=True, api_key="datacite_json"),
    Output("datacite.xml", "application/vnd.datacite.datacite+xml", "DataCite XML", "datacite.render_xml",
           describedby=True, api_key="datacite_xml"),
    Output("schema.jsonld", "application/ld+json", "schema.org JSON-LD", "jsonld.render", describedby=True,
           api_key="schema_org"),
    Output("csl.json", "application/vnd.citationstyles.csl+json", "CSL-JSON", "csl.render", describedby=True,
           api_key="csl_json"),
    Output("croissant.json", "application/ld+json", "Croissant", "croissant.render", describedby=True,
           api_key="croissant"),
    Output("citation.bib", "application/x-bibtex", "BibTeX", "bibtex.render", api_key="bibtex"),
    Output("citation.biblatex.bib", "application/x-bibtex", "BibLaTeX", "bibtex.render_biblatex", api_key="biblatex"),
    Output("citation.ris", "application/x-research-info-systems", "RIS", "ris.render", api_key="ris"),
    Output("linkset.json", "application/linkset+json", "FAIR Signposting linkset", "head.linkset", api_key="linkset"),
)
DESCRIBED_BY = tuple(output for output in OUTPUTS if output.describedby)
# What every dataset claims beside its landing page (see dataset_outputs), worked out once: the check and
# the build ask for each dataset's claims, some 60,000 at 5,000 datasets.
_DOI: KeyPath = ("doi",)
_FILES_BESIDE = tuple((name, f"file {name}") for name in (AGREEMENT_FILE, *(output.name for output in OUTPUTS)))


def golden_formats() -> dict[str, Renderer]:
    """What the golden tests compare, per record: every published file, and the page and texts they come from."""
    from generator.render import citation, landing, license_text, styles

    return {
        "landing.html": lambda dataset, ctx: landing.render(dataset, ctx).source(),
        "licenses.md": license_text.render,
        "citation.txt": lambda dataset, ctx: citation.text(dataset, ctx) + "\n",
        "styles.txt": lambda dataset, ctx: "".join(f"{style}: {text}\n" for style, text in styles.render_all(dataset, ctx).items()),
        **{output.name: output.render for output in OUTPUTS},
    }


def dataset_outputs(dataset: Dataset) -> list[tuple[str, KeyPath, str]]:
    """Every path of the built site a dataset claims, as (path, the record key it comes from, what it is).

    `register check` compares these across records, so two records can never write the same file.
    """
    base = page_path(dataset.doi)
    claims: list[tuple[str, KeyPath, str]] = [(built_path(base + "index.md"), _DOI, "landing page")]
    claims += [(base + name, _DOI, what) for name, what in _FILES_BESIDE]
    claims.append((api_path(dataset.doi), _DOI, "API file"))
    for i, old in enumerate(dataset.old_paths):
        claims.append((built_path(old + "/index.md"), ("old_paths", i), "redirect page"))
    for i, image in enumerate(dataset.images):
        claims.append((image_path(dataset.doi, image.file), ("images", i, "file"), f"image {image.file!r}"))
    if dataset.images:
        claims.append((thumbnail_path(dataset.doi), _DOI, "thumbnail"))
    return claims

