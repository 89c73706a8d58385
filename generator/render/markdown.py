"""Contributor Markdown to safe HTML: Python-Markdown passes raw HTML and javascript: links through, nh3 removes them."""

from __future__ import annotations

import functools
import re

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
