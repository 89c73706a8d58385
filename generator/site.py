"""The register's pages as a virtual tree of files, independent of the site builder, and its one URL rule."""

from __future__ import annotations

from pathlib import Path

from generator.catalog import Catalog
from generator.config import SiteConfig
from generator.model import Dataset
from generator.parallel import fork_map
from generator.render import RenderContext, datacite, dump_json
from generator.render import api, dcat, home, landing, license_page, license_text, overview
from generator.render.formats import DOWNLOADS
from generator.render.paths import image_name, page_path
from generator.render.license_text import license_page_path
from generator import reference
from generator.schema import record_schema
from generator.thumbnails import thumbnail

Content = str | Path  # text to write, or a file to copy
# Generated pages written in Markdown; every other generated page is finished HTML.
MARKDOWN_PAGES = frozenset({"record-format.md", "contributing.md"})
ASSETS = Path(__file__).resolve().parent / "assets"


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
    tree["index.md"] = home.render(catalog, ctx)
    for files in fork_map(lambda entry: dataset_files(entry.dataset, ctx), catalog.entries):
        for path, content in files.items():
            tree[path] = content
    thumbnails = catalog.config.root / ".cache" / "thumbnails"
    for entry in catalog.entries:
        for image in entry.dataset.images:
            tree[page_path(entry.dataset.doi) + image_name(image.file)] = entry.doc.path.parent / image.file
        if entry.dataset.images:
            first = entry.doc.path.parent / entry.dataset.images[0].file
            tree[page_path(entry.dataset.doi) + home.THUMBNAIL] = thumbnail(first, thumbnails)
    public = [entry.dataset for entry in catalog.public]
    tree["api/v1/datasets.json"] = api.datasets_json(public, ctx)
    tree["api/v1/schema.json"] = api.schema()
    for dataset in public:
        tree[api.api_path(dataset.doi)] = dump_json(api.record(dataset, ctx))
    catalog_graph = dcat.catalog(public, ctx)
    tree["catalog.jsonld"] = dump_json(catalog_graph)
    tree["catalog.ttl"] = dcat.turtle(catalog_graph)
    tree["feed.xml"] = api.atom(public, ctx)
    tree["robots.txt"] = api.robots(ctx)
    tree["metrics/index.md"] = overview.metrics(public)
    for path, page in overview.collections(public).items():
        tree[path] = page
    tree["licenses/index.md"] = license_page.render_index(catalog.licenses)
    for template in catalog.licenses.templates.values():
        for version in template.versions:
            tree[license_page_path(template.id, version) + "index.md"] = license_page.render(template, version)
    tree["assets/register.css"] = ASSETS / "register.css"
    tree["assets/register.js"] = ASSETS / "register.js"
    tree["schema/dataset.schema.json"] = record_schema()
    tree["record-format.md"] = reference.render(catalog.config.datasets_dir / "aida-example-full.yaml")
    guide = catalog.config.root / "CONTRIBUTING.md"
    if guide.is_file():
        tree["contributing.md"] = guide.read_text(encoding="utf-8")
    return dict(tree)


def dataset_files(dataset: Dataset, ctx: RenderContext) -> dict[str, str]:
    """The generated files of one dataset: its landing page, and its metadata and citations beside it.

    Rendering is most of the register's share of a build, so build_tree spreads it over the cores.
    """
    base = page_path(dataset.doi)
    attributes = datacite.build(dataset, ctx)
    files = {
        base + "index.md": landing.render(dataset, ctx),
        base + "datacite.json": dump_json(attributes),
        base + "datacite.xml": datacite.to_xml(attributes),
    }
    agreement = license_text.agreement(dataset, ctx)
    if agreement:
        files[base + landing.AGREEMENT_FILE] = agreement
    return files | {base + name: render(dataset, ctx) for name, render in DOWNLOADS.items()}


def hidden_paths(catalog: Catalog) -> set[str]:
    """Site paths of preview pages, to be kept out of the sitemap and the search index."""
    return {page_path(entry.dataset.doi) for entry in catalog.entries if entry.dataset.hidden}
