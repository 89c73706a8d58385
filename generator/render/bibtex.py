"""BibTeX downloads: citation.bib (@misc, for classic BibTeX) and citation.biblatex.bib (@dataset).

Values are escaped here, never in a template. The doi and url fields are left as they are: BibTeX
prints them verbatim through \\url and doi packages, and an escaped `\\_` would be printed literally.
"""

from __future__ import annotations

from generator.model.record import Agent, Dataset
from generator.render import RenderContext
from generator.render.citation import doi_url
from generator.render.csl import citation_key

# BibTeX counts every brace, escaped or not, so `\}` would close a field early: braces are written as
# commands whose own braces pair up, and every brace of a value is then part of a pair.
_LATEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
          "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def escape(text: str) -> str:
    """LaTeX special characters made literal; other Unicode is kept (UTF-8 files)."""
    return "".join(_LATEX.get(char, char) for char in " ".join(text.split()))


def author(agent: Agent) -> str:
    """`Family, Given` (BibTeX then finds particles such as "van der" itself); organizations in braces."""
    if agent.is_person:
        given = f", {escape(agent.given_name)}" if agent.given_name else ""
        # In "Family, Given" form BibTeX keeps a compound name whole ("Jamtheim Gustafsson")
        # and finds lower-case particles itself ("van der Laak", "af Wetterstedt").
        return escape(agent.family_name or "") + given
    return "{" + escape(agent.display_name) + "}"


def _entry(kind: str, dataset: Dataset, ctx: RenderContext, fields: list[tuple[str, str | None]]) -> str:
    lines = [f"@{kind}{{{citation_key(dataset)},"]
    for name, value in fields:
        if value:
            lines.append(f"  {name:<12} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _common(dataset: Dataset, ctx: RenderContext) -> list[tuple[str, str | None]]:
    return [
        ("author", " and ".join(author(agent) for agent in dataset.authors)),
        ("title", "{" + escape(dataset.title) + "}"),  # double braces keep the title's capitals
        ("publisher", escape(ctx.config.publisher)),
        ("year", str(dataset.year)),
        ("version", escape(dataset.version) if dataset.version else None),
        ("doi", dataset.doi),
        ("url", doi_url(dataset.doi)),
        ("keywords", escape(", ".join(dataset.keywords)) if dataset.keywords else None),
    ]


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """citation.bib: @misc, which every classic BibTeX style knows.

    Classic styles such as plain.bst print no doi or url field, so the DOI's link is also the note,
    escaped as text. Zotero's BibTeX importer has no dataset type: @misc becomes a Document, the
    closest type it supports (its @dataset is discarded, which is why this file is not @dataset).
    """
    version = f", Version {escape(dataset.version)}" if dataset.version else ""
    fields = _common(dataset, ctx)
    fields.insert(3, ("howpublished", f"[Data set]{version}. {escape(ctx.config.publisher)}"))
    fields.append(("note", escape(doi_url(dataset.doi))))
    return _entry("misc", dataset, ctx, fields)


def render_biblatex(dataset: Dataset, ctx: RenderContext) -> str:
    """citation.biblatex.bib: @dataset, BibLaTeX's own type."""
    fields = _common(dataset, ctx)
    fields.insert(4, ("date", dataset.published.isoformat()))
    fields = [(name, value) for name, value in fields if name != "year"]
    return _entry("dataset", dataset, ctx, fields)
