"""A dataset's landing page: a Page whose body is HTML built from the record, every text sanitised."""

from __future__ import annotations

from typing import Any

import iso3166
from markupsafe import Markup

from generator.model import Dataset
from generator.render import RenderContext, access, citation, head, license_text, related, styles, template_env
from generator.render.markdown import inline_html, to_html
from generator.render.page import Page
from generator.render.paths import human_size, image_name, page_path, root_from

AGREEMENT_FILE = "agreement.txt"  # the licenses to be signed, filled in for the dataset (Markdown text)
SNOMED_BROWSER = "https://browser.ihtsdotools.org/?perspective=full&edition=MAIN&conceptId1={}"
_env = template_env()
_env.filters["markdown"] = lambda text: Markup(to_html(text)) if text else ""
_env.filters["inline_markdown"] = lambda text: Markup(inline_html(text)) if text else ""


def facts(dataset: Dataset) -> list[tuple[str, Any]]:
    """The table of facts: (label, HTML-safe value) for every fact the record gives."""
    rows: list[tuple[str, Any]] = []

    def add(label: str, value: Any) -> None:
        if value not in (None, "", []):
            rows.append((label, value))

    add("DOI", dataset.doi)  # the bare DOI too, so that searching for it finds this page
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


def render(dataset: Dataset, ctx: RenderContext) -> Page:
    """The landing page, with the machine-readable <head> of head.render."""
    path = page_path(dataset.doi)
    root = root_from(path)
    successor = dataset.withdrawal.successor if dataset.withdrawal else None
    html = _env.get_template("landing.html.j2").render(
        ds=dataset,
        doi_url=citation.doi_url(dataset.doi),
        citations=styles.render_all_html(dataset, ctx),
        style_labels={style: label for style, (label, _) in styles.STYLES.items()},
        works=license_text.works_to_cite(dataset, ctx),
        eligibility=access.ELIGIBILITY,
        access_request=access.request(dataset, ctx),
        agreements=[text.title.lower() for text in license_text.build(dataset, ctx, with_texts=False) if text.agreement],
        agreement_file=AGREEMENT_FILE,
        facts=facts(dataset),
        links=related.links(dataset, ctx),
        licenses=license_text.build(dataset, ctx),
        license_html=lambda text: Markup(to_html(text)),
        image_name=image_name,
        root=root,
        publisher=ctx.config.publisher,
        successor=successor,
        successor_path=root + page_path(successor) if successor else None,
        holders=", ".join(holder.display_name for holder in dataset.copyright.holders),
    )
    return Page(title=dataset.title, body=html, description=dataset.description.strip().split("\n\n")[0][:300],
                head=head.render(dataset, ctx), noindex=dataset.hidden,
                updated=(dataset.modified or dataset.published).isoformat())
