"""The register for machines: the JSON API (v1), the Atom feed and robots.txt (the DCAT catalog is render/dcat.py).

All are built from the public records only: previews appear in none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from generator.model.record import Agent, Dataset
from generator.paths import collection_path, doi_url, landing_url, orcid_url, page_path, ror_url
from generator.render import RenderContext, access, conditions, json_with_list, license_text
from generator.render.formats import OUTPUTS

API_VERSION = "1"
SCHEMA = Path(__file__).resolve().parent.parent / "assets" / "api-v1.schema.json"


def _agent(agent: Agent) -> dict[str, Any]:
    if agent.is_person:
        return {"type": "person", "name": agent.display_name, "given_name": agent.given_name,
                "family_name": agent.family_name, "orcid": orcid_url(agent.orcid) if agent.orcid else None}
    return {"type": "organization", "name": agent.display_name, "ror": ror_url(agent.ror) if agent.ror else None}


def record(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """One dataset in the API's documented shape (generator/assets/api-v1.schema.json)."""
    licenses = license_text.build(dataset, ctx, with_texts=False)
    base = landing_url(ctx.config, dataset.doi)
    rule = access.classify(dataset, ctx)
    counts = dataset.counts.model_dump(exclude_none=True) if dataset.counts else {}
    return {
        "doi": dataset.doi,
        "doi_url": doi_url(dataset.doi),
        "landing_page": base,
        "title": dataset.title,
        "short_name": dataset.short_name,
        "version": dataset.version,
        "status": dataset.status,
        "withdrawal": {"date": dataset.withdrawal.date.isoformat(), "reason": dataset.withdrawal.reason,
                       "successor": dataset.withdrawal.successor} if dataset.withdrawal else None,
        "created": dataset.created.isoformat() if dataset.created else None,
        "published": dataset.published.isoformat(),
        "modified": dataset.modified.isoformat() if dataset.modified else None,
        "synthetic": dataset.synthetic,
        "collections": list(dataset.collections),
        "collection_pages": [{"id": slug, "title": ctx.config.collection(slug).title,
                              "url": ctx.config.site_url + collection_path(slug)} for slug in dataset.collections],
        "field": dataset.field,
        "origin": dataset.origin,
        "keywords": list(dataset.keywords),
        "description": dataset.description.strip(),
        "authors": [_agent(author) for author in dataset.authors],
        "publisher": ctx.config.publisher,
        "access": rule.level,
        "access_label": rule.label,
        "licenses": [{"title": text.title, "url": text.url} for text in licenses],
        "modalities": list(dataset.modalities),
        "organs": [{"name": organ.name, "snomed": organ.snomed} for organ in dataset.organs],
        "counts": counts,
        "size_bytes": dataset.size_bytes,
        "file_formats": list(dataset.file_formats),
        "countries_shared": list(dataset.countries_shared),
        "use_conditions": [{"code": c.term.code, "iri": c.term.iri, "shorthand": c.term.shorthand, "label": c.term.label,
                            "source": c.source, "disease": c.disease, "note": c.note}
                           for c in conditions.use_conditions(dataset, ctx)],
        "deidentification": dataset.deidentification.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        if dataset.deidentification else None,
        "metadata": _metadata_links(base),
    }


def _metadata_links(base: str) -> dict[str, str]:
    return {output.api_key: base + output.name for output in OUTPUTS if output.api_key}


def datasets_document(datasets: list[Dataset], ctx: RenderContext) -> dict[str, Any]:
    """What api/v1/datasets.json holds (the build writes the same text with datasets_chunks)."""
    items = [record(dataset, ctx) for dataset in sorted(datasets, key=lambda ds: ds.doi)]
    return {"api_version": API_VERSION, "register": ctx.config.site_name, "count": len(items), "datasets": items}


def datasets_chunks(records: Iterable[str], count: int, ctx: RenderContext) -> Iterator[str]:
    """api/v1/datasets.json in pieces, from the API files of the `count` public datasets in DOI order, each as
    list_entry(dump_json(record(...))): the same text as dump_json(datasets_document(...)), without building
    any record again."""
    frame = {"api_version": API_VERSION, "register": ctx.config.site_name, "count": count}
    return json_with_list(frame, "datasets", records, count)


def schema() -> str:
    return SCHEMA.read_text(encoding="utf-8")


# --- Atom and robots ----------------------------------------------------------------------------

def atom(datasets: list[Dataset], ctx: RenderContext, limit: int = 50) -> str:
    """feed.xml: the newest and latest updated datasets first."""
    def updated(dataset: Dataset) -> str:
        return (dataset.modified or dataset.published).isoformat()

    newest = sorted(datasets, key=lambda ds: (updated(ds), ds.doi), reverse=True)[:limit]
    site = ctx.config.site_url
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"  <id>{xml_escape(site)}</id>", f"  <title>{xml_escape(ctx.config.site_name)}</title>",
             f'  <link href="{xml_escape(site)}"/>', f'  <link rel="self" href="{xml_escape(site)}feed.xml"/>',
             f"  <updated>{updated(newest[0]) if newest else '1970-01-01'}T00:00:00Z</updated>",
             f"  <author><name>{xml_escape(ctx.config.publisher)}</name></author>"]
    for dataset in newest:
        summary = " ".join(dataset.description.split())
        lines += ["  <entry>", f"    <id>{doi_url(dataset.doi)}</id>", f"    <title>{xml_escape(dataset.title)}</title>",
                  f'    <link href="{xml_escape(site + page_path(dataset.doi))}"/>',
                  f"    <published>{dataset.published.isoformat()}T00:00:00Z</published>",
                  f"    <updated>{updated(dataset)}T00:00:00Z</updated>",
                  *(f"    <author><name>{xml_escape(a.display_name)}</name></author>" for a in dataset.authors),
                  f"    <summary>{xml_escape(_shortened(summary, 500))}</summary>", "  </entry>"]
    return "\n".join([*lines, "</feed>"]) + "\n"


def _shortened(text: str, limit: int) -> str:
    """The text, or its first words up to `limit` characters and an ellipsis: never cut mid-word."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def robots(ctx: RenderContext) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {ctx.config.site_url}sitemap.xml\n"
