"""A dataset's landing page: a Page whose body is HTML built from the record, every text sanitised."""

from __future__ import annotations

import re
from typing import Any

import iso3166
from markupsafe import Markup

from generator.model.record import Dataset
from generator.paths import AGREEMENT_FILE, collection_path, human_size, image_name, page_path, root_from
from generator.render import RenderContext, access, citation, conditions, head, license_text, related, styles, template_env
from generator.render.formats import DESCRIBED_BY
from generator.render.markdown import inline_html, to_html
from generator.render.page import Page

SNOMED_BROWSER = "https://browser.ihtsdotools.org/?perspective=full&edition=MAIN&conceptId1={}"
_env = template_env()
_env.filters["markdown"] = lambda text: Markup(to_html(text)) if text else ""
_env.filters["inline_markdown"] = lambda text: Markup(inline_html(text)) if text else ""


# The names DICOM PS3.3 C.7.3.1.1.1 gives the modality codes records use most; another code is shown as it is.
MODALITY_NAMES = {
    "CR": "Computed radiography", "CT": "Computed tomography", "DX": "Digital radiography", "ECG": "Electrocardiography",
    "GM": "General microscopy", "IO": "Intra-oral radiography", "MG": "Mammography", "MR": "Magnetic resonance",
    "NM": "Nuclear medicine", "OCT": "Optical coherence tomography", "OP": "Ophthalmic photography", "OT": "Other",
    "PT": "Positron emission tomography", "PX": "Panoramic X-ray", "RF": "Radiofluoroscopy",
    "RTSTRUCT": "Radiotherapy structure set", "SEG": "Segmentation", "SM": "Slide microscopy", "SR": "Structured report",
    "US": "Ultrasound", "XA": "X-ray angiography", "XC": "External-camera photography",
}


def modality(code: str) -> str:
    """A DICOM modality code with its name, e.g. "Slide microscopy (SM)"."""
    return f"{MODALITY_NAMES[code]} ({code})" if code in MODALITY_NAMES else code


def organs(dataset: Dataset) -> Markup:
    return Markup(", ").join(
        Markup('<a href="{}" title="SNOMED CT {}">{}</a>').format(SNOMED_BROWSER.format(organ.snomed), organ.snomed, organ.name)
        for organ in dataset.organs
    )


def what(dataset: Dataset) -> str:
    """The data in one line: modality, body part, counts and size, from whatever the record states."""
    parts = [", ".join(MODALITY_NAMES.get(code, code) for code in dataset.modalities),
             ", ".join(organ.name for organ in dataset.organs)]
    if dataset.counts:
        parts.append(", ".join(f"{value:,} {name if value != 1 else name[:-1]}" for name, value in (
            ("patients", dataset.counts.patients), ("scans", dataset.counts.scans),
            ("annotations", dataset.counts.annotations)) if value is not None))
    parts.append(human_size(dataset.size_bytes) if dataset.size_bytes is not None else "")
    parts.append("synthetic data" if dataset.synthetic else "")
    return " · ".join(part for part in parts if part)


def collections(dataset: Dataset, ctx: RenderContext) -> Markup:
    """The collections a dataset belongs to, by title, each linking to its page."""
    root = root_from(page_path(dataset.doi))
    return Markup(", ").join(Markup('<a href="{}">{}</a>').format(root + collection_path(slug), ctx.config.collection(slug).title)
                             for slug in dataset.collections)


