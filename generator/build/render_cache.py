"""Each dataset's rendered files, kept between builds and reused while nothing they come from has changed.

A dataset's files (its landing page, the files beside it and its parts of the register-wide files) are a pure function of the register's
code (and the packages it uses), its settings, the templates of the licenses it names, the validated record and the records it
links to or that link to it (render/related.linked). The cache key is a hash of all of these, so an edit to any of them
renders the dataset again. Entries a build did not use are removed after it.

The cache is also where a build puts what it renders: an entry is a folder in .cache/render/ holding each
file as it will be published (a page as JSON: data, not pickle, so that a cache restored from elsewhere can
hold no code), and the build keeps only references to them (StoredPage, StoredText), so the rendered
register is never in memory at once. A file's modification time says when it was last rendered, which is
what `mkdocs serve --dirty` compares to rebuild only the pages that changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from generator.fingerprints import code_fingerprint, folder_fingerprint
from generator.model.record import Dataset
from generator.render import RenderContext, related
from generator.render.page import Page


# A build holds one of these for each file of each dataset (300,000 at 20,000 datasets): slots, and the
# folder of the entry as one string shared by its files, where a Path for each cost some 60 MB there.
@dataclass(frozen=True, slots=True)
class StoredText:
    """A rendered text file in the cache, copied into the site as it is."""

    folder: str
    name: str

    @property
    def file(self) -> str:
        return os.path.join(self.folder, self.name)

    def load(self) -> str:
        with open(self.file, "rb") as stream:
            return stream.read().decode("utf-8")  # as written: RIS ends its lines in CR LF


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A rendered page in the cache: the fields the site builder needs first in memory, its head and body in `file`."""

    folder: str
    name: str
    title: str
    description: str
    noindex: bool
    search_exclude: bool
    search_terms: tuple[str, ...]
    updated: str

    @property
    def file(self) -> str:
        return os.path.join(self.folder, self.name)

    def load(self) -> Page:
        with open(self.file, encoding="utf-8") as stream:
            parts = json.load(stream)
        return Page(title=self.title, body=parts["body"], description=self.description, head=parts["head"],
                    noindex=self.noindex, search_exclude=self.search_exclude, search_terms=self.search_terms,
                    updated=self.updated)


Rendered = dict[str, Page | str]
Stored = dict[str, StoredPage | StoredText]


