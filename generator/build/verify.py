"""What would be published, checked before anything is: the rules that need the rendered outputs.

The check stage (generator/check/) knows records, licenses and files; this module adds, for each
record, the DataCite metadata it would be registered with (DataCite's 4.5 schema and the hosts it
accepts) and, across records, the site path of every output in the format registry. `check` and
`load_catalog` here are the register's whole check: what `register check` runs, the build and
the DOI commands start from.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import urlsplit

from generator import identifiers
from generator.check.catalog import Catalog, Entry, RecordMemo, run_checks
from generator.config import SiteConfig
from generator.errors import KeyPath, Problem, RecordErrors
from generator.model.licenses import LicenseLibrary
from generator.render.formats import dataset_outputs


def check(config: SiteConfig, only: list[Path] | None = None, memo: RecordMemo | None = None) -> tuple[Catalog, list[Problem]]:
    """Every rule over the whole register; with `only`, just the problems of those files (`memo`: see RecordMemo)."""
    return run_checks(config, only, record_rule=_metadata_rules, register_rule=_output_paths, memo=memo)


def load_catalog(config: SiteConfig, memo: RecordMemo | None = None) -> Catalog:
    """The validated register, or RecordErrors listing every problem."""
    catalog, problems = check(config, memo=memo)
    if problems:
        raise RecordErrors(problems)
    return catalog


def _output_paths(catalog: Catalog) -> None:
    """Outputs of two records (or two images of one) that would share a site path, or put a file where a folder goes."""
    for entry in catalog.entries:
        for i, image in enumerate(entry.dataset.images):
            error = identifiers.segment_error(PurePosixPath(image.file).name)
            if error:
                entry.doc.problems.append(entry.doc.problem(
                    ("images", i, "file"), f"the image's file name becomes part of its web address, and {error}"))
    claims = [(entry, dataset_outputs(entry.dataset)) for entry in catalog.entries]
    # The folders each file is in, innermost first (paths are plain: paths.checked). A dataset's files share
    # their folders, so each folder's are worked out once: at 5,000 datasets this rule sees 60,000 paths.
    parents_of: dict[str, list[str]] = {}
    for _, outputs in claims:
        for path, _, _ in outputs:
            folder = path.rpartition("/")[0]
            if folder not in parents_of:
                parts = folder.split("/") if folder else []
                parents_of[folder] = ["/".join(parts[:end]) for end in range(len(parts), 0, -1)]
    paths = [path for _, outputs in claims for path, _, _ in outputs]
    unique = set(paths)
    if len(unique) == len(paths) and unique.isdisjoint(parent for parents in parents_of.values() for parent in parents):
        return  # no path twice, and no file where a folder goes: what a register nearly always is, found in one pass
    _locate_collisions(claims, parents_of)


def _locate_collisions(claims: list[tuple[Entry, list[tuple[str, KeyPath, str]]]], parents_of: dict[str, list[str]]) -> None:
    """Each clash of two outputs, reported at both records' keys (but not those other checks report already)."""
    files: dict[str, _Claim] = {}
    folders: dict[str, _Claim] = {}
    claimed_folders: set[str] = set()
    for entry, outputs in claims:
        for path, where, what in outputs:
            claim = _Claim(entry, where, what, path)
            folder = path.rpartition("/")[0]
            parents = parents_of[folder]
            other = files.get(path) or folders.get(path)
            for parent in parents if other is None else ():
                if parent in files:
                    other = files[parent]
                    break
            if other and not _told(claim, other):
                _collision(claim, other)
                _collision(other, claim)
            files.setdefault(path, claim)
            if folder not in claimed_folders:  # a folder seen before has had all of its own folders claimed already
                claimed_folders.add(folder)
                for parent in parents:
                    folders.setdefault(parent, claim)


def _told(claim: _Claim, other: _Claim) -> bool:
    """Clashes that other checks report already: a DOI used twice, two images of a record with one name."""
    if other.entry is claim.entry:
        return claim.where[0] == other.where[0] == "images"
    return other.entry.dataset.doi == claim.entry.dataset.doi


class _Claim(NamedTuple):  # a tuple, not a dataclass: one is made for each of the register's outputs
    """A site path an output of a record needs, and the key of the record it comes from."""

    entry: Entry
    where: KeyPath
    what: str
    path: str


def _collision(claim: _Claim, other: _Claim) -> None:
    doc = claim.entry.doc
    whose = "this record's" if other.entry is claim.entry else f"{other.entry.doc.display}:{other.entry.doc.mark(other.where)[0]}'s"
    how = "they would have the same path" if claim.path == other.path else "one would be inside the other"
    fix = "change one of the DOIs" + (" or rename the image" if "image" in claim.what + other.what else "")
    doc.problems.append(doc.problem(
        claim.where, f"its {claim.what} ({claim.path}) and {whose} {other.what} ({other.path}) cannot both be "
        f"published: {how}; {fix}"))


# Where a part of the DataCite metadata comes from in the record, to locate its problems.
_SOURCE_KEYS = {
    "creators": "authors", "titles": "title", "subjects": "keywords", "contributors": "copyright",
    "dates": "published", "rightsList": "licenses", "descriptions": "description", "relatedIdentifiers": "related",
    "fundingReferences": "funding", "sizes": "size_bytes", "formats": "file_formats", "version": "version",
}
_SAME_ORDER = {"creators", "rightsList", "relatedIdentifiers", "fundingReferences"}


def _metadata_rules(entry: Entry, config: SiteConfig, library: LicenseLibrary) -> None:
    """What DataCite would refuse, found before anything is sent: the 4.5 schema and the allowed hosts.

    The other records are not known here; what they add (version links back to them) is made of
    DOIs that have passed their own checks, so it cannot make the metadata invalid.
    """
    # Imported here: a check that finds every record in the record cache renders nothing.
    from generator.render import RenderContext, datacite

    doc = entry.doc
    # Licenses that are not in licenses/ are reported on their own; the metadata is checked without them.
    usable = [license for license in entry.dataset.licenses if license.spdx or (
        license.id in library.templates and (license.version is None or license.version in library.templates[license.id].versions))]
    dataset = entry.dataset.model_copy(update={"licenses": usable})
    attributes = datacite.build(dataset, RenderContext(config, library))
    url, hosts = attributes["url"], config.allowed_hosts
    host = urlsplit(url).hostname or ""
    if not any(_host_allowed(host, allowed) for allowed in hosts):
        doc.problems.append(doc.problem(
            ("doi",), f"its landing page {url} is on {host}, which DataCite does not accept for this repository; "
            f"allowed hosts (allowed_hosts in mkdocs.yml): {', '.join(hosts)}"))
    for path, message in datacite.schema_errors(attributes):
        key = _SOURCE_KEYS.get(str(path[0])) if path else None
        where = (key, path[1]) if key and path[0] in _SAME_ORDER and len(path) > 1 else (key,) if key else ()
        shown = "/".join(map(str, path)) or "(document)"
        doc.problems.append(doc.problem(where, f"the DataCite metadata would be refused: {shown}: {message}"))


def _host_allowed(host: str, allowed: str) -> bool:
    """DataCite's Domains setting: `*`, an exact host, or `*.example.org` for its subdomains."""
    if allowed == "*":
        return True
    if allowed.startswith("*."):
        return host.endswith(allowed[1:])
    return host == allowed.lower()
