"""The register's pages as a virtual tree of files, independent of the site builder, and its one URL rule."""

from __future__ import annotations

from pathlib import Path

from generator.catalog import Catalog
from generator.config import SiteConfig
from generator.parallel import fork_map
from generator.render import RenderContext
from generator.render import home, landing, license_page
from generator.render.landing import image_name, page_path
from generator.render.license_text import license_page_path
from generator.schema import record_schema

Content = str | Path  # text to write, or a file to copy
ASSETS = Path(__file__).resolve().parent / "assets"


def landing_url(config: SiteConfig, doi: str) -> str:
    """The landing page URL of a DOI: the one rule for the site and for DataCite."""
    return config.site_url + page_path(doi)


def context(catalog: Catalog) -> RenderContext:
    return RenderContext(catalog.config, catalog.licenses, {entry.dataset.doi: entry.dataset for entry in catalog.entries})


class _Tree(dict[str, Content]):
    """Refuses to write one output path twice, so two records can never overwrite each other's files."""

    def __setitem__(self, path: str, content: Content) -> None:
        if path in self:
            raise ValueError(f"two outputs claim the site path {path}")
        super().__setitem__(path, content)


def build_tree(catalog: Catalog) -> dict[str, Content]:
    """Every generated file of the site, keyed by its path relative to the docs folder."""
    ctx = context(catalog)
    tree = _Tree()
    tree["index.md"] = home.render(catalog)
    for entry, page in zip(catalog.entries, _landing_pages(catalog)):
        dataset = entry.dataset
        base = page_path(dataset.doi)
        tree[base + "index.md"] = page
        for image in dataset.images:
            tree[base + image_name(image.file)] = entry.doc.path.parent / image.file
    tree["licenses/index.md"] = license_page.render_index(catalog.licenses)
    for template in catalog.licenses.templates.values():
        for version in template.versions:
            tree[license_page_path(template.id, version) + "index.md"] = license_page.render(template, version)
    tree["assets/register.css"] = ASSETS / "register.css"
    tree["schema/dataset.schema.json"] = record_schema()
    return dict(tree)


def _landing_pages(catalog: Catalog) -> list[str]:
    """Every landing page, in catalog order. Rendering is most of the register's share of a build."""
    ctx = context(catalog)
    return fork_map(lambda entry: landing.render(entry.dataset, ctx), catalog.entries)


def hidden_paths(catalog: Catalog) -> set[str]:
    """Site paths of preview pages, to be kept out of the sitemap and the search index."""
    return {page_path(entry.dataset.doi) for entry in catalog.entries if entry.dataset.hidden}
