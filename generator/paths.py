"""Every path of the site, and the one rule that keeps record text from choosing a path outside it.

A DOI suffix and an image file name become parts of paths, so the record checks hold both to the
safe-segment rule of identifiers.segment_error: never empty, `.`, `..`, a hidden file, or a character
that means something else in a path or URL. `checked` proves every path of the built tree is a
plain relative path inside the output folder.
Also the small formatting helpers every page shares.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath

from generator.config import SiteConfig

AGREEMENT_FILE = "agreement.txt"  # the licenses to be signed, filled in for the dataset (Markdown text)
THUMBNAIL = "thumbnail.jpg"  # the list's picture of a dataset, beside its landing page
SEARCH_PAGE = "search/"  # the search results page; every page's header sends its query there
SEARCH_BUNDLE = "pagefind/"  # Pagefind's index and scripts, written after the build
# The folders of the register's own pages at the top of the site; a record's old page path cannot be
# in one (tests/test_site.py keeps this equal to what a build writes).
SITE_FOLDERS = frozenset({"api", "assets", "collections", "contributing", "licenses", "list", "metrics", "pagefind",
                          "record-format", "schema", "search"})


def checked(path: str) -> str:
    """`path` itself if it is a plain relative path inside the output folder, else ValueError.

    The record checks (suffix_error, segment_error) make this unreachable for valid records; it is the proof.
    """
    trimmed = path.removesuffix("/")
    if not trimmed or path.startswith("/") or "\\" in path or posixpath.normpath(trimmed) != trimmed or trimmed.startswith(".."):
        raise ValueError(f"{path!r} is not a path inside the site")
    return path


# The resolvers of the identifiers a record holds; records hold the bare ids, pages and metadata the links.
DOI_RESOLVER = "https://doi.org/"
ORCID_RESOLVER = "https://orcid.org/"
ROR_RESOLVER = "https://ror.org/"


def doi_url(doi: str) -> str:
    """The DOI as a link, the way DataCite asks DOIs to be shown."""
    return DOI_RESOLVER + doi


def orcid_url(orcid: str) -> str:
    """An ORCID iD as the link ORCID asks to be shown."""
    return ORCID_RESOLVER + orcid


def ror_url(ror: str) -> str:
    """A ROR id as its link, the form ROR and DataCite use as the identifier."""
    return ROR_RESOLVER + ror


def page_path(doi: str) -> str:
    """Site path of a dataset's landing page: the DOI itself, so that migrated DOIs keep resolving."""
    return f"{doi.lower()}/"


def landing_url(config: SiteConfig, doi: str) -> str:
    """The landing page URL of a DOI: the one rule for the site and for DataCite."""
    url = config.site_url + page_path(doi)
    return url if config.landing_url_slash else url.removesuffix("/")


def list_page_path(number: int) -> str:
    """Site path of a page of the home list: the home page itself, then list/2/, list/3/ …"""
    return "" if number == 1 else f"list/{number}/"


def collection_path(slug: str) -> str:
    """Site path of a collection's page, e.g. collections/phantoms/."""
    return f"collections/{slug}/"


def root_from(path: str) -> str:
    """Relative link from a page at `path` (e.g. 10.1/a/b/) back to the site root."""
    return "../" * len(PurePosixPath(path).parts)


def image_name(file: str) -> str:
    """Site file name of an example image, next to the landing page."""
    return f"images/{PurePosixPath(file).name}"


def image_path(doi: str, file: str) -> str:
    return page_path(doi) + image_name(file)


def thumbnail_path(doi: str) -> str:
    return page_path(doi) + THUMBNAIL


def api_path(doi: str) -> str:
    """api/v1/datasets/<doi>.json, one file per dataset."""
    return f"api/v1/datasets/{doi.lower()}.json"


# A dataset's parts of the register-wide files (its node of catalog.jsonld, its blocks of catalog.ttl) are
# rendered and cached with its own files, under this prefix, and joined by the build: never published.
PARTS = "(parts)/"


def part_path(doi: str, name: str) -> str:
    return f"{PARTS}{doi}/{name}"


def built_path(path: str) -> str:
    """Where a file of the tree ends up in the built site: pages (index.md) become index.html."""
    return path.removesuffix(".md") + ".html" if path.endswith(".md") else path


def human_size(size: int) -> str:
    """Bytes in decimal units, as storage is sold: 4.5 GB, 2.4 TB."""
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1000
    raise AssertionError("unreachable")