class RenderMemo:
    """What the builds of one `mkdocs serve` have already worked out, so that a rebuild after one edit costs
    little more than that record: each dataset's key, while it and the records it links to are the very
    objects of the last build (the check's RecordMemo hands back the same objects for unchanged records)
    and the code, settings and licenses are the same; each entry already read; and the text of each cached
    file the build joins into a register-wide file. An entry's files never change once it is stored (it is
    named by the hash of what they come from, and replaced whole), so a text read once stays true, and so does
    what was decoded from it (the facets of a dataset's card, its blocks of catalog.ttl). Also the site
    paths found plain already, which a rebuild need not check again."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[Dataset, list[Dataset], list[str], str]] = {}
        self.entries: dict[str, tuple[tuple[int, int], Stored]] = {}  # with the entry's times of change (_changed)
        self.parts: dict[StoredText, object] = {}  # each file read for a register-wide file, as it was decoded
        self.used: set[str] = set()  # the folders of the entries the last build used (RenderCache.keep_only)
        self.paths: set[str] = set()  # each site path found plain (paths.checked) by an earlier build


class RenderCache:
    """The cache of one build: keys from the context, entries in `folder`."""

    def __init__(self, folder: Path, ctx: RenderContext, memo: RenderMemo | None = None) -> None:
        self.folder = folder
        self.folder_name = str(folder)
        self.ctx = ctx
        self.memo = memo
        self.base = hashlib.sha256("\0".join([code_fingerprint(), repr(ctx.config)]).encode()).hexdigest()
        self.licenses: dict[str, str] = {}

    def _license(self, license_id: str) -> str:
        """A hash of one license's folder: its versions' templates and license.yaml."""
        if license_id not in self.licenses:
            self.licenses[license_id] = folder_fingerprint(self.ctx.config.licenses_dir / license_id)
        return self.licenses[license_id]

    def key(self, dataset: Dataset) -> str:
        linked = related.linked(dataset, self.ctx)
        fingerprints = [self.base, *(self._license(license.id) for license in dataset.licenses if license.id)]
        known = self.memo.keys.get(dataset.doi) if self.memo else None
        if (known and known[0] is dataset and len(known[1]) == len(linked)
                and all(a is b for a, b in zip(known[1], linked, strict=True)) and known[2] == fingerprints):
            return known[3]
        parts = [fingerprints[0], dataset.model_dump_json(), *fingerprints[1:]]
        parts += [other.model_dump_json() for other in linked]
        key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        if self.memo is not None:
            self.memo.keys[dataset.doi] = (dataset, linked, fingerprints, key)
        return key

    def get(self, key: str) -> Stored | None:
        """The files stored under `key`, or None (also for an entry that cannot be read)."""
        signature = _changed(os.path.join(self.folder_name, key))  # a string: 5,000 Paths cost a serve rebuild 0.1 s
        known = self.memo.entries.get(key) if self.memo else None
        if known and known[0] == signature:
            return known[1]
        stored = self._read(key)
        if self.memo is not None and stored is not None:
            self.memo.entries[key] = (signature, stored)
        return stored

    def remember(self, key: str, files: Stored | Rendered) -> None:
        """Under `mkdocs serve`, an entry this build has just stored: the next build takes it from the memo
        instead of reading it back (the first rebuild read every manifest again, 1.3 s at 5,000 datasets)."""
        signature = _changed(os.path.join(self.folder_name, key))
        if self.memo is not None and -1 not in signature and all(isinstance(content, StoredPage | StoredText) for content in files.values()):
            self.memo.entries[key] = (signature, cast(Stored, files))

    def _read(self, key: str) -> Stored | None:
        entry = str(self.folder / key)
        try:
            with open(os.path.join(entry, MANIFEST), encoding="utf-8") as stream:
                manifest = json.load(stream)
            stored: Stored = {}
            for path, item in manifest.items():
                name = item["file"]
                if not os.path.isfile(os.path.join(entry, name)):
                    return None
                stored[path] = (StoredPage(entry, name, **{**item["page"], "search_terms": tuple(item["page"]["search_terms"])})
                                if "page" in item else StoredText(entry, name))
            return stored
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def keep_only(self, keys: Iterable[str]) -> None:
        """Remove the entries a build did not use (and any left half-written), so that the cache holds one register's worth."""
        wanted = set(keys)
        if self.memo is not None:
            self.memo.entries = {key: stored for key, stored in self.memo.entries.items() if key in wanted}
            # The parts read are all of entries the last build used: those of its entries this build does not use go.
            used = {os.path.join(self.folder_name, key) for key in wanted}
            gone = self.memo.used - used
            if gone:
                self.memo.parts = {stored: value for stored, value in self.memo.parts.items() if stored.folder not in gone}
            self.memo.used = used
        for path in self.folder.iterdir() if self.folder.is_dir() else []:
            if path.name not in wanted:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def store(folder: Path, key: str, files: Rendered) -> Stored | Rendered:
    """Store the files under `key` in the cache `folder` and return references to them; a cache that cannot be
    written only costs memory and the next build's time, so then the files themselves come back. A function of
    its own, so that the workers rendering for a build (generator/parallel.py) are sent no RenderCache (or its memo)."""
    entry, temporary = folder / key, folder / f"{key}.tmp{os.getpid()}"
    entry_folder = str(entry)
    manifest: dict[str, dict[str, object]] = {}
    stored: Stored = {}
    try:
        temporary.mkdir(parents=True, exist_ok=True)
        for number, (path, content) in enumerate(files.items()):
            name = str(number)
            if isinstance(content, Page):
                fields = dataclasses.asdict(content)
                parts = {"head": fields.pop("head"), "body": fields.pop("body")}
                (temporary / name).write_text(json.dumps(parts, ensure_ascii=False), encoding="utf-8")
                manifest[path] = {"file": name, "page": fields}
                stored[path] = StoredPage(entry_folder, name, **fields)
            else:
                (temporary / name).write_bytes(content.encode("utf-8"))
                manifest[path] = {"file": name}
                stored[path] = StoredText(entry_folder, name)
        (temporary / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(entry, ignore_errors=True)  # an entry that could not be read
        try:
            temporary.rename(entry)  # whole or not at all, if a build is stopped midway
        except OSError:  # another build stored the same files meanwhile
            shutil.rmtree(temporary)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return files
    return stored


MANIFEST = "manifest.json"


def _changed(entry: str) -> tuple[int, int]:
    """When an entry's folder and its manifest last changed (-1 where missing). An entry is made whole and put in
    place, never changed in place: a file of it deleted changes the folder's time, a damaged manifest its own."""
    times = []
    for path in (entry, os.path.join(entry, MANIFEST)):
        try:
            times.append(os.stat(path).st_mtime_ns)
        except OSError:
            times.append(-1)
    return times[0], times[1]
