"""Contributor Markdown to safe HTML (Python-Markdown passes raw HTML and javascript: links through, nh3 removes
them), and to plain text for the formats that take no markup (DataCite descriptions, Croissant)."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3

_converter = markdown_lib.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
_ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img"}  # images belong in the gallery, where they are checked
# A block that is a plain paragraph renders the same alone as within its text; anything that
# can span blocks (lists, code, quotes, reference links) sends the whole text down the slow path.
_NOT_A_PLAIN_PARAGRAPH = re.compile(r"^(\s|\d+[.)]|[-*+>#|`~=]|\[[^\]]*\]:)", re.MULTILINE)


_LINK_WITHOUT_HREF = re.compile(r'<a rel="noopener noreferrer">(.*?)</a>', re.DOTALL)
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>!#&|~{}]| \n| $")


@functools.lru_cache(maxsize=4096)
def _convert(text: str) -> str:
    if not _MARKDOWN_SYNTAX.search(text) and not _NOT_A_PLAIN_PARAGRAPH.search(text) and "\n\n" not in text.strip():
        return f"<p>{text.strip()}</p>"  # what Python-Markdown makes of text with no syntax at all
    html = _converter.reset().convert(text)
    cleaned = nh3.clean(html, tags=_ALLOWED_TAGS, url_schemes={"http", "https", "mailto"})
    # A link whose address nh3 removed (javascript: and the like) is left as its text: an <a> with
    # rel but no href is invalid HTML.
    return _LINK_WITHOUT_HREF.sub(r"\1", cleaned)


def to_html(text: str) -> str:
    """Render Markdown and keep only harmless tags, attributes and http(s)/mailto links.

    Plain paragraphs are rendered one by one through a cache: license texts repeat the same
    long paragraphs on every landing page, and Markdown is the build's largest cost.
    """
    blocks = [block for block in text.strip().split("\n\n") if block.strip()]
    if len(blocks) < 2 or any(_NOT_A_PLAIN_PARAGRAPH.search(block) for block in blocks) or "]:" in text:
        return _convert(text)
    return "\n".join(_convert(block) for block in blocks)


def inline_html(text: str) -> str:
    """Like to_html, for a one-paragraph text shown inline."""
    html = to_html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


# --- Markdown as plain text (DataCite descriptions, Croissant) -----------------------------------

_MARKUP = re.compile(r"[\\`*_\[\]<>!#&|~{}]|^\s*(\d+[.)]|[-+>=])|^ {4}", re.MULTILINE)


@functools.lru_cache(maxsize=4096)
def plain_text(markdown: str) -> str:
    """Markdown as DataCite's plain-text descriptions want it: paragraphs kept, list items as "- ", links as "text (URL)".

    Text with no Markdown at all (most descriptions) only has its lines joined; the rest is
    rendered as the page renders it and read back as text. Cached: `register check` and
    `register doi plan` build the same payload.
    """
    if not _MARKUP.search(markdown):
        return "\n\n".join(" ".join(block.split()) for block in re.split(r"\n\s*\n", markdown) if block.strip())
    parser = _PlainText()
    parser.feed(to_html(markdown))
    parser.close()
    return parser.text()


def _tidy(line: str) -> str:
    """One line: white space collapsed; the indentation kept only where it nests a list item."""
    indent, content = re.fullmatch(r"( *)(.*)", line).groups()  # type: ignore[union-attr]
    content = " ".join(content.split())
    return (indent if re.match(r"(- |\d+\. )", content) else "") + content


_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote", "table", "hr", "div"})


class _PlainText(HTMLParser):

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.href: list[tuple[str | None, int]] = []
        self.lists: list[list[int]] = []  # per open list: [next number] for ol, [] for ul
        self.pre = 0

    def _end_block(self) -> None:
        text = "".join(self.current)
        text = text.strip("\n") if self.pre else "\n".join(filter(None, map(_tidy, text.split("\n"))))
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and not self.lists:
            self._end_block()
        if tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            marker = "- "
            if self.lists and self.lists[-1]:
                marker = f"{self.lists[-1][0]}. "
                self.lists[-1][0] += 1
            if "".join(self.current).strip():
                self.current.append("\n")
            else:
                self.current = []
            self.current.append("  " * (len(self.lists) - 1) + marker)
        elif tag in ("br", "tr"):
            self.current.append("\n")
        elif tag in ("td", "th") and "".join(self.current).rsplit("\n", 1)[-1].strip():
            self.current.append(" | ")
        elif tag == "a":
            self.href.append((dict(attrs).get("href"), len("".join(self.current))))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            href, start = self.href.pop()
            label = "".join(self.current)[start:].strip()
            target = (href or "").removeprefix("mailto:")
            if target and target != label:
                self.current.append(f" ({target})")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "pre":
            self._end_block()
            self.pre -= 1
            return
        if tag in _BLOCKS and not self.lists:
            self._end_block()

    def handle_data(self, data: str) -> None:
        self.current.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        self._end_block()
        return "\n\n".join(self.blocks)
