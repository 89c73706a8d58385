"""Where a dataset's files live on the site, and the small formatting helpers every page shares."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from markupsafe import escape

from generator.config import SiteConfig


def doi_url(doi: str) -> str:
    """The DOI as a link, the way DataCite asks DOIs to be shown."""
    return f"https://doi.org/{doi}"


def page_path(doi: str) -> str:
    """Site path of a dataset's landing page: the DOI itself, so that migrated DOIs keep resolving."""
    return f"{doi.lower()}/"


def landing_url(config: SiteConfig, doi: str) -> str:
    """The landing page URL of a DOI: the one rule for the site and for DataCite."""
    return config.site_url + page_path(doi)


def root_from(path: str) -> str:
    """Relative link from a page at `path` (e.g. 10.1/a/b/) back to the site root."""
    return "../" * len(PurePosixPath(path).parts)


def image_name(file: str) -> str:
    """Site file name of an example image, next to the landing page."""
    return f"images/{PurePosixPath(file).name}"


def human_size(size: int) -> str:
    """Bytes in decimal units, as storage is sold: 4.5 GB, 2.4 TB."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1000
    raise AssertionError("unreachable")


def front_matter(values: dict[str, str], *, hidden: bool = False, head: str | None = None,
                 search_exclude: bool = False) -> str:
    """MkDocs front matter. Themes print page.title unescaped into <title>, so values are HTML-escaped;
    JSON strings are valid YAML and need no further quoting. `head` is finished HTML for <head>."""
    lines = [f"{key}: {json.dumps(str(escape(value)))}" for key, value in values.items()]
    if head:
        lines.append(f"register_head: {json.dumps(head)}")
    if hidden:
        lines.append("robots: noindex, nofollow")
    if hidden or search_exclude:
        lines += ["search:", "  exclude: true"]
    return "---\n" + "\n".join(lines) + "\n---\n\n"
