"""citation.ris: the RIS record (TY  - DATA) that EndNote, Mendeley and Zotero import."""

from __future__ import annotations

from generator.model.record import Dataset
from generator.render import RenderContext
from generator.render.citation import doi_url


def render(dataset: Dataset, ctx: RenderContext) -> str:
    """One RIS record; one AU line per author as "Family, Given", organizations as named."""
    lines = [("TY", "DATA")]
    for agent in dataset.authors:
        name = f"{agent.family_name}, {agent.given_name}" if agent.is_person and agent.given_name else agent.display_name
        lines.append(("AU", name if agent.is_person else agent.display_name))
    lines += [
        ("TI", dataset.title),
        ("PY", str(dataset.year)),
        ("DA", dataset.published.strftime("%Y/%m/%d")),
        ("PB", ctx.config.publisher),
    ]
    if dataset.version:
        lines.append(("ET", dataset.version))
    lines += [("DO", dataset.doi), ("UR", doi_url(dataset.doi)), ("AB", " ".join(dataset.description.split()))]
    lines += [("KW", keyword) for keyword in dataset.keywords]
    lines.append(("ER", ""))
    # RIS is line based: a line break inside a value would start a bogus tag.
    return "".join(f"{tag}  - {' '.join(value.split())}".rstrip() + "\r\n" for tag, value in lines)
