"""The dataset's citation in the register's default style (NLM/Vancouver, the medical one), as Markdown."""

from __future__ import annotations

import re

from generator.model import Agent, Dataset
from generator.render import RenderContext, escape_markdown

MAX_AUTHORS = 6  # NLM lists six authors, then "et al."


def doi_url(doi: str) -> str:
    """The DOI as a link, the way DataCite asks DOIs to be shown."""
    return f"https://doi.org/{doi}"


def nlm_name(agent: Agent) -> str:
    """`van der Laak J`, `Jamtheim Gustafsson C`, `Kahraman AT`; organizations as written."""
    if not agent.is_person:
        return agent.display_name
    initials = "".join(part[0] for part in re.split(r"[\s\-.]+", agent.given_name or "") if part)
    return f"{agent.family_name} {initials}".strip()


def text(dataset: Dataset, ctx: RenderContext) -> str:
    """Plain-text citation: authors. Title. Version. Publisher; year. DOI URL."""
    names = [nlm_name(agent) for agent in dataset.authors]
    if len(names) > MAX_AUTHORS:
        names = [*names[:MAX_AUTHORS], "et al"]
    parts = [", ".join(names) + ".", dataset.title.rstrip(".") + " [Data set]."]
    if dataset.version:
        parts.append(f"Version {dataset.version}.")
    parts.append(f"{ctx.config.publisher}; {dataset.year}.")
    parts.append(doi_url(dataset.doi))
    return " ".join(parts)


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """The citation as Markdown, with the DOI as a link."""
    url = doi_url(dataset.doi)
    body = escape_markdown(text(dataset, ctx).removesuffix(url))
    return f"{body}<{url}>"
