"""Each record's own checks, kept on disk between runs, so that `register check`, a build and a DOI command
check again only the records that changed since the last run.

A record's own checks (check/catalog._check_record) are a pure function of its bytes, the path it is
shown under, the images it names, the license folder, the settings and the register's code. The key of
an entry is a hash of all of these but the images, which are only known once the record is read: an
entry lists each image with a hash of its bytes, and is used only while every one still matches. The
rules across records always run again.

Only records whose own checks found no problem are kept: a record with problems is checked again on
every run, as a person is fixing it. An entry is JSON (the validated record as pydantic writes it, and
the places of the values that later rules report at), not pickle, so that a cache restored from
elsewhere can hold no code; one that cannot be read is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from generator.errors import display_path
from generator.fingerprints import code_fingerprint
from generator.model.record import Dataset
from generator.source.loader import MAX_RECORD_BYTES, SourceDoc, kept_key_path


class RecordCache:
    """The entries of one register in `folder`, valid for `context` (a hash of the code, settings and licenses)."""

    def __init__(self, folder: Path, context: str) -> None:
        self.folder = folder
        self.context = hashlib.sha256(f"{code_fingerprint()}\0{context}".encode()).hexdigest()
        self.used: set[str] = set()

    def _key(self, display: str, raw: bytes) -> str:
        return hashlib.sha256(f"{self.context}\0{display}\0".encode() + raw).hexdigest()

    def get(self, path: Path) -> tuple[SourceDoc, Dataset] | None:
        """The record at `path` as its checks left it, if they found no problem and nothing they read has changed."""
        try:
            if path.is_symlink() or path.stat().st_size > MAX_RECORD_BYTES:
                return None  # refused by the loader, which says why
            display = display_path(path)
            key = self._key(display, path.read_bytes())
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            for name, digest in entry["images"]:
                base = path.parent.resolve()
                image = (base / name).resolve()
                if not image.is_relative_to(base) or _digest(image) != digest:
                    return None
            doc = SourceDoc(path=path, display=display, covered=set(entry["covered"]),
                            value_marks={kept_key_path(tuple(where)): (line, column) for where, line, column in entry["value_marks"]})
            dataset = Dataset.model_validate_json(entry["dataset"])
        except (OSError, ValueError, TypeError, KeyError):  # pydantic's ValidationError is a ValueError
            return None
        self.used.add(key)
        return doc, dataset

    def put(self, doc: SourceDoc, dataset: Dataset | None) -> None:
        """Keep the result of a record's own checks, if they found no problem."""
        if dataset is None or doc.problems:
            return
        try:
            key = self._key(doc.display, doc.path.read_bytes())
            base = doc.path.parent.resolve()
            entry = {
                "dataset": dataset.model_dump_json(),
                "images": [[image.file, _digest(base / image.file)] for image in dataset.images],
                "covered": sorted(doc.covered),
                "value_marks": [[list(where), *mark] for where, mark in doc.value_marks.items()],
            }
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f"{key}.tmp{os.getpid()}"
            temporary.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            temporary.replace(self.folder / f"{key}.json")  # whole or not at all
            self.used.add(key)
        except OSError:
            return  # a cache that cannot be written costs only the next run's time

    def keep_only_used(self) -> None:
        """Remove the entries this run did not use (and any left half-written), so that the cache holds one register's worth."""
        wanted = {f"{key}.json" for key in self.used}
        for path in self.folder.iterdir() if self.folder.is_dir() else []:
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
