"""The MkDocs plugin: it validates the records and hands their files over.

Generated pages arrive as Page objects and are given to MkDocs as they are: their title and flags go
straight into page.meta and their HTML straight into page.content, so no record text is ever parsed
as front matter or Markdown. A dataset's page waits in the render cache (StoredPage) and its HTML is
read only while MkDocs writes that page, so memory does not grow with the register.
"""

from __future__ import annotations

import gc
import gzip
import logging
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.build import site, verify
from generator.build.render_cache import RenderMemo, StoredPage, StoredText
from generator.build.search_index import write_search_index
from generator.check import catalog as catalog_module
from generator.config import SiteConfig
from generator.errors import Problem, RecordErrors, RegisterError
from generator.model.licenses import load_library
from generator.paths import SEARCH_PAGE
from generator.render.page import Page as SitePage

if TYPE_CHECKING:  # the live-reload server (http.server, ssl, watchdog) is a fifth of the import: only `mkdocs serve` needs it
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.dataset-register")
THEME_OVERRIDES = Path(__file__).resolve().parent.parent / "templates" / "theme"


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
    health_categories = c.ListOfItems(c.Type(str), default=[])
    """EHDS health categories of the register's data for HealthDCAT-AP, e.g. [EHRS] (docs/dcat.md)."""
    applicable_legislation = c.ListOfItems(c.Type(str), default=[])
    """Legal acts that apply to the register's data, as ELI IRIs, for HealthDCAT-AP (docs/dcat.md)."""
    landing_url_slash = c.Type(bool, default=True)
    """Landing URLs end in "/"; false keeps the URLs a migrated register registered without one."""
    list_page_size = c.Type(int, default=200)
    """Datasets per page of the home list; the list's filters gather the other pages when used."""
    collections = c.Optional(c.Type(dict))
    """The collections records may name: {name: {title, description, url, access}} (docs/collection-settings.md)."""


