"""Where a dataset's files live on the site, and the small formatting helpers every page shares."""

from __future__ import annotations

from pathlib import PurePosixPath

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
