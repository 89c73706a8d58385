"""The register's home page: every public dataset (withdrawn ones only on request), with facets and sorting in the browser.

A large register's list is split into pages of `list_page_size` datasets (by title), so that the first
page stays small; each page links to the others, which is the list without JavaScript. The filters
on the first page fetch the other pages when first used, and then filter and sort the whole list.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import nh3
from markupsafe import Markup

from generator.model.record import Dataset
from generator.paths import doi_url, list_page_path, page_path, root_from, thumbnail_path
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


# Where a card's links take the page's way back to the site root: cards are rendered once per dataset (and kept
# in the render cache) but shown on pages at different depths. No record text holds a NUL, nor its escape.
_ROOT_SLOT = "\0"


def card(dataset: Dataset, ctx: RenderContext, facets: dict[str, list[str]] | None = None) -> str:
    """A dataset's card in the list, its links relative to a root that `render` fills in for the page it is on."""
    return _env.get_template("home-card.html.j2").render(
        ds=dataset, root=_ROOT_SLOT, facets=facets if facets is not None else facet_values(dataset, ctx),
        level=access.classify(dataset, ctx).level, page_path=page_path, doi_url=doi_url, summary=summary,
        thumbnail=lambda ds: thumbnail_path(ds.doi) if ds.images else None, joined=lambda values: "|".join(values))


def _page_link(root: str, number: int) -> str:
    """The link to a page of the list from a page whose way back to the site root is `root`."""
    return (root + list_page_path(number)) or "./"


def render(public: list[Dataset], ctx: RenderContext, cards: Mapping[str, str] | None = None,
           facets: Mapping[str, dict[str, list[str]]] | None = None) -> dict[str, Page]:
    """The pages of the list, by site path: the home page (index.md), then list/2/index.md and on.

    `cards` and `facets` (by DOI) are each dataset's card and facet values, as the build keeps them in the
    render cache; without them they are made here.
    """
    datasets = sorted(public, key=lambda ds: ds.title.lower())
    if facets is None:
        facets = {dataset.doi: facet_values(dataset, ctx) for dataset in datasets}
    if cards is None:
        cards = {dataset.doi: card(dataset, ctx, facets[dataset.doi]) for dataset in datasets}
    found: dict[str, set[str]] = {facet: set() for facet in FACETS}
    for values in facets.values():  # once: the build reads each dataset's facets from the render cache as asked
        for facet in FACETS:
            found[facet].update(values[facet])
    # By the lower-case text, then the text: values differing only in case keep one order from build to build.
    options = {facet: sorted(found[facet], key=lambda value: (value.lower(), value)) for facet in FACETS}
    # The pages hold the listed datasets; withdrawn ones, shown only when asked for, follow on the last page.
    size = ctx.config.list_page_size
    listed = [ds for ds in datasets if ds.status != "withdrawn"]
    chunks = [listed[start:start + size] for start in range(0, len(listed), size)] or [[]]
    chunks[-1] = chunks[-1] + [ds for ds in datasets if ds.status == "withdrawn"]
    synthetic_count = sum(ds.synthetic for ds in listed)
    pages: dict[str, Page] = {}
    for number, chunk in enumerate(chunks, start=1):
        path = list_page_path(number)
        root = root_from(path)
        html = _env.get_template("home.html.j2").render(
            site_name=ctx.config.site_name,
            number=number,
            page_count=len(chunks),
            page_link=functools.partial(_page_link, root),
            cards=[Markup(cards[dataset.doi].replace(_ROOT_SLOT, root)) for dataset in chunk],  # the cards were rendered escaped
            listed_count=len(listed),
            withdrawn_count=len(datasets) - len(listed),
            synthetic_count=synthetic_count,
            facet_labels={facet: label for facet, label in FACETS.items() if options[facet]},
            options=options,
        )
        title = ctx.config.site_name if number == 1 else f"Datasets, page {number} of {len(chunks)}"  # the theme adds the site
        # The list repeats every dataset's summary; leaving it out of the search index sends searches to
        # the datasets' own pages.
        pages[path + "index.md"] = Page(title=title, body=html, search_exclude=True)
    return pages
