"""The "Cite this dataset" styles: NLM/Vancouver (the default), APA 7, AMA, Harvard and IEEE.

Each style is a small function rather than a CSL processor run at build time: a processor costs
10 to 50 ms a record for these five styles, a minute per 1,000 datasets. tests/test_styles.py
holds every function to citeproc-js (the processor Zotero and Mendeley use) running the official
CSL style in its own locale, after the few fix-ups listed there (numbering removed; version and
publisher added where a style leaves them out for datasets). Each style writes the DOI as it
prints it: a link in NLM, APA and Harvard, `doi:` in AMA and IEEE.

What a style sets in italics is marked with EMPHASIS; `render_all` gives plain text for copying
and `render_all_html` the same citations as HTML for the page.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from generator.model.record import Agent, Dataset
from generator.paths import doi_url
from generator.render import RenderContext

# Around what a style sets in italics; no record text can hold these control characters.
EMPHASIS = ("\x02", "\x03")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
IEEE_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec."]


def _initials(given: str | None, *, periods: bool) -> str:
    """`Ali Teymur` -> `A. T.` or `AT`; `Jean-Luc` -> `J.-L.` or `JL`."""
    words = []
    for word in (given or "").split():
        parts = [part[0] for part in word.split("-") if part]
        words.append("-".join(f"{p}." for p in parts) if periods else "".join(parts))
    return " ".join(words) if periods else "".join(words)


def _family_initials(agent: Agent) -> str:  # NLM, AMA: van der Laak J
    return f"{agent.family_name} {_initials(agent.given_name, periods=False)}".strip() if agent.is_person else agent.display_name


def _family_comma_initials(agent: Agent) -> str:  # APA, Harvard: van der Laak, J.
    if not agent.is_person:
        return agent.display_name
    initials = _initials(agent.given_name, periods=True)
    return f"{agent.family_name}, {initials}" if initials else agent.family_name or ""


def _initials_family(agent: Agent) -> str:  # IEEE: J. van der Laak
    if not agent.is_person:
        return agent.display_name
    return f"{_initials(agent.given_name, periods=True)} {agent.family_name}".strip()


def _title(dataset: Dataset) -> str:
    return dataset.title.rstrip(".")


def _italic(text: str) -> str:
    return EMPHASIS[0] + text + EMPHASIS[1]


def _series(names: list[str], last: str) -> str:
    """`A`, or `A, B` + last + `C`: the list forms of the styles differ only in the last separator."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + last + names[-1]


def _end(text: str) -> str:
    """Add a full stop unless the text already ends in one (an initial, an abbreviation)."""
    return text if text.endswith(".") else text + "."


def nlm(dataset: Dataset, ctx: RenderContext) -> str:
    """NLM / Vancouver (Citing Medicine): six authors, then et al."""
    names = [_family_initials(agent) for agent in dataset.authors]
    authors = ", ".join(names[:6] + (["et al"] if len(names) > 6 else []))
    version = f"Version {dataset.version}. " if dataset.version else ""
    return (f"{authors}. {_title(dataset)} [Data set] [Internet]. {version}{ctx.config.publisher}; {dataset.year}. "
            f"Available from: {doi_url(dataset.doi)}")


def apa(dataset: Dataset, ctx: RenderContext) -> str:
    """APA 7, with the version and [Data set]."""
    names = [_family_comma_initials(agent) for agent in dataset.authors]
    if len(names) > 20:
        names = [*names[:19], "...", names[-1]]
    authors = _series(names, ", & ")
    version = f" (Version {dataset.version})" if dataset.version else ""
    return (f"{_end(authors)} ({dataset.year}). {_italic(_title(dataset))}{version} [Data set]. {ctx.config.publisher}. "
            f"{doi_url(dataset.doi)}")


def ama(dataset: Dataset, ctx: RenderContext) -> str:
    """AMA 11: all of up to six authors, else three and et al."""
    names = [_family_initials(agent) for agent in dataset.authors]
    authors = ", ".join(names if len(names) <= 6 else [*names[:3], "et al"])
    version = f"Version {dataset.version}. " if dataset.version else ""
    published = dataset.published
    return (f"{_end(authors)} {_title(dataset)}. {version}{ctx.config.publisher}; Published online "
            f"{MONTHS[published.month - 1]} {published.day}, {published.year}. doi:{dataset.doi}")


def harvard(dataset: Dataset, ctx: RenderContext) -> str:
    """Harvard (Cite Them Right): up to three authors, else the first and et al."""
    names = [_family_comma_initials(agent) for agent in dataset.authors]
    if len(names) >= 4:
        authors = f"{names[0]} {_italic('et al.')}"
    else:
        authors = _series(names, " and ")
    version = f" (Version {dataset.version})" if dataset.version else ""
    # Cite Them Right is a British style: single quotes, punctuation outside them.
    return (f"{authors} ({dataset.year}) ‘{_title(dataset)}’{version} [Data set]. {ctx.config.publisher}. "
            f"Available at: {doi_url(dataset.doi)}.")


def ieee(dataset: Dataset, ctx: RenderContext) -> str:
    """IEEE: up to six authors, else the first and et al."""
    names = [_initials_family(agent) for agent in dataset.authors]
    if len(names) > 6:
        authors = f"{names[0]} {_italic('et al.')}"
    else:
        authors = _series(names, " and " if len(names) == 2 else ", and ")
    published = dataset.published
    # American punctuation: the comma or full stop after the title goes inside the quotes.
    title = f"“{_title(dataset)},” version {dataset.version}." if dataset.version else f"“{_title(dataset)}.”"
    return (f"{authors}, {title} {ctx.config.publisher}, "
            f"{IEEE_MONTHS[published.month - 1]} {published.day:02d}, {published.year}. doi: {dataset.doi}.")


# id: (label, function); the first is the default shown on every page.
STYLES: dict[str, tuple[str, Callable[[Dataset, RenderContext], str]]] = {
    "nlm": ("NLM / Vancouver", nlm),
    "apa": ("APA 7", apa),
    "ama": ("AMA", ama),
    "harvard": ("Harvard", harvard),
    "ieee": ("IEEE", ieee),
}


def plain(citation: str) -> str:
    """A citation as plain text, for copying and for machines."""
    return citation.replace(EMPHASIS[0], "").replace(EMPHASIS[1], "")


def html(citation: str) -> Markup:
    """A citation as HTML: its text escaped, with what the style sets in italics in <i>."""
    return Markup(str(escape(citation)).replace(EMPHASIS[0], "<i>").replace(EMPHASIS[1], "</i>"))


def render_all(dataset: Dataset, ctx: RenderContext) -> dict[str, str]:
    """Every style's citation as plain text, in display order."""
    return {style: plain(function(dataset, ctx)) for style, (_, function) in STYLES.items()}


def render_all_html(dataset: Dataset, ctx: RenderContext) -> dict[str, Markup]:
    """Every style's citation as HTML, in display order."""
    return {style: html(function(dataset, ctx)) for style, (_, function) in STYLES.items()}
