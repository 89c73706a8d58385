"""What the register's caches are keyed by: hashes of its code and of a folder's files.

Shared by the check's cache of each record's own checks (check/record_cache.py) and the build's
cache of each dataset's rendered files (build/render_cache.py): any change to the code, to a
package it uses or to the Python that runs it must invalidate both.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # the generator package: its code, templates, assets and vocabularies


@functools.cache
def code_fingerprint() -> str:
    """A hash of every file of the generator package, the Python version and the name and version of every
    installed package (Markdown, Jinja, nh3, pydantic …).

    The packages are read off the names of their metadata folders (name-version.dist-info), which is
    what importlib.metadata reads too, without parsing some hundred METADATA files on every run.
    """
    digest = hashlib.sha256(sys.version.encode())
    installed = sorted({entry.name for folder in map(Path, sys.path) if folder.is_dir() for entry in folder.iterdir()
                        if entry.name.endswith((".dist-info", ".egg-info"))})
    digest.update("\0".join(installed).encode() + b"\0")
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def folder_fingerprint(folder: Path) -> str:
    """A hash of the names and bytes of every file under `folder` (empty when there is no such folder)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
