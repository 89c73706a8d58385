"""The per-record output formats, in one registry for the site, the command line and the golden tests."""

from __future__ import annotations

from typing import Callable

from generator.model import Dataset
from generator.render import RenderContext, citation, datacite, dump_json, landing, license_text

FORMATS: dict[str, Callable[[Dataset, RenderContext], str]] = {
    "landing.md": landing.render,
    "licenses.md": license_text.render,
    "citation.txt": lambda dataset, ctx: citation.text(dataset, ctx) + "\n",
    "datacite.json": lambda dataset, ctx: dump_json(datacite.build(dataset, ctx)),
    "datacite.xml": lambda dataset, ctx: datacite.to_xml(datacite.build(dataset, ctx)),
}
