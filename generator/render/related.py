"""A dataset's links to other works, both ways: what its landing page lists is what DataCite receives.

A record names its own links (`related`). The register adds the inverse of every link that
another record of the register names towards this one (a new version makes the old one "is
previous version of" it; a record that references another makes that one "is referenced by" it),
and the version links of a withdrawal's successor, so that an old version's page and DOI point to
the new one without anyone editing the old record. The inverse links of a whole register are
computed once per render context.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from generator.model.record import Dataset
from generator.paths import doi_url
from generator.render import RenderContext

INVERSE = {"is-new-version-of": "is-previous-version-of", "is-previous-version-of": "is-new-version-of",
           "is-described-by": "describes", "is-cited-by": "cites", "is-supplement-to": "is-supplemented-by",
           "is-derived-from": "is-source-of", "references": "is-referenced-by"}


@dataclass(frozen=True)
class Link:
    """One related work, read as "this dataset <relation> the work"."""

    relation: str  # the record's words, e.g. is-previous-version-of
    type: str  # article, preprint, dataset, software or other
    doi: str | None = None
    url: str | None = None
    citation: str | None = None  # Markdown, from the record
    must_cite: bool = False
    title: str | None = None  # plain text: the title of the record of this register it is, else the record's own
    in_register: bool = False  # a dataset of this register: the page links to its landing page

    @property
    def href(self) -> str:
        return doi_url(self.doi) if self.doi else self.url or ""


def links(dataset: Dataset, ctx: RenderContext) -> list[Link]:
    """The record's own links, then those the register adds (each link once)."""
    def ours(doi: str | None) -> Dataset | None:
        return ctx.datasets.get(doi) if doi else None

    found = [Link(work.relation, work.type, work.doi, work.url, work.citation, work.must_cite,
                  title=(own.title if (own := ours(work.doi)) else work.title), in_register=own is not None)
             for work in dataset.related]
    seen = {(link.doi, link.relation) for link in found}
    for doi, relation in _inverse(ctx).get(dataset.doi, []):
        if (doi, relation) not in seen:
            seen.add((doi, relation))
            other = ours(doi)
            found.append(Link(relation, "dataset", doi, title=other.title if other else None, in_register=other is not None))
    return found


def linked(dataset: Dataset, ctx: RenderContext) -> list[Dataset]:
    """The other records of the register whose facts `links` shows for this dataset (titles, version links).

    A dataset's outputs depend on these besides the record itself: the render cache keys on them.
    """
    dois = {work.doi for work in dataset.related if work.doi} | {doi for doi, _ in _inverse(ctx).get(dataset.doi, [])}
    return [ctx.datasets[doi] for doi in sorted(dois) if doi in ctx.datasets and doi != dataset.doi]


_INDEX: dict[int, tuple[weakref.ref[RenderContext], dict[str, list[tuple[str, str]]]]] = {}


def _inverse(ctx: RenderContext) -> dict[str, list[tuple[str, str]]]:
    """For each DOI, the (other DOI, relation) links the register adds to it: computed once per context."""
    cached = _INDEX.get(id(ctx))
    if cached and cached[0]() is ctx:
        return cached[1]
    index: dict[str, set[tuple[str, str]]] = {}
    for other in ctx.datasets.values():
        for work in other.related:
            if work.doi in ctx.datasets and work.relation in INVERSE:
                index.setdefault(work.doi, set()).add((other.doi, INVERSE[work.relation]))
        successor = other.withdrawal.successor if other.withdrawal else None
        if successor:
            index.setdefault(other.doi, set()).add((successor, "is-previous-version-of"))
            index.setdefault(successor, set()).add((other.doi, "is-new-version-of"))
    result = {doi: sorted(pairs) for doi, pairs in index.items()}
    key = id(ctx)
    _INDEX[key] = (weakref.ref(ctx, lambda _: _INDEX.pop(key, None)), result)
    return result
