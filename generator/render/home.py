"""The register's home page: every public dataset with title, thumbnail, keywords, DOI and year."""

from __future__ import annotations

from generator.catalog import Catalog
from generator.render import template_env
from generator.render.citation import doi_url
from generator.render.paths import front_matter, image_name, page_path

_env = template_env()


def render(catalog: Catalog) -> str:
    """Markdown source of index.md."""
    datasets = sorted((entry.dataset for entry in catalog.public), key=lambda ds: ds.title.lower())
    html = _env.get_template("home.html.j2").render(
        site_name=catalog.config.site_name,
        datasets=datasets,
        page_path=page_path,
        doi_url=doi_url,
        thumbnail=lambda ds: page_path(ds.doi) + image_name(ds.images[0].file) if ds.images else None,
    )
    return front_matter({"title": catalog.config.site_name}) + html
