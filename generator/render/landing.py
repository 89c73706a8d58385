"""A dataset's landing page: MkDocs Markdown whose body is HTML built from the record, every text sanitised."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import iso3166
import json

from markupsafe import Markup, escape

from generator.config import SiteConfig
from generator.model import Dataset
from generator.render import RenderContext, citation, license_text, template_env
from generator.render.markdown import inline_html, to_html

SNOMED_BROWSER = "https://browser.ihtsdotools.org/?perspective=full&edition=MAIN&conceptId1={}"
_env = template_env()
_env.filters["markdown"] = lambda text: Markup(to_html(text)) if text else ""
_env.filters["inline_markdown"] = lambda text: Markup(inline_html(text)) if text else ""


def page_path(doi: str) -> str:
    """Site path of a dataset's landing page: the DOI itself, so that migrated DOIs keep resolving."""
    return f"{doi.lower()}/"


def landing_url(config: SiteConfig, doi: str) -> str:
    """The landing page URL of a DOI: the one rule for the site and for DataCite."""
    return config.site_url + page_path(doi)


def root_from(path: str) -> str:
    """Relative link from a page at `path` (e.g. 10.1/a/b/) back to the site root."""
    return "../" * len(PurePosixPath(path).parts)


def human_size(size: int) -> str:
    """Bytes in decimal units, as storage is sold: 4.5 GB, 2.4 TB."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1000
    raise AssertionError("unreachable")


def image_name(file: str) -> str:
    """Site file name of an example image, next to the landing page."""
    return f"images/{PurePosixPath(file).name}"


def facts(dataset: Dataset) -> list[tuple[str, Any]]:
    """The table of facts: (label, HTML-safe value) for every fact the record gives."""
    rows: list[tuple[str, Any]] = []

    def add(label: str, value: Any) -> None:
        if value not in (None, "", []):
            rows.append((label, value))

    add("Field", dataset.field)
    add("Origin", dataset.origin)
    add("Synthetic data", "Yes" if dataset.synthetic else None)
    add("Modalities", ", ".join(dataset.modalities))
    add("Organs", Markup(", ").join(
        Markup('<a href="{}">{}</a> (SNOMED CT {})').format(SNOMED_BROWSER.format(organ.snomed), organ.name, organ.snomed)
        for organ in dataset.organs
    ))
    add("Scanners", ", ".join(dataset.scanners))
    add("Stain", dataset.stain)
    add("Phase", dataset.phase)
    add("Resolution", dataset.resolution)
    add("Age span", f"{dataset.age_span} years" if dataset.age_span else None)
    if dataset.counts:
        add("Patients", f"{dataset.counts.patients:,}" if dataset.counts.patients is not None else None)
        add("Scans", f"{dataset.counts.scans:,}" if dataset.counts.scans is not None else None)
        add("Annotations", f"{dataset.counts.annotations:,}" if dataset.counts.annotations is not None else None)
    add("Size", human_size(dataset.size_bytes) if dataset.size_bytes is not None else None)
    add("File formats", ", ".join(dataset.file_formats))
    add("Shared with", ", ".join(f"{iso3166.countries_by_alpha2[code].name} ({code})" for code in dataset.countries_shared))
    add("Keywords", ", ".join(dataset.keywords))
    add("Collections", ", ".join(dataset.collections))
    add("Version", dataset.version)
    add("Status", dataset.status.capitalize())
    add("Created", dataset.created.isoformat() if dataset.created else None)
    add("Published", dataset.published.isoformat())
    add("Modified", dataset.modified.isoformat() if dataset.modified else None)
    return rows


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """The landing page's Markdown source: front matter for MkDocs, then the page as HTML."""
    path = page_path(dataset.doi)
    root = root_from(path)
    successor = dataset.withdrawal.successor if dataset.withdrawal else None
    html = _env.get_template("landing.html.j2").render(
        ds=dataset,
        doi_url=citation.doi_url(dataset.doi),
        citation=citation.text(dataset, ctx),
        facts=facts(dataset),
        licenses=license_text.build(dataset, ctx),
        license_html=lambda text: Markup(to_html(text)),
        image_name=image_name,
        root=root,
        publisher=ctx.config.publisher,
        successor=successor,
        successor_path=root + page_path(successor) if successor else None,
        holders=", ".join(holder.display_name for holder in dataset.copyright.holders),
    )
    front = {"title": dataset.title, "description": dataset.description.strip().split("\n\n")[0][:300]}
    return front_matter(front, hidden=dataset.hidden) + html


def front_matter(values: dict[str, str], *, hidden: bool = False) -> str:
    """MkDocs front matter. Themes print page.title unescaped into <title>, so values are HTML-escaped;
    JSON strings are valid YAML and need no further quoting."""
    lines = [f"{key}: {json.dumps(str(escape(value)))}" for key, value in values.items()]
    if hidden:
        lines += ["robots: noindex, nofollow", "search:", "  exclude: true"]
    return "---\n" + "\n".join(lines) + "\n---\n\n"
