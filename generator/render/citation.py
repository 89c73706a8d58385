"""The dataset's citation in the register's default style (NLM/Vancouver, the medical one)."""

from __future__ import annotations

from generator.model.record import Dataset
from generator.paths import doi_url
from generator.render import RenderContext, escape_markdown, styles

__all__ = ["doi_url", "render", "text"]


def text(dataset: Dataset, ctx: RenderContext) -> str:
    """The citation as plain text, in the default style."""
    return styles.plain(styles.nlm(dataset, ctx))


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """The citation as Markdown, with the DOI as a link."""
    url = doi_url(dataset.doi)
    body = escape_markdown(text(dataset, ctx).removesuffix(url))
    return f"{body}<{url}>"
