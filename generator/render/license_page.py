"""The stable, versioned page of each license template, and the index of all licenses."""

from __future__ import annotations

from markupsafe import Markup

from generator.licenses import LicenseLibrary, LicenseTemplate
from generator.render import template_env
from generator.render.page import Page
from generator.render.license_text import fill, license_page_path, placeholders
from generator.render.markdown import to_html

_env = template_env()


def render(template: LicenseTemplate, version: str) -> Page:
    """The page licenses/<id>/<version>/index.md: the text with its parameters as placeholders."""
    html = _env.get_template("license.html.j2").render(
        license=template,
        version=version,
        text=Markup(to_html(fill(template, version, placeholders(template)))),
        newer=None if version == template.latest else "../" + template.latest + "/",
    )
    return Page(title=f"{template.title} {version}", body=html)


def render_index(library: LicenseLibrary) -> Page:
    """The page licenses/index.md."""
    html = _env.get_template("licenses.html.j2").render(
        templates=sorted(library.templates.values(), key=lambda t: t.title.lower()),
        path=lambda template, version: license_page_path(template.id, version).removeprefix("licenses/"),
    )
    return Page(title="Licenses", body=html)
