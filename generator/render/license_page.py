"""The stable, versioned page of each license template, and the index of all licenses.

Each version's page says where its wording comes from and shows, word by word, what changed from
the version before it (computed here, at build time, from the two texts with placeholders).
"""

from __future__ import annotations

import html

from markupsafe import Markup, escape

from generator import vocabularies
from generator.model.licenses import LicenseLibrary, LicenseTemplate, word_changes
from generator.render import template_env
from generator.render.license_text import fill, license_page_path, placeholders
from generator.render.markdown import to_html
from generator.render.page import Page

_env = template_env()


def word_diff(old: str, new: str) -> Markup:
    """The change from `old` to `new` as HTML: removed words in <del>, added words in <ins>."""
    tags = {"-": "del", "+": "ins"}
    parts = [f"<{tags[op]}>{escape(words)}</{tags[op]}>" if op in tags else str(escape(words))
             for op, words in word_changes(old, new)]
    return Markup(" ".join(parts))


def render(template: LicenseTemplate, version: str) -> Page:
    """The page licenses/<id>/<version>/index.md: the text with its parameters as placeholders."""
    text = fill(template, version, placeholders(template))
    previous = template.previous(version)
    page = _env.get_template("license.html.j2").render(
        license=template,
        version=version,
        source=template.sources.get(version),
        text=Markup(to_html(text)),
        previous=previous,
        previous_path=f"../{previous}/" if previous else None,
        # The texts are Markdown with the placeholders as entities (&lt;Year&gt;); the diff shows them as read.
        diff=word_diff(html.unescape(fill(template, previous, placeholders(template))), html.unescape(text))
        if previous else None,
        newer=None if version == template.latest else "../" + template.latest + "/",
    )
    return Page(title=f"{template.title} {version}", body=page)


def render_index(library: LicenseLibrary) -> Page:
    """The page licenses/index.md."""
    html = _env.get_template("licenses.html.j2").render(
        templates=sorted(library.templates.values(), key=lambda t: t.title.lower()),
        path=lambda template, version: license_page_path(template.id, version).removeprefix("licenses/"),
        terms=vocabularies.duo_terms(),
        duo_release=vocabularies.DUO_RELEASE,
    )
    return Page(title="Licenses", body=html)
