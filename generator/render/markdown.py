"""Contributor Markdown to safe HTML: Python-Markdown passes raw HTML and javascript: links through, nh3 removes them."""

from __future__ import annotations

import markdown as markdown_lib
import nh3

_converter = markdown_lib.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
_ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img"}  # images belong in the gallery, where they are checked


def to_html(text: str) -> str:
    """Render Markdown and keep only harmless tags, attributes and http(s)/mailto links."""
    html = _converter.reset().convert(text)
    return nh3.clean(html, tags=_ALLOWED_TAGS, url_schemes={"http", "https", "mailto"})


def inline_html(text: str) -> str:
    """Like to_html, for a one-paragraph text shown inline."""
    html = to_html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
