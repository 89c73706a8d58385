"""The MkDocs plugin: the only module that imports MkDocs. It validates the records and hands their files over."""

from __future__ import annotations

import gzip
import json
import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator import catalog as catalog_module
from generator import site
from generator.config import SiteConfig
from generator.errors import RecordErrors

log = logging.getLogger("mkdocs.plugins.dataset-register")
THEME_OVERRIDES = Path(__file__).resolve().parent / "templates" / "theme"


class RegisterPluginConfig(Config):
    """Options of `dataset-register` in mkdocs.yml."""

    doi_prefix = c.Optional(c.Type(str))
    """The register's DOI prefix, e.g. "10.23698"; records may then give only the DOI suffix."""
    publisher = c.Optional(c.Type(str))
    """Publisher named in citations and DataCite metadata; site_name when left out."""
    datasets_dir = c.Type(str, default="datasets")
    """Folder of the dataset records, relative to mkdocs.yml."""
    licenses_dir = c.Type(str, default="licenses")
    """Folder of the license templates, relative to mkdocs.yml."""
    allowed_hosts = c.ListOfItems(c.Type(str), default=[])
    """Hosts DataCite accepts landing pages on (the repository's Domains); site_url's host when empty."""
    license_versions = c.Type(dict, default={})
    """The version of each license a new record gets, e.g. {aida-by: "1.1"}; a license not named: its newest."""
    themes = c.ListOfItems(c.Type(str), default=[])
    """EU data themes of the register for the DCAT catalog, e.g. [HEAL] for health."""


class RegisterPlugin(BasePlugin[RegisterPluginConfig]):
    """Adds every dataset's landing page, the license pages and the home page to the site."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = SiteConfig.from_options(
            Path(config.config_file_path).resolve().parent, config.site_name, config.site_url, dict(self.config)
        )
        config.theme.dirs.insert(0, str(THEME_OVERRIDES))
        self._html: dict[str, str] = {}
        config.extra_css.append("assets/register.css")
        config.extra_javascript.append("assets/register.js")
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        # Validate before MkDocs cleans site/, so that bad records leave the last good site in place.
        try:
            self.catalog = catalog_module.load_catalog(self.settings)
            self.tree = site.build_tree(self.catalog)
        except RecordErrors as error:
            raise PluginError(error.format_message()) from None

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # Files rebuilds its lookup table after every append, so look up in a set made once.
        existing = {file.src_uri for file in files}
        for path, content in self.tree.items():
            if path in existing:
                raise PluginError(f"docs/{path} would be replaced by a generated page; rename or remove it")
            # Dataset and license pages stay out of the navigation: a navigation with every page
            # in it is rendered into every page, which makes the build grow with the square of the count.
            inclusion = InclusionLevel.INCLUDED if path == "index.md" else InclusionLevel.NOT_IN_NAV
            if isinstance(content, Path):
                files.append(File.generated(config, path, abs_src_path=str(content), inclusion=inclusion))
            else:
                files.append(File.generated(config, path, content=content, inclusion=inclusion))
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        # A generated page's body is finished HTML: Python-Markdown would only pass it through,
        # at about 1.7 ms a page, so it gets an empty text and the HTML comes back in on_page_content.
        uri = page.file.src_uri
        if page.file.generated_by is not None and uri in self.tree and uri not in site.MARKDOWN_PAGES:
            self._html[uri] = markdown
            return ""
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._html.pop(page.file.src_uri, html)

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(str(self.settings.datasets_dir))
        server.watch(str(self.settings.licenses_dir))
        return server

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        hidden = site.hidden_paths(self.catalog)
        if hidden:
            _drop_hidden(Path(config.site_dir), hidden)


def _drop_hidden(site_dir: Path, hidden: set[str]) -> None:
    """Remove preview pages from the sitemap and the search index; their pages stay reachable by URL."""
    sitemap = site_dir / "sitemap.xml"
    if sitemap.is_file():
        text = sitemap.read_text(encoding="utf-8")
        kept = re.sub(
            r"\s*<url>\s*<loc>[^<]*?/(" + "|".join(re.escape(path) for path in hidden) + r")</loc>.*?</url>",
            "", text, flags=re.DOTALL,
        )
        sitemap.write_text(kept, encoding="utf-8")
        with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as compressed:
            compressed.write(kept.encode("utf-8"))
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        data["docs"] = [doc for doc in data["docs"] if not any(doc["location"].startswith(p) for p in hidden)]
        index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
