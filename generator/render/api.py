"""The register for machines: the JSON API (v1), the DCAT catalog, the Atom feed and robots.txt.

All are built from the public records only: previews appear in none of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from generator.model import Agent, Dataset
from generator.render import RenderContext, dump_json, license_text
from generator.render.paths import doi_url, landing_url, page_path

API_VERSION = "1"
SCHEMA = Path(__file__).resolve().parent.parent / "assets" / "api-v1.schema.json"
METADATA_FILES = {"datacite_json": "datacite.json", "datacite_xml": "datacite.xml", "schema_org": "schema.jsonld",
                  "csl_json": "csl.json", "bibtex": "citation.bib", "biblatex": "citation.biblatex.bib",
                  "ris": "citation.ris", "linkset": "linkset.json"}
ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"


def _agent(agent: Agent) -> dict[str, Any]:
    if agent.is_person:
        return {"type": "person", "name": agent.display_name, "given_name": agent.given_name,
                "family_name": agent.family_name, "orcid": f"https://orcid.org/{agent.orcid}" if agent.orcid else None}
    return {"type": "organization", "name": agent.display_name, "ror": f"https://ror.org/{agent.ror}" if agent.ror else None}


def record(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """One dataset in the API's documented shape (generator/assets/api-v1.schema.json)."""
    licenses = license_text.build(dataset, ctx, with_texts=False)
    base = landing_url(ctx.config, dataset.doi)
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
        "field": dataset.field,
        "origin": dataset.origin,
        "keywords": list(dataset.keywords),
        "description": dataset.description.strip(),
        "authors": [_agent(author) for author in dataset.authors],
        "publisher": ctx.config.publisher,
        "access": "controlled" if any(text.controlled_access for text in licenses) else "open",
        "licenses": [{"title": text.title, "url": text.url} for text in licenses],
        "modalities": list(dataset.modalities),
        "organs": [{"name": organ.name, "snomed": organ.snomed} for organ in dataset.organs],
        "counts": counts,
        "size_bytes": dataset.size_bytes,
        "file_formats": list(dataset.file_formats),
        "countries_shared": list(dataset.countries_shared),
        "metadata": {key: base + name for key, name in METADATA_FILES.items()},
    }


def datasets_json(datasets: list[Dataset], ctx: RenderContext) -> str:
    """api/v1/datasets.json: every public dataset, sorted by DOI."""
    items = [record(dataset, ctx) for dataset in sorted(datasets, key=lambda ds: ds.doi)]
    return dump_json({"api_version": API_VERSION, "register": ctx.config.site_name, "count": len(items), "datasets": items})


def schema() -> str:
    return SCHEMA.read_text(encoding="utf-8")


# --- DCAT ---------------------------------------------------------------------------------------

def _dcat_dataset(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    licenses = license_text.build(dataset, ctx, with_texts=False)
    controlled = any(text.controlled_access for text in licenses)
    node: dict[str, Any] = {
        "@id": doi_url(dataset.doi),
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.doi,
        "dct:title": dataset.title,
        "dct:description": " ".join(dataset.description.split()),
        "dcat:keyword": list(dataset.keywords),
        "dct:issued": {"@value": dataset.published.isoformat(), "@type": "xsd:date"},
        "dcat:landingPage": {"@id": landing_url(ctx.config, dataset.doi)},
        "dct:publisher": {"@id": ctx.config.site_url + "#publisher"},
        "dct:creator": [{"@type": "foaf:Person" if a.is_person else "foaf:Organization", "foaf:name": a.display_name,
                         **({"@id": f"https://orcid.org/{a.orcid}"} if a.orcid else {})} for a in dataset.authors],
        "dct:license": [{"@id": text.url} for text in licenses],
        "dct:accessRights": {"@id": ACCESS_RIGHTS + ("RESTRICTED" if controlled else "PUBLIC")},
        "dcat:contactPoint": [{"@type": "vcard:Kind", "vcard:fn": contact.name} for contact in dataset.contacts],
    }
    if dataset.modified:
        node["dct:modified"] = {"@value": dataset.modified.isoformat(), "@type": "xsd:date"}
    if dataset.version:
        node["dcat:version"] = dataset.version
    return node


CONTEXT = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
           "vcard": "http://www.w3.org/2006/vcard/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def dcat(datasets: list[Dataset], ctx: RenderContext) -> dict[str, Any]:
    """The DCAT-AP 3 shaped catalog as JSON-LD: one dcat:Dataset per public record."""
    return {
        "@context": CONTEXT,
        "@id": ctx.config.site_url + "catalog",
        "@type": "dcat:Catalog",
        "dct:title": ctx.config.site_name,
        "dct:description": f"Datasets of {ctx.config.publisher}, with DOIs and license terms.",
        "foaf:homepage": {"@id": ctx.config.site_url},
        "dct:publisher": {"@id": ctx.config.site_url + "#publisher", "@type": "foaf:Agent", "foaf:name": ctx.config.publisher},
        "dcat:dataset": [_dcat_dataset(dataset, ctx) for dataset in sorted(datasets, key=lambda ds: ds.doi)],
    }


def _term(value: Any) -> str:
    """A Turtle term: an IRI, a typed literal, a compact name, or a string."""
    if isinstance(value, dict) and "@value" in value:
        return f"{_string(value['@value'])}^^{value['@type']}"
    if isinstance(value, dict) and set(value) == {"@id"}:
        return f"<{value['@id']}>"
    if isinstance(value, dict):
        return "[ " + " ; ".join(f"{_predicate(key)} {item if key == '@type' else _term(item)}"
                                 for key, item in _pairs(value)) + " ]"
    return _string(str(value))


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON string escapes are valid Turtle string escapes


def _predicate(key: str) -> str:
    return "a" if key == "@type" else key


def _pairs(node: dict[str, Any]) -> list[tuple[str, Any]]:
    pairs = []
    for key, value in node.items():
        if key in ("@id", "@context"):
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    return pairs


def _subject(node: dict[str, Any], more: list[dict[str, Any]]) -> str:
    """One subject's block; nested nodes that have an @id of their own are queued in `more`."""
    lines = [f"<{node['@id']}>"]
    pairs = _pairs(node)
    for index, (key, value) in enumerate(pairs):
        if key == "@type":
            text = value
        elif isinstance(value, dict) and "@id" in value and len(value) > 1:
            more.append(value)
            text = f"<{value['@id']}>"
        else:
            text = _term(value)
        lines.append(f"    {_predicate(key)} {text} {';' if index < len(pairs) - 1 else '.'}")
    return "\n".join(lines)


def turtle(catalog: dict[str, Any]) -> str:
    """catalog.ttl: the same graph as catalog.jsonld, in Turtle."""
    lines = [f"@prefix {prefix}: <{iri}> ." for prefix, iri in CONTEXT.items()]
    queue: list[dict[str, Any]] = [{key: value for key, value in catalog.items() if key != "@context"}]
    blocks, done = [], set()
    while queue:
        node = queue.pop(0)
        if node["@id"] in done:
            continue
        done.add(node["@id"])
        blocks.append(_subject(node, queue))
    return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + "\n"


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
                  f"    <summary>{xml_escape(summary[:500])}</summary>", "  </entry>"]
    return "\n".join(lines + ["</feed>"]) + "\n"


def robots(ctx: RenderContext) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {ctx.config.site_url}sitemap.xml\n"