def facts(dataset: Dataset, ctx: RenderContext) -> dict[str, list[tuple[str, Any]]]:
    """The facts, "About the data" and "About this record": (label, HTML-safe value) for every fact the record gives."""
    data: list[tuple[str, Any]] = []
    record: list[tuple[str, Any]] = []

    def add(rows: list[tuple[str, Any]], label: str, value: Any) -> None:
        if value not in (None, "", []):
            rows.append((label, value))

    add(data, "Field", dataset.field)
    add(data, "Origin", dataset.origin)
    add(data, "Synthetic data", "Yes" if dataset.synthetic else None)
    add(data, "Modalities", ", ".join(modality(code) for code in dataset.modalities))
    add(data, "Organs", organs(dataset) if dataset.organs else None)
    add(data, "Scanners", ", ".join(dataset.scanners))
    add(data, "Stain", dataset.stain)
    add(data, "Phase", dataset.phase)
    add(data, "Resolution", dataset.resolution)
    add(data, "Age span", f"{dataset.age_span} years" if dataset.age_span else None)
    if dataset.counts:
        add(data, "Patients", f"{dataset.counts.patients:,}" if dataset.counts.patients is not None else None)
        add(data, "Scans", f"{dataset.counts.scans:,}" if dataset.counts.scans is not None else None)
        add(data, "Annotations", f"{dataset.counts.annotations:,}" if dataset.counts.annotations is not None else None)
    add(data, "Size", human_size(dataset.size_bytes) if dataset.size_bytes is not None else None)
    add(data, "File formats", ", ".join(dataset.file_formats))
    add(data, "Shared with", ", ".join(f"{iso3166.countries_by_alpha2[code].name} ({code})" for code in dataset.countries_shared))
    add(data, "Keywords", ", ".join(dataset.keywords))
    add(record, "DOI", dataset.doi)  # the bare DOI too, so that searching for it finds this page
    add(record, "Version", dataset.version)
    add(record, "Status", STATUS[dataset.status])
    add(record, "Collections", collections(dataset, ctx) if dataset.collections else None)
    add(record, "Created", dataset.created.isoformat() if dataset.created else None)
    add(record, "Published", dataset.published.isoformat())
    add(record, "Modified", dataset.modified.isoformat() if dataset.modified else None)
    return {"About the data": data, "About this record": record}


STATUS = {"ongoing": "Ongoing: data collection goes on", "completed": "Completed: data collection is finished",
          "withdrawn": "Withdrawn: the data is no longer available"}


def file_stem(dataset: Dataset) -> str:
    """The name of the dataset's downloads, e.g. drske-1.0 (citation files: drske-1.0.bib), safe as a file name."""
    name = re.sub(r"[^a-z0-9._]+", "-", (dataset.short_name or dataset.doi.rsplit("/", 1)[-1]).lower()).strip("-.")
    return (name or "dataset") + (f"-{dataset.version}" if dataset.version else "")


def search_terms(dataset: Dataset) -> tuple[str, ...]:
    """What the site's search weighs most on a dataset's page: its short name and DOI, so that they find it
    before the documentation, and what it is of (organs, modalities, keywords), so that a search for a
    body part or a kind of image lists the datasets of it before pages that only mention it."""
    terms = [dataset.short_name, dataset.doi, *(organ.name for organ in dataset.organs),
             *(modality(code) for code in dataset.modalities),
             *dataset.keywords]
    return tuple(dict.fromkeys(term for term in terms if term))


def render(dataset: Dataset, ctx: RenderContext) -> Page:
    """The landing page, with the machine-readable <head> of head.render."""
    path = page_path(dataset.doi)
    root = root_from(path)
    successor = dataset.withdrawal.successor if dataset.withdrawal else None
    licenses = license_text.build(dataset, ctx)
    notice = f"Copyright {dataset.copyright.year}"
    html = _env.get_template("landing.html.j2").render(
        ds=dataset,
        doi_url=citation.doi_url(dataset.doi),
        citations=styles.render_all_html(dataset, ctx),
        style_labels={style: label for style, (label, _) in styles.STYLES.items()},
        works=license_text.works_to_cite(dataset, ctx),
        eligibility=access.ELIGIBILITY,
        access_request=access.request(dataset, ctx),
        use_conditions=conditions.use_conditions(dataset, ctx),
        metadata_files=DESCRIBED_BY,
        deidentification=conditions.deidentification_parts(dataset),
        deidentification_heading=conditions.DEIDENTIFICATION_HEADING,
        agreements=[text.title.lower() for text in license_text.build(dataset, ctx, with_texts=False) if text.agreement],
        agreement_file=AGREEMENT_FILE,
        facts=facts(dataset, ctx),
        what=what(dataset),
        access=access.classify(dataset, ctx),
        status_label=STATUS[dataset.status],
        file_stem=file_stem(dataset),
        links=related.links(dataset, ctx),
        page_path=page_path,
        licenses=licenses,
        # The copyright once: a license text that states it (shown unless withdrawn) makes the page's own line redundant.
        copyright_stated=dataset.status != "withdrawn" and any(notice in (text.markdown or "") for text in licenses),
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
                search_terms=search_terms(dataset),
                updated=(dataset.modified or dataset.published).isoformat())
