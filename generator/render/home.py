"""The register's home page: every public dataset (withdrawn ones only on request), with facets and sorting in the browser."""

from __future__ import annotations

import nh3

from generator.model.record import Dataset
from generator.paths import doi_url, page_path, thumbnail_path
from generator.render import RenderContext, access, conditions, template_env
from generator.render.page import Page

_env = template_env()
FACETS = {"modality": "Modality", "organ": "Organ", "field": "Field", "access": "Access", "status": "Status",
          "origin": "Origin", "collection": "Collection", "commercial": "Commercial research", "ethics": "Ethics approval"}


def facet_values(dataset: Dataset, ctx: RenderContext) -> dict[str, list[str]]:
    """The values a dataset has for each facet of the list."""
    found = conditions.use_conditions(dataset, ctx)
    return {
        "modality": list(dataset.modalities),
        "organ": [organ.name for organ in dataset.organs],
        "field": [dataset.field] if dataset.field else [],
        "access": [access.classify(dataset, ctx).label],
        "status": [dataset.status.capitalize()],
        "origin": ["Synthetic"] if dataset.synthetic else [dataset.origin] if dataset.origin else [],
        "collection": [ctx.config.collection(slug).title for slug in dataset.collections],
        # From the conditions of use as DUO terms, so the answer is the one the page's list gives.
        "commercial": ["Non-commercial only" if conditions.restricts_commercial_use(found) else "Not stated"],
        "ethics": ["Required" if conditions.needs_ethics_approval(found) else "Not stated"],
    }


def summary(dataset: Dataset, limit: int = 200) -> str:
    """The description's first paragraph as plain text, shortened at a word."""
    text = " ".join(nh3.clean(dataset.description.strip().split("\n\n")[0], tags=set()).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def render(public: list[Dataset], ctx: RenderContext) -> Page:
    """The home page, index.md."""
    datasets = sorted(public, key=lambda ds: ds.title.lower())
    facets = {dataset.doi: facet_values(dataset, ctx) for dataset in datasets}
    options: dict[str, list[str]] = {
        facet: sorted({value for values in facets.values() for value in values[facet]}, key=str.lower) for facet in FACETS
    }
    html = _env.get_template("home.html.j2").render(
        site_name=ctx.config.site_name,
        datasets=datasets,
        facets=facets,
        levels={dataset.doi: access.classify(dataset, ctx).level for dataset in datasets},
        synthetic_count=sum(ds.synthetic and ds.status != "withdrawn" for ds in datasets),
        facet_labels={facet: label for facet, label in FACETS.items() if options[facet]},
        options=options,
        page_path=page_path,
        doi_url=doi_url,
        summary=summary,
        thumbnail=lambda ds: thumbnail_path(ds.doi) if ds.images else None,
        joined=lambda values: "|".join(values),
    )
    # The list repeats every dataset's summary; leaving it out of the search index keeps the index small
    # (the browser loads it with the first page) and sends searches to the datasets' own pages.
    return Page(title=ctx.config.site_name, body=html, search_exclude=True)
