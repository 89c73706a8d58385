"""Each dataset's rendered files, kept between builds and reused while nothing they come from has changed.

A dataset's files (its landing page and the files beside it) are a pure function of the register's
code (and the packages it uses), its settings, the templates of the licenses it names, the validated record and the records it
links to or that link to it (render/related.linked). The cache key is a hash of all of these, so an edit to any of them
renders the dataset again; an entry is a JSON file in .cache/render/ (JSON, not pickle, so that a cache
restored from elsewhere can hold no code). Entries a build did not use are removed after it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from generator.model.record import Dataset
from generator.render import RenderContext, related
from generator.render.page import Page

PACKAGE = Path(__file__).resolve().parent.parent  # the generator package: its code, templates and assets
Files = dict[str, Page | str]


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code that renders: every file of the generator package, the Python version and every
    installed package's version (Markdown, Jinja, nh3 …), so that any change to them renders everything again."""
    digest = hashlib.sha256(sys.version.encode())
    for name, version in sorted((dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()):
        digest.update(f"{name}=={version}\0".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _folder_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class RenderCache:
    """The cache of one build: keys from the context, entries in `folder`."""

    def __init__(self, folder: Path, ctx: RenderContext) -> None:
        self.folder = folder
        self.ctx = ctx
        self.base = hashlib.sha256("\0".join([code_fingerprint(), repr(ctx.config)]).encode()).hexdigest()
        self.licenses: dict[str, str] = {}

    def _license(self, license_id: str) -> str:
        """A hash of one license's folder: its versions' templates and license.yaml."""
        if license_id not in self.licenses:
            self.licenses[license_id] = _folder_fingerprint(self.ctx.config.licenses_dir / license_id)
        return self.licenses[license_id]

    def key(self, dataset: Dataset) -> str:
        parts = [self.base, dataset.model_dump_json()]
        parts += [self._license(license.id) for license in dataset.licenses if license.id]
        parts += [other.model_dump_json() for other in related.linked(dataset, self.ctx)]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get(self, key: str) -> Files | None:
        """The files stored under `key`, or None (also for an entry that cannot be read)."""
        try:
            stored = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            return {path: Page(**{**item["page"], "search_terms": tuple(item["page"]["search_terms"])})
                    if "page" in item else item["text"] for path, item in stored.items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, key: str, files: Files) -> None:
        """Store the files under `key`; a cache that cannot be written only makes the next build slower."""
        stored = {path: {"page": dataclasses.asdict(content)} if isinstance(content, Page) else {"text": content}
                  for path, content in files.items()}
        temporary = self.folder / f"{key}.json.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
            temporary.replace(self.folder / f"{key}.json")  # whole or not at all, if a build is stopped midway
        except OSError:
            temporary.unlink(missing_ok=True)

    def keep_only(self, keys: Iterable[str]) -> None:
        """Remove the entries a build did not use, so that the cache holds one register's worth."""
        wanted = {f"{key}.json" for key in keys}
        for path in self.folder.glob("*.json") if self.folder.is_dir() else []:
            if path.name not in wanted:
                path.unlink(missing_ok=True)
