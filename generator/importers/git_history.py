"""When an old register is a git repository: the date of the last commit that changed a record's metadata.

A record's `dateModified` is often not kept up; its history says when it really changed. Only
commits that changed the metadata count (for a Jekyll page: its front matter), not those that
touched its text alone. Git is read, never written; without git or a repository, there is no history.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

MAX_COMMITS = 200  # per record: enough for any register's history, bounded for a hostile one


class History:
    """The commits of one repository, read with the git command."""

    def __init__(self, top: Path) -> None:
        self.top = top

    @classmethod
    def of(cls, folder: Path) -> History | None:
        """The history of the repository whose top folder `folder` is, or None.

        Only the old site's own repository counts: a copy of its files inside another repository
        (a test corpus, a register that keeps the old site in a subfolder) has the history of that one.
        """
        top = _git(folder, "rev-parse", "--show-toplevel")
        return cls(folder) if top and Path(top.strip()).resolve() == folder.resolve() else None

    def last_change(self, path: Path, metadata: Callable[[str], str]) -> tuple[str, str] | None:
        """(date YYYY-MM-DD, short commit) of the newest commit whose `metadata(text)` of `path` differs from its parent's."""
        relative = path.resolve().relative_to(self.top.resolve()).as_posix()
        log = _git(self.top, "log", f"--max-count={MAX_COMMITS}", "--format=%H %cs", "--", relative) or ""
        commits = [line.split() for line in log.splitlines() if line.strip()]
        for index, (commit, day) in enumerate(commits):
            now = _git(self.top, "show", f"{commit}:{relative}")
            before = _git(self.top, "show", f"{commits[index + 1][0]}:{relative}") if index + 1 < len(commits) else None
            if now is not None and (before is None or metadata(now) != metadata(before)):
                return day, commit[:7]
        return None


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30,
                              encoding="utf-8", errors="replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
