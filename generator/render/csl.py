"""A dataset as a CSL-JSON item (csl.json), the input of citation processors and reference managers."""

from __future__ import annotations

from typing import Any

from generator.model.record import Agent, Dataset
from generator.paths import landing_url
from generator.render import RenderContext, dump_json
from generator.render.citation import doi_url


def name(agent: Agent) -> dict[str, str]:
    """CSL name: family and given kept apart (particles stay in the family name), organizations literal."""
    if agent.is_person:
        return {"family": agent.family_name or "", **({"given": agent.given_name} if agent.given_name else {})}
    return {"literal": agent.display_name}


def citation_key(dataset: Dataset) -> str:
    """Stable and unique across the register: the DOI suffix as the record's file is named (aida-ctpa)."""
    suffix = dataset.doi.split("/", 1)[1]
    return "".join(char if char.isalnum() or char in "-_.:" else "-" for char in suffix)


def build(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """The CSL-JSON item."""
    published = dataset.published
    item: dict[str, Any] = {
        "id": citation_key(dataset),
        "type": "dataset",
        "title": dataset.title,
        "author": [name(author) for author in dataset.authors],
        "issued": {"date-parts": [[published.year, published.month, published.day]]},
        "publisher": ctx.config.publisher,
        "version": dataset.version,
        "DOI": dataset.doi,
        "URL": doi_url(dataset.doi),
        "abstract": dataset.description.strip(),
        "keyword": ", ".join(dataset.keywords) or None,
        "genre": "Data set",
        "source": landing_url(ctx.config, dataset.doi),
    }
    if dataset.status == "withdrawn":
        item["status"] = "withdrawn"
    return {key: value for key, value in item.items() if value is not None}


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """csl.json: a list with the one item, as reference managers import it."""
    return dump_json([build(dataset, ctx)])
