"""Which license version an old page's license text is, compared word for word; the old text when none is.

An old register shows each license as text its page built from Liquid tags and the record's
metadata. That text is what people agreed to. `page_sections` renders the Liquid tags this kind of
register uses (and says which it could not), and `identify` compares the result with every version
of every template, each filled in with the same values, after normalising what does not change the
meaning: whitespace, quote characters, Markdown link markup and escapes. The works to cite are
compared as a list of their own (`cited_links`), since each register formats citations its own way.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from generator.model.licenses import LicenseLibrary, LicenseTemplate, changes_as_text, word_changes
from generator.render import join_names
from generator.render.license_text import fill

WORKS_TOKEN = "\u2063WORKS\u2063"  # stands for the list of works to cite, on both sides of a comparison
_WORKS_BLOCK = re.compile(r"(cite\s+the\s+following\s+(?:publications|works):)(.*?)(?=THE DATA IS PROVIDED|\Z)", re.DOTALL)


@dataclass
class Section:
    """One `### Name` part of an old page's license section, with its Liquid rendered."""

    name: str
    line: int  # in the old file
    text: str  # as the old page showed it (Markdown)
    unknown_tags: list[str] = field(default_factory=list)  # Liquid that cannot be rendered without the old site
    includes: list[str] = field(default_factory=list)  # `{% include x %}`: the old site's shared texts


@dataclass(frozen=True)
class Match:
    """The verdict on one old license text."""

    template: LicenseTemplate | None  # the template whose version has this exact wording
    version: str | None
    nearest: tuple[LicenseTemplate, str] | None  # the closest version, when none is exact
    changes: str  # word-level changes from the nearest version to the old text ("" when exact)


def _sentence(names: list[str]) -> str:
    """Jekyll's array_to_sentence_string: `A`, `A and B`, `A, B, and C`."""
    return join_names(names)


def liquid_values(meta: dict[str, Any]) -> dict[str, str]:
    """What the Liquid expressions of an AIDA-style page print, from its front matter."""
    def names(key: str) -> list[str]:
        return [str(item.get("name") or "") for item in meta.get(key) or [] if isinstance(item, dict)]

    identifier = str(meta.get("@id") or "")
    return {
        "page.datacite.copyrightYear": str(meta.get("copyrightYear") or ""),
        'page.datacite.copyrightHolder | map: "name" | join: ", "': ", ".join(names("copyrightHolder")),
        'page.datacite.author | map: "name" | array_to_sentence_string': _sentence(names("author")),
        'page.datacite.datePublished | date: "%Y"': str(meta.get("datePublished") or "")[:4],
        "page.datacite.name": str(meta.get("name") or ""),
        "page.datacite['@id'] | remove: \"https://doi.org/\"": identifier.removeprefix("https://doi.org/"),
        'page.datacite["@id"]': identifier,
        "page.datacite['@id']": identifier,
    }


_FOR_CITATION = re.compile(r"\{%-?\s*for (\w+) in page\.datacite\.citation\s*-?%\}(.*?)\{%-?\s*endfor\s*-?%\}", re.DOTALL)
_TAG = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}|\{%-?\s*(.*?)\s*-?%\}", re.DOTALL)


def render_liquid(text: str, meta: dict[str, Any], section: Section) -> str:
    """The text with the Liquid tags of AIDA-style pages replaced by what they print."""
    values = liquid_values(meta)

    def loop(match: re.Match[str]) -> str:
        variable, body = match.group(1), match.group(2)
        parts = []
        for item in meta.get("citation") or []:
            if not isinstance(item, dict):
                continue
            item_values = {f"{variable}.name": " ".join(str(item.get("name") or "").split()),
                           f'{variable}["@id"]': str(item.get("@id") or ""), f"{variable}['@id']": str(item.get("@id") or "")}
            parts.append(_TAG.sub(lambda tag, values=item_values: values.get(" ".join((tag.group(1) or "").split()), tag.group(0)), body))
        return "".join(parts)

    def tag(match: re.Match[str]) -> str:
        if match.group(2) is not None:
            words = match.group(2).split()
            if words and words[0] == "include":
                section.includes.append(" ".join(words[1:]))
                return ""
            section.unknown_tags.append(match.group(0))
            return match.group(0)
        expression = " ".join(match.group(1).split())
        if expression in values:
            return values[expression]
        section.unknown_tags.append(match.group(0))
        return match.group(0)

    text = _FOR_CITATION.sub(loop, text)
    return _TAG.sub(tag, text)


