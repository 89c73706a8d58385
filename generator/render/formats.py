"""The per-record output formats, in one registry for the site, the command line and the golden tests."""

from __future__ import annotations

from typing import Callable

from generator.model import Dataset
from generator.render import RenderContext, bibtex, citation, csl, datacite, dump_json, head, jsonld, landing
from generator.render import license_text, ris, styles

Renderer = Callable[[Dataset, RenderContext], str]

# Files published beside each landing page, by name.
DOWNLOADS: dict[str, Renderer] = {
    "citation.bib": bibtex.render,
    "citation.biblatex.bib": bibtex.render_biblatex,
    "citation.ris": ris.render,
    "csl.json": csl.render,
    "schema.jsonld": jsonld.render,
    "linkset.json": head.linkset,
}

FORMATS: dict[str, Renderer] = {
    "landing.html": lambda dataset, ctx: landing.render(dataset, ctx).source(),
    "licenses.md": license_text.render,
    "citation.txt": lambda dataset, ctx: citation.text(dataset, ctx) + "\n",
    "styles.txt": lambda dataset, ctx: "".join(f"{style}: {text}\n" for style, text in styles.render_all(dataset, ctx).items()),
    "datacite.json": lambda dataset, ctx: dump_json(datacite.build(dataset, ctx)),
    "datacite.xml": lambda dataset, ctx: datacite.to_xml(datacite.build(dataset, ctx)),
    **DOWNLOADS,
}
