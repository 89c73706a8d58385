"""The register's pages as a virtual tree of files, independent of the site builder; its paths come from generator.paths."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar, cast

from markupsafe import escape

from generator.build.render_cache import RenderCache, Rendered, RenderMemo, Stored, StoredPage, StoredText, store
from generator.build.thumbnails import thumbnail
from generator.check.catalog import Catalog
from generator.model.record import Dataset
from generator.parallel import fork_map
from generator.paths import (
    AGREEMENT_FILE,
    PARTS,
    SEARCH_PAGE,
    api_path,
    checked,
    image_path,
    landing_url,
    page_path,
    part_path,
    root_from,
    thumbnail_path,
)
from generator.render import (
    RenderContext,
    api,
    dcat,
    dump_json,
    home,
    landing,
    license_page,
    license_text,
    list_entry,
    overview,
    reference,
    search,
)
from generator.render.formats import OUTPUTS, dataset_outputs
from generator.render.license_text import license_page_path
from generator.render.page import Page
from generator.render.schema import record_schema

# A finished HTML page; text to write (Markdown only for the record-format and contributor pages); a file to copy;
# a page or text file in the render cache (its load() reads it back).
Content = Page | str | Path | StoredPage | StoredText
ASSETS = Path(__file__).resolve().parent.parent / "assets"
T = TypeVar("T")


def context(catalog: Catalog) -> RenderContext:
    return RenderContext(catalog.config, catalog.licenses, {entry.dataset.doi: entry.dataset for entry in catalog.entries})


class _Tree(dict[str, Content]):
    """Refuses a path outside the site, or one written twice.

    `register check` reports both as located errors (catalog's output-path check), so for a checked
    register neither can happen: this is the proof, not the message.
    """

    def __init__(self, known: set[str] | None = None) -> None:
        super().__init__()
        self.known = known  # under `mkdocs serve`, the paths an earlier build checked already (RenderMemo.paths)

    def __setitem__(self, path: str, content: Content) -> None:
        if path in self:
            raise ValueError(f"two outputs claim the site path {path}")
        if self.known is None or path not in self.known:
            checked(path)
            if self.known is not None:
                self.known.add(path)
        super().__setitem__(path, content)


def build_tree(catalog: Catalog, memo: RenderMemo | None = None) -> dict[str, Content]:
    """Every generated file of the site, keyed by its path relative to the docs folder (`memo`: see RenderMemo)."""
    ctx = context(catalog)
    tree = _Tree(memo.paths if memo else None)
    rendered = _dataset_files_cached(catalog, ctx, memo)
    # Each dataset's parts of the register-wide files (the list's cards, the catalogs), joined below.
    parts = {path: content for files in rendered for path, content in files.items() if path.startswith(PARTS)}
    public = [entry.dataset for entry in catalog.public]
    for path, page in _home_pages(public, ctx, parts, memo).items():
        tree[path] = page
    for files in rendered:
        for path, content in files.items():
            if not path.startswith(PARTS):
                tree[path] = content
    thumbnails = catalog.config.cache_dir / "thumbnails"
    for entry in catalog.entries:
        for image in entry.dataset.images:
            tree[image_path(entry.dataset.doi, image.file)] = entry.doc.path.parent / image.file
        if entry.dataset.images:
            first = entry.doc.path.parent / entry.dataset.images[0].file
            tree[thumbnail_path(entry.dataset.doi)] = thumbnail(first, thumbnails)
    staging = catalog.config.cache_dir / "register"
    records = sorted(public, key=lambda dataset: dataset.doi)
    tree["api/v1/datasets.json"] = _staged(staging, "datasets.json", lambda: api.datasets_chunks(
        (_decoded(tree[api_path(dataset.doi)], memo, list_entry) for dataset in records), len(records), ctx))
    tree["api/v1/schema.json"] = api.schema()
    frame = dcat.catalog_frame(public, ctx)
    tree["catalog.jsonld"] = _staged(staging, "catalog.jsonld", lambda: dcat.catalog_jsonld_joined(
        frame, (_decoded(parts[part_path(dataset.doi, "catalog.jsonld")], memo, list_entry) for dataset in records), len(records)))
    tree["catalog.ttl"] = _staged(staging, "catalog.ttl", lambda: dcat.catalog_turtle_joined(
        frame, records, (_decoded(parts[part_path(dataset.doi, "catalog.ttl.json")], memo, dcat.turtle_part)
                         for dataset in records)))
    tree["feed.xml"] = api.atom(public, ctx)
    tree["robots.txt"] = api.robots(ctx)
    tree["metrics/index.md"] = overview.metrics(public)
    tree[SEARCH_PAGE + "index.md"] = search.page()
    for path, page in overview.collections(public, catalog.config).items():
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


def _home_pages(public: list[Dataset], ctx: RenderContext, parts: Mapping[str, Content], memo: RenderMemo | None) -> dict[str, Page]:
    """The home list's pages, joined from each dataset's card and facets as the list asks for them: read
    one at a time from the render cache, not held all at once (at 20,000 datasets some 60 MB at the peak)."""
    dois = [dataset.doi for dataset in public]
    cards = _Parts(dois, lambda doi: _text(parts[part_path(doi, "home-card.html")], memo))
    facets = _Parts(dois, lambda doi: _decoded(parts[part_path(doi, "facets.json")], memo, json.loads))
    return home.render(public, ctx, cards, facets)


class _Parts(Mapping[str, T]):
    """Each dataset's part of a register-wide file by DOI, read when asked for."""

    def __init__(self, dois: list[str], read: Callable[[str], T]) -> None:
        self.dois, self.read = dois, read

    def __getitem__(self, doi: str) -> T:
        return self.read(doi)

    def __iter__(self) -> Iterator[str]:
        return iter(self.dois)

    def __len__(self) -> int:
        return len(self.dois)


def files_beside_pages(catalog: Catalog) -> set[str]:
    """The paths of every dataset's files that are not pages: its metadata, citations, agreement, images, API file."""
    return {path for entry in catalog.entries for path, _, _ in dataset_outputs(entry.dataset)
            if not path.endswith(".html")}


def write_files(files: dict[str, Content], site_dir: Path, *, only_changed: bool = False,
                previous: dict[str, StoredText] | None = None) -> dict[str, StoredText]:
    """Write files that are not pages into the built site: linked to the render cache, copied, or written from text.

    A file of the render cache is hard-linked where the file system allows it (the same disk), else copied:
    a link costs one system call where a copy opens two files, and the register has some ten of these files
    per dataset. A cache entry is never rewritten in place (it is replaced whole), so a link never changes
    under the site; an image is copied, as its contributor may edit it. With `only_changed` (`mkdocs serve
    --dirty`), a file is written only where its source is newer, as MkDocs decides for its own files, and
    not at all where `previous` (what the last call returned) says it is linked to the same cache file
    already; text held in memory is always written. Returns the cache file each path is linked to.
    """
    linked: dict[str, StoredText] = {}
    folders: set[Path] = set()
    for path, content in files.items():
        if isinstance(content, Page | StoredPage):
            raise ValueError(f"{path} is a page: MkDocs writes pages")
        if isinstance(content, StoredText):
            linked[path] = content
        known = previous.get(path) if only_changed and previous is not None else None
        if known is not None and (known is content or known == content):  # `is`: the memo's own entry
            continue  # linked to this very cache file by the last build (checked before joining its path: 50,000 at 5,000 datasets)
        source = content.file if isinstance(content, StoredText) else content if isinstance(content, Path) else None
        target = site_dir / path
        if (known is None and source is not None and only_changed and target.exists()
                and target.stat().st_mtime >= os.stat(source).st_mtime):
            continue
        if target.parent not in folders:  # a dataset's files share its folder: made once
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.unlink(missing_ok=True)  # never write through an earlier link into its source
        if source is None:
            target.write_bytes(str(content).encode("utf-8"))
        elif isinstance(content, StoredText):
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        else:
            shutil.copyfile(source, target)
    return linked


def _text(content: Content, memo: RenderMemo | None) -> str:
    """A dataset's part as text (its card of the home list), read from the render cache once per `mkdocs serve` (see RenderMemo)."""
    return _decoded(content, memo, str)


def _decoded(content: Content, memo: RenderMemo | None, decode: Callable[[str], T]) -> T:
    """A dataset's API file or part as `decode` makes it of its text, once per `mkdocs serve` (see RenderMemo);
    each file is read one way only (text, facets, Turtle blocks, a list's entry), so the memo keeps one value per file."""
    if not isinstance(content, StoredText):
        assert isinstance(content, str), "a dataset's API file and its parts are text"
        return decode(content)
    if memo is None:
        return decode(content.load())
    if content not in memo.parts:
        memo.parts[content] = decode(content.load())
    return cast(T, memo.parts[content])


def _staged(folder: Path, name: str, chunks: Callable[[], Iterable[str]]) -> StoredText | str:
    """A register-wide file that grows with the register, written to disk piece by piece and copied from there:
    held as one string, with the pieces it is joined from, it would be the build's largest use of memory.
    Where the folder cannot be written, the file is kept in memory after all.

    The file is written beside and then put in place whole, so that another build copying it meanwhile (a
    `mkdocs build` beside `mkdocs serve`) copies the file before or the file after, never half of one.
    """
    target, temporary = folder / name, folder / f"{name}.tmp{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding="utf-8", newline="") as stream:
            stream.writelines(chunks())
        temporary.replace(target)
        return StoredText(str(folder), name)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return "".join(chunks())


def loaded(tree: dict[str, Content]) -> dict[str, Page | str | Path]:
    """The tree with every file stored in the render cache read back; for tests and tools: a build reads them one at a time."""
    return {path: content.load() if isinstance(content, StoredPage | StoredText) else content for path, content in tree.items()}


def _dataset_files_cached(catalog: Catalog, ctx: RenderContext, memo: RenderMemo | None) -> list[Stored | Rendered]:
    """Every dataset's files, in catalog order: from the render cache where nothing they come from changed.

    The rest are rendered on all cores, and each worker stores its files in the cache as it goes and
    sends back only references to them, so the rendered register is never held in memory at once.
    """
    cache = RenderCache(catalog.config.cache_dir / "render", ctx, memo)
    keys = [cache.key(entry.dataset) for entry in catalog.entries]
    found: list[Stored | Rendered | None] = [cache.get(key) for key in keys]
    missing = [index for index, files in enumerate(found) if files is None]
    jobs = [(keys[index], catalog.entries[index].dataset) for index in missing]
    rendered = fork_map(functools.partial(_rendered_and_stored, cache.folder, ctx), jobs)
    for index, files in zip(missing, rendered, strict=True):
        found[index] = files
        cache.remember(keys[index], files)
    cache.keep_only(keys)
    return [files for files in found if files is not None]


def _rendered_and_stored(folder: Path, ctx: RenderContext, job: tuple[str, Dataset]) -> Stored | Rendered:
    """One dataset's files, rendered and stored in the render cache under its key (a worker's job: see fork_map)."""
    key, dataset = job
    return store(folder, key, dataset_files(dataset, ctx))


def dataset_files(dataset: Dataset, ctx: RenderContext) -> Rendered:
    """The generated files of one dataset: its landing page, and its metadata and citations beside it.

    Rendering is most of the register's share of a build, so build_tree spreads it over the cores.
    """
    base = page_path(dataset.doi)
    files: dict[str, Page | str] = {base + "index.md": landing.render(dataset, ctx)}
    agreement = license_text.agreement(dataset, ctx)
    if agreement:
        files[base + AGREEMENT_FILE] = agreement
    if not dataset.hidden:  # previews are in none of the API's files and not in the catalog
        files[api_path(dataset.doi)] = dump_json(api.record(dataset, ctx))
        files |= {part_path(dataset.doi, name): text for name, text in dcat.catalog_parts(dataset, ctx).items()}
        facets = home.facet_values(dataset, ctx)
        files[part_path(dataset.doi, "facets.json")] = json.dumps(facets, ensure_ascii=False)
        files[part_path(dataset.doi, "home-card.html")] = home.card(dataset, ctx, facets)
    return files | redirects(dataset, ctx) | {base + output.name: output.render(dataset, ctx) for output in OUTPUTS}


def redirects(dataset: Dataset, ctx: RenderContext) -> dict[str, Page | str]:
    """A page at each of the record's old_paths that sends the reader on to its landing page.

    An earlier site may have shown a dataset at another path than its DOI (a renamed file, a typo
    in the old URL); links and bookmarks to that path keep working, and search engines are told
    where the page now is.
    """
    pages: dict[str, Page | str] = {}
    for old in dataset.old_paths:
        target = landing_url(ctx.config, dataset.doi)
        link = escape(root_from(old + "/") + page_path(dataset.doi))
        pages[old + "/index.md"] = Page(
            title=dataset.title, noindex=True, search_exclude=True,
            head=f'<meta http-equiv="refresh" content="0; url={link}">\n<link rel="canonical" href="{escape(target)}">',
            body=f'<p>This dataset has moved to <a href="{link}">{escape(target)}</a>.</p>\n')
    return pages


def hidden_paths(catalog: Catalog) -> set[str]:
    """Site paths of preview pages and redirects, to be kept out of the sitemap (the theme keeps them out of search)."""
    previews = {page_path(entry.dataset.doi) for entry in catalog.entries if entry.dataset.hidden}
    return previews | {old + "/" for entry in catalog.entries for old in entry.dataset.old_paths}
