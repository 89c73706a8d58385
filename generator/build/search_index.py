"""The site's search index: Pagefind, run over the finished HTML pages.

Pagefind reads every page marked `data-pagefind-body` (the theme marks all but the ones kept out of
search: previews, redirects, the search page itself) and writes a chunked index beside them, in
paths.SEARCH_BUNDLE; the headings' permalink signs (¶) are not indexed. It runs as the `pagefind` program of the pinned `pagefind[bin]` package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.errors import RegisterError
from generator.paths import SEARCH_BUNDLE


def write_search_index(site_dir: Path) -> None:
    """Index the built site at `site_dir`; RegisterError with Pagefind's own words if it fails."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir),
               "--output-subdir", SEARCH_BUNDLE.rstrip("/"), "--exclude-selectors", ".headerlink", "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RegisterError(f"the search index could not be written: {error}") from None
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip()[-2000:]
        raise RegisterError(f"the search index could not be written (Pagefind exited with {result.returncode}): {said}")