class RegisterPlugin(BasePlugin[RegisterPluginConfig]):
    """Adds every dataset's landing page, the license pages and the home page to the site."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = SiteConfig.from_options(
            Path(config.config_file_path).resolve().parent, config.site_name, config.site_url, dict(self.config),
            dict(config.extra or {}),
        )
        if "search" in config.plugins or "material/search" in config.plugins:  # the theme renames it
            raise PluginError(
                "mkdocs.yml: remove 'search' from plugins: the register has its own search (Pagefind), which "
                "a visitor downloads only in the pieces a query needs, while MkDocs' search sends its whole "
                "index with every first page view")
        config.extra["register_search_page"] = SEARCH_PAGE  # where the header's search box sends a query
        if "attr_list" not in config.markdown_extensions:
            # The record-format page names its sections' anchors ("## Authors { #authors }"); without the
            # extension its headings would show them as text, and its links to them would lead nowhere.
            config.markdown_extensions.append("attr_list")
        config.theme.dirs.insert(0, str(THEME_OVERRIDES))
        config.extra_css.append("assets/register.css")
        config.extra_javascript.append("assets/register.js")
        return config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook keeps the plugin, and so its memory of checked records, across the rebuilds of `mkdocs serve`.
        self.serving = command == "serve"
        self.dirty = dirty
        self.memo = catalog_module.RecordMemo() if self.serving else None
        self.render_memo = RenderMemo() if self.serving else None
        self.indexed = False
        # What `mkdocs serve --dirty` keeps between rebuilds: the cache file of each dataset page the last
        # build wrote, the sitemap of the first build, and the theme's compiled templates.
        self.pages_written: dict[str, StoredPage] = {}
        self.sitemap: dict[str, bytes] = {}
        self.templates = _CompiledTemplates() if self.serving else None

    def on_pre_build(self, config: MkDocsConfig) -> None:
        # Validate before MkDocs cleans site/, so that bad records leave the last good site in place.
        self.problems: list[Problem] = []
        # Under `mkdocs serve`, the check and the tree make many short-lived objects while Python's cycle collector
        # would walk every object the process holds, several times: at 5,000 datasets that was a third of a rebuild.
        # It is off until they are done, and collects their few cycles after. (`mkdocs build` keeps it on: its
        # first build of thousands of records would hold some 100 MB of such cycles meanwhile.)
        collecting = gc.isenabled()
        if getattr(self, "serving", False):
            gc.disable()
        try:
            catalog = verify.load_catalog(self.settings, getattr(self, "memo", None))
            self.tree = site.build_tree(catalog, getattr(self, "render_memo", None))
        except RecordErrors as error:
            if not getattr(self, "serving", False):
                raise PluginError(error.format_message()) from None
            # While serving, a failed build would leave the server waiting for a good one and every
            # request hanging: the site becomes an error page instead, and comes back once fixed.
            log.error(error.format_message())
            self.problems = error.problems
            catalog = catalog_module.Catalog(self.settings, [], load_library(self.settings.licenses_dir))
            self.tree = {}
        finally:
            if collecting:
                gc.enable()
        # The files beside each landing page (metadata, citations, images) are linked or copied by the plugin
        # itself (on_post_build, site.write_files): MkDocs' bookkeeping of some ten files per dataset would cost more than the copying,
        # and no hand-written page links to one dataset's files, which is what MkDocs would check.
        beside = site.files_beside_pages(catalog)
        self.copied = {path: content for path, content in self.tree.items() if path in beside}
        self.hidden = site.hidden_paths(catalog)
        # Nothing after this reads the records, so the plugin does not keep them: they would be held while MkDocs
        # makes its pages (some 220 MB at 20,000 records). Under `mkdocs serve`, the record memo keeps them for the next build.

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # Files rebuilds its lookup table after every append, so look up in a set made once.
        existing = {file.src_uri for file in files}
        # Under `mkdocs serve --dirty`, a dataset's page still in the cache file the last build wrote it from is
        # left out: MkDocs would not write it again, and its File, Page and canonical URL cost it more, at
        # 5,000 datasets, than the rebuild of what changed. The site keeps the page from that build.
        # A page counts as written once the build is done (on_post_build), and a page given to MkDocs is no longer
        # known as the last build wrote it: a build that fails midway may have written it, so whatever the next
        # build makes of it (the page of before, after an edit was undone), that build gives it again.
        written_before = getattr(self, "pages_written", {}) if getattr(self, "serving", False) and getattr(self, "dirty", False) else {}
        self.pages_given: dict[str, StoredPage] = {}
        self.left_out = 0
        for path, content in self.tree.items():
            if path in existing:
                raise PluginError(f"docs/{path} would be replaced by a generated page; rename or remove it")
            if path in self.copied:
                continue
            if isinstance(content, StoredPage):
                self.pages_given[path] = content
                known = written_before.get(path)
                if known is content or known == content:  # from the same cache file (`is`: the memo's own entry)
                    self.left_out += 1
                    continue
                written_before.pop(path, None)
            # Dataset and license pages stay out of the navigation: a navigation with every page
            # in it is rendered into every page, which makes the build grow with the square of the count.
            inclusion = InclusionLevel.INCLUDED if path == "index.md" else InclusionLevel.NOT_IN_NAV
            if isinstance(content, Path | StoredText | StoredPage):
                # Copied from where it lies (a stored page is read by the hooks below); its time of change
                # is what `mkdocs serve --dirty` compares, so a page rendered again is the one rebuilt.
                source = content if isinstance(content, Path) else content.file
                files.append(File.generated(config, path, abs_src_path=str(source), inclusion=inclusion))
            else:
                # A Page's file has no text: MkDocs reads the page from the object, in the hooks below.
                text = "" if isinstance(content, SitePage) else content
                files.append(File.generated(config, path, content=text, inclusion=inclusion))
        return files

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # MkDocs makes a new environment for each build; under `mkdocs serve` the theme's templates compile once.
        if getattr(self, "templates", None) is not None:
            env.bytecode_cache = self.templates
        return env

    def _generated_page(self, page: Page) -> SitePage | StoredPage | None:
        content = self.tree.get(page.file.src_uri) if page.file.generated_by is not None else None
        return content if isinstance(content, SitePage | StoredPage) else None

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        return "" if self._generated_page(page) else None

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        generated = self._generated_page(page)
        if generated is None:
            return markdown
        # Themes print page.title and the description into HTML unescaped, so they are escaped here, once.
        meta: dict[str, Any] = {"title": str(escape(generated.title))}
        if generated.description:
            meta["description"] = str(escape(generated.description))
        if generated.noindex:
            meta["robots"] = "noindex, nofollow"
        if generated.noindex or generated.search_exclude:
            meta["register_search_exclude"] = True  # the theme leaves the page unmarked for Pagefind
        elif generated.search_terms:
            meta["register_search_terms"] = str(escape(" ".join(generated.search_terms)))
        page.meta = meta
        if generated.updated:
            page.update_date = generated.updated  # the sitemap's lastmod: the record's date, not the build's
        # The body is finished HTML: Python-Markdown gets nothing to do, and the HTML comes in on_page_context.
        return ""

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        generated = self._generated_page(page)
        if generated is not None:  # MkDocs reads every page before writing any: the HTML is fetched only now
            finished = generated.load() if isinstance(generated, StoredPage) else generated
            page.content = finished.body
            if finished.head:
                page.meta["register_head"] = finished.head
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self._generated_page(page) is not None:
            page.content = None  # written: let the HTML go
            page.meta.pop("register_head", None)
        return output

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        # MkDocs polls what it watches twice a second. At 5,000 records the polling took a fifth of a core while
        # idle and, competing with the rebuild for the interpreter, made each rebuild half as slow again. So the
        # system's own notices of changes (watchdog's native observer) watch the records and licenses, and touch
        # one small file that MkDocs polls instead; where the system offers none, MkDocs polls the folders.
        folders = [self.settings.datasets_dir, self.settings.licenses_dir]
        changed = self.settings.cache_dir / "serve" / "changed"
        try:
            self.watcher = _watch_natively(folders, changed)
        except OSError as error:
            log.info(f"Watching the records by polling ({error})")
            for folder in folders:
                server.watch(str(folder))
        else:
            server.watch(str(changed))
        return server

    def on_shutdown(self) -> None:
        watcher = getattr(self, "watcher", None)
        if watcher is not None:
            watcher.stop()

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.problems:
            _show_problems(Path(config.site_dir), self.problems)
            self.pages_written = {}  # every page now shows the problems: the next build gives all of them to MkDocs
            return
        # Under `mkdocs serve --dirty`, a file still linked to the same cache file as after the last build is left alone.
        self.linked = site.write_files(self.copied, Path(config.site_dir), only_changed=getattr(self, "dirty", False),
                                       previous=getattr(self, "linked", None) if getattr(self, "serving", False) else None)
        if self.hidden:
            _drop_hidden(Path(config.site_dir), self.hidden)
        if getattr(self, "left_out", 0):  # MkDocs' sitemap lists only the pages it was given: the first build's stays
            _restore(Path(config.site_dir), self.sitemap)
        elif getattr(self, "serving", False):
            self.sitemap = _saved(Path(config.site_dir), ("sitemap.xml", "sitemap.xml.gz"))
        self.pages_written = getattr(self, "pages_given", {})
        if getattr(self, "dirty", False) and self.indexed:
            # `mkdocs serve --dirty` keeps the site between rebuilds, and its search index with it: indexing
            # every page again would take longer than the rebuild. `mkdocs build` always indexes the whole site.
            log.info("The search index is kept from the first build while serving with --dirty")
            return
        try:
            write_search_index(Path(config.site_dir))
            self.indexed = True
        except RegisterError as error:
            raise PluginError(error.format_message()) from None


def _show_problems(site_dir: Path, problems: list[Problem]) -> None:
    """Every page of the served site (and its 404 page) lists the problems, each at its file and line."""
    items = "".join(f"<li><code>{escape(f'{p.path}:{p.line}:{p.column}')}</code> <strong>{escape(p.key)}</strong>: "
                    f"{escape(p.message)}</li>" for p in problems)
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>The register has problems</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>"
            "<body style=\"font-family: sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5\">"
            f"<h1>The register has {count}</h1>"
            "<p>Fix them in the files named below. This page reloads by itself once they are saved and the site "
            f"builds again.</p><ul>{items}</ul></body></html>\n")
    for html in {*site_dir.rglob("*.html"), site_dir / "index.html", site_dir / "404.html"}:
        html.write_text(page, encoding="utf-8")
        # Dated to 1970, so that the next build (also under `mkdocs serve --dirty`) sees every page as out of date.
        os.utime(html, (0, 0))


def _watch_natively(folders: list[Path], changed: Path) -> Any:
    """A started watchdog observer that rewrites the file `changed` whenever a file in `folders` is made, changed,
    moved or deleted, or a folder made, moved or deleted (a file only read, as each build reads the records, is
    no change). OSError where the system offers no change notices: watchdog would poll instead, as MkDocs does."""
    # Imported here: only `mkdocs serve` watches.
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    def touch() -> None:
        try:
            changed.parent.mkdir(parents=True, exist_ok=True)  # .cache/ may be deleted while serving
            changed.write_text(str(time.time_ns()), encoding="utf-8")
        except OSError as error:  # the watcher's thread must not end: no rebuild would follow any edit
            log.warning(f"A change to the records could not be signalled to MkDocs: {error}")

    class Changed(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in {"created", "moved", "deleted"} or (event.event_type == "modified" and not event.is_directory):
                touch()

    changed.parent.mkdir(parents=True, exist_ok=True)
    changed.write_text(str(time.time_ns()), encoding="utf-8")
    observer = Observer()
    if isinstance(observer, PollingObserver):
        raise OSError("this system offers no notices of changed files")
    observer.daemon = True  # the server's end ends it too
    try:
        for folder in folders:
            if folder.is_dir():
                observer.schedule(Changed(), str(folder), recursive=True)
        observer.start()
    except OSError:
        observer.stop()  # the folders watched already (macOS' kqueue opens a handle per file, and can run out)
        raise
    return observer


def _saved(site_dir: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    return {name: (site_dir / name).read_bytes() for name in names if (site_dir / name).is_file()}


def _restore(site_dir: Path, saved: dict[str, bytes]) -> None:
    for name, content in saved.items():
        (site_dir / name).write_bytes(content)


class _CompiledTemplates(BytecodeCache):
    """The theme's templates compiled by the first build of `mkdocs serve`, for the later ones; Jinja
    compares each template's source with the one compiled, so an edited template compiles again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _drop_hidden(site_dir: Path, hidden: set[str]) -> None:
    """Remove preview pages and redirects from the sitemap; their pages stay reachable by URL (the theme keeps them out of search)."""
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