def page_sections(body: str, body_line: int, meta: dict[str, Any]) -> list[Section]:
    """The `### Name` parts under the page's `## License` heading; `body_line` is the body's first line in the file."""
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"^## License", line)), None)
    if start is None:
        return []
    sections: list[Section] = []
    chunk: list[str] = []
    for i in range(start + 1, len(lines) + 1):
        line = lines[i] if i < len(lines) else None
        if line is None or line.startswith("## ") or line.startswith("### "):
            if sections:
                section = sections[-1]
                section.text = render_liquid("\n".join(chunk), meta, section)
                section.text = re.sub(r"\n{3,}", "\n\n", section.text).strip() + "\n"
            if line is None or line.startswith("## "):
                break
            sections.append(Section(line[4:].strip(), body_line + i, ""))
            chunk = []
        else:
            chunk.append(line)
    return sections


def normalise(text: str) -> str:
    """What may differ between two renderings of the same wording: spaces, quotes, link markup, escapes."""
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 \2", text)  # [AIDA](url) -> AIDA url
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)  # <url> -> url
    text = re.sub(r"\\([\\`*_\[\]])", r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = re.sub(r"[“”„″]", '"', text).replace("‘", "'").replace("’", "'")
    return " ".join(text.split())


def without_works(text: str) -> str:
    """The text with its list of works to cite replaced by one token."""
    return _WORKS_BLOCK.sub(lambda m: f"{m.group(1)}\n\n{WORKS_TOKEN}\n\n", text, count=1)


def works_block(text: str) -> str | None:
    """The list of works to cite of an old license text, or None when it asks for no citation."""
    found = _WORKS_BLOCK.search(text)
    return found.group(2) if found else None


def cited_links(block: str) -> list[str]:
    """The DOIs (lower-case) and other links of the works in a works-to-cite list, in order."""
    links = []
    for url in re.findall(r"https?://[^\s)\]>]+", block):
        url = url.rstrip(".,;")
        doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", url)
        links.append(doi.lower() if doi.startswith("10.") else url)
    return list(dict.fromkeys(links))


def obligations(text: str) -> dict[str, Any]:
    """The co-authors and acknowledgement an old license text states, as it states them."""
    found: dict[str, Any] = {}
    flat = " ".join(text.split())
    co_authors = re.search(r"include the authors of this dataset(.*?) in the author list", flat)
    if co_authors:
        names = co_authors.group(1).strip()
        found["co_authors"] = [name.strip() for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", names) if name.strip()]
    acknowledgement = re.search(r'acknowledgement text ["“](.+?)["”]', flat)
    if acknowledgement:
        found["acknowledgement"] = acknowledgement.group(1)
    return found


def identify(text: str, library: LicenseLibrary, candidates: list[str], values: dict[str, Any]) -> Match:
    """The version whose text, filled in with `values`, has the old text's wording; else the nearest one."""
    wanted = normalise(without_works(text))
    scored: list[tuple[float, LicenseTemplate, str, str]] = []
    for license_id in candidates:
        template = library.templates.get(license_id)
        if template is None:
            continue
        for version in template.ordered:
            given = {name: values.get(name) for name in template.parameters}
            ours = normalise(without_works(fill(template, version, {**values, **given, "works": [WORKS_TOKEN]})))
            if ours == wanted:
                return Match(template, version, None, "")
            ratio = difflib.SequenceMatcher(a=ours.split(), b=wanted.split(), autojunk=False).ratio()
            scored.append((ratio, template, version, ours))
    if not scored:
        return Match(None, None, None, "")
    _, template, version, ours = max(scored, key=lambda item: item[0])
    changes = changes_as_text(word_changes(ours.replace(WORKS_TOKEN, "…"), wanted.replace(WORKS_TOKEN, "…")))
    return Match(None, None, (template, version), changes)
