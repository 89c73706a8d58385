"""What machines read in a landing page's <head>: reference-manager meta tags, JSON-LD and FAIR Signposting.

Zotero's Embedded Metadata translator reads Highwire `citation_*` tags and, through its RDF
translator, `DC.*`, `prism.*` and OpenGraph tags (not JSON-LD). The RDF translator takes the item
type from OpenGraph before `DC.type`, so dataset pages carry no `og:type` (the "website" of the
theme's pages would make Zotero save a web page) and `DC.type` Dataset decides; no `citation_*` tag
that names a journal, book, conference, report or thesis is given, as each forces its own type.
`prism.edition` carries the version (Zotero's `edition`/`version`). Static hosting cannot send HTTP
Link headers, so the signposts are <link> elements and a linkset.json beside the page (RFC 9264).
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import escape

from generator.model.record import Dataset
from generator.paths import image_name, landing_url, orcid_url, page_path
from generator.render import RenderContext, dump_json, jsonld, license_text
from generator.render.citation import doi_url
from generator.render.formats import DESCRIBED_BY

# The files published beside each landing page that describe it, with their media types.
TYPES = ("https://schema.org/Dataset", "https://schema.org/AboutPage")


def meta_tags(dataset: Dataset, ctx: RenderContext) -> list[tuple[str, str, str]]:
    """(attribute, name, content) for every meta tag."""
    description = " ".join(dataset.description.split())
    url = landing_url(ctx.config, dataset.doi)
    tags = [("name", "citation_title", dataset.title)]
    for author in dataset.authors:
        name = f"{author.family_name}, {author.given_name}" if author.is_person and author.given_name else author.display_name
        tags.append(("name", "citation_author", name))
    tags += [
        ("name", "citation_publisher", ctx.config.publisher),
        ("name", "citation_publication_date", dataset.published.strftime("%Y/%m/%d")),
        ("name", "citation_doi", dataset.doi),
        ("name", "citation_abstract_html_url", url),
    ]
    if dataset.keywords:
        tags.append(("name", "citation_keywords", "; ".join(dataset.keywords)))
    tags += [
        ("name", "DC.identifier", doi_url(dataset.doi)),
        ("name", "DC.type", "Dataset"),
        ("name", "DC.title", dataset.title),
        *(("name", "DC.creator", author.display_name) for author in dataset.authors),
        ("name", "DC.date", dataset.published.isoformat()),
        ("name", "DC.publisher", ctx.config.publisher),
        ("name", "DC.description", description[:1000]),
        *((("name", "prism.edition", dataset.version),) if dataset.version else ()),
        *(("name", "DC.subject", keyword) for keyword in dataset.keywords),
        *(("name", "DC.rights", text.url) for text in license_text.build(dataset, ctx, with_texts=False)),
        ("property", "og:title", dataset.title),
        ("property", "og:description", description[:300]),
        ("property", "og:url", url),
        ("property", "og:site_name", ctx.config.site_name),
    ]
    image = _image_url(dataset, ctx)
    if image:
        tags += [("property", "og:image", image), ("name", "twitter:image", image)]
    tags += [("name", "twitter:card", "summary_large_image" if image else "summary"),
             ("name", "twitter:title", dataset.title), ("name", "twitter:description", description[:200])]
    return tags


def _image_url(dataset: Dataset, ctx: RenderContext) -> str | None:
    if not dataset.images:
        return None
    return ctx.config.site_url + page_path(dataset.doi) + image_name(dataset.images[0].file)


def signposts(dataset: Dataset, ctx: RenderContext) -> list[dict[str, str]]:
    """The typed links of FAIR Signposting level 1, as {rel, href, type?}."""
    base = landing_url(ctx.config, dataset.doi)
    links = [{"rel": "cite-as", "href": doi_url(dataset.doi)}]
    links += [{"rel": "describedby", "href": base + output.name, "type": output.media_type} for output in DESCRIBED_BY]
    links += [{"rel": "license", "href": text.url} for text in license_text.build(dataset, ctx, with_texts=False)]
    links += [{"rel": "author", "href": orcid_url(a.orcid)} for a in dataset.authors if a.orcid]
    links += [{"rel": "type", "href": href} for href in TYPES]
    # No `item` links: the data itself is not a public file of the register (access is controlled).
    return links


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """The <head> HTML of the landing page."""
    # f-strings of escaped values rather than Markup.format, which formats in Python: 45 tags per page.
    parts = [f'<meta {escape(attribute)}="{escape(name)}" content="{escape(content)}">'
             for attribute, name, content in meta_tags(dataset, ctx)]
    parts += [f'<link rel="{escape(link["rel"])}" href="{escape(link["href"])}"'
              + (f' type="{escape(link["type"])}">' if "type" in link else ">")
              for link in signposts(dataset, ctx)]
    parts.append(f'<link rel="linkset" href="{escape(landing_url(ctx.config, dataset.doi) + "linkset.json")}" '
                 'type="application/linkset+json">')
    # In a script element "</script" ends it and "<!--" changes how it ends, whatever the JSON says: these
    # characters only occur inside JSON strings, where their \u escapes mean the same.
    data = json.dumps(jsonld.build(dataset, ctx), ensure_ascii=False, sort_keys=True)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    parts.append(f'<script type="application/ld+json">{data}</script>')
    return "\n".join(parts)


def linkset(dataset: Dataset, ctx: RenderContext) -> str:
    """linkset.json: the same signposts for machines that cannot read HTML (RFC 9264)."""
    relations: dict[str, list[dict[str, Any]]] = {}
    for link in signposts(dataset, ctx):
        target = {"href": link["href"], **({"type": link["type"]} if "type" in link else {})}
        relations.setdefault(link["rel"], []).append(target)
    landing = landing_url(ctx.config, dataset.doi)
    # Each metadata file says which page it describes, so a machine that starts from it finds the way back.
    described = [{"anchor": link["href"], "describes": [{"href": landing, "type": "text/html"}]}
                 for link in signposts(dataset, ctx) if link["rel"] == "describedby"]
    return dump_json({"linkset": [{"anchor": landing, **relations}, *described]})
