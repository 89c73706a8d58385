"""The site's search index: Pagefind, run over the finished HTML pages.

Pagefind reads every page marked `data-pagefind-body` (the theme marks all but the ones kept out of
search: previews, redirects, the pages of the list, the search page itself) and writes a chunked index beside them, in
paths.SEARCH_BUNDLE. It runs as the `pagefind` program of the pinned `pagefind[bin]` package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.errors import RegisterError
from generator.paths import SEARCH_BUNDLE

# What is on a page but not worth finding it by: the headings' permalink signs (¶), and the sections a
# renderer marks `data-search-exclude` (a dataset's citation in five styles, its access procedure and
# its license texts: the same words on every dataset of a license, whose own page is found by them).
# Pagefind's memory grows with the words it indexes (about 0.8 GiB for 5,000 datasets with these left out,
# 1.3 GiB without), so this also keeps the build within its budget.
_EXCLUDED = [argument for selector in (".headerlink", "[data-search-exclude]") for argument in ("--exclude-selectors", selector)]


def write_search_index(site_dir: Path) -> None:
    """Index the built site at `site_dir`; RegisterError with Pagefind's own words if it fails."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir),
               "--output-subdir", SEARCH_BUNDLE.rstrip("/"), *_EXCLUDED, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RegisterError(f"the search index could not be written: {error}") from None
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip()[-2000:]
        raise RegisterError(f"the search index could not be written (Pagefind exited with {result.returncode}): {said}")
