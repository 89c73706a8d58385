"""The sanitising Markdown renderer: its shortcuts give exactly what Python-Markdown and nh3 give."""

from __future__ import annotations

import markdown
import nh3
import pytest

from generator.render.markdown import _ALLOWED_TAGS, to_html

SAMPLES = [
    "Plain text on one line.",
    "Plain text\nwrapped over\nthree lines.\n",
    "30 clinical routine CTPA examinations, 14317 axial images (1 or 0,625mm).",
    "A paragraph.\n\nAnother paragraph, with *emphasis*.\n\nA third: https://example.org/x",
    "Two trailing spaces  \nmake a line break.",
    "1. a list\n2. of items\n\nand text after it.",
    "Text & more <b>bold</b> and a [link](https://example.org).",
    "Heading\n=======\n\nText.",
    "A paragraph.\n\n    indented code\n\nMore.",
    "See [the paper][p].\n\n[p]: https://example.org/paper",
    "> a quote\n\nand text",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_shortcuts_give_what_python_markdown_gives(text: str):
    full = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html").convert(text)
    assert to_html(text) == nh3.clean(full, tags=_ALLOWED_TAGS, url_schemes={"http", "https", "mailto"})
