"""A generated page as an object: the site builder receives it as it is, with no text round trip.

Record text never passes through front matter or any other text that is parsed again, so no
character a record holds can change what a page is. Only generator/mkdocs_plugin/plugin.py turns a Page
into MkDocs' files and pages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One HTML page of the site. `title` and `description` are plain text; `body` and `head` are finished HTML."""

    title: str
    body: str
    description: str = ""
    head: str = ""
    noindex: bool = False  # a preview: kept out of search engines, the sitemap and the search index
    search_exclude: bool = False  # kept out of the site's search index only
    # Words that find this page before others in the site's search (a dataset's short name, DOI, organs, modalities, keywords).
    search_terms: tuple[str, ...] = ()
    updated: str = ""  # when what the page shows last changed (YYYY-MM-DD), for the sitemap; the build date if empty

    def source(self) -> str:
        """The whole page as one readable text, for golden files; nothing ever parses it back."""
        flags = [name for name, on in (("noindex", self.noindex), ("search_exclude", self.search_exclude)) if on]
        flags += [f"search terms {' '.join(self.search_terms)}"] if self.search_terms else []
        lines = [f"title: {self.title}"]
        if self.description:
            lines.append(f"description: {self.description}")
        if self.updated:
            lines.append(f"updated: {self.updated}")
        if flags:
            lines.append(f"flags: {', '.join(flags)}")
        if self.head:
            lines += ["head:", self.head]
        return "\n".join(lines) + "\n\nbody:\n" + self.body
