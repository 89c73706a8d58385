"""Load every record of the register and apply the rules that span records, licenses and files.

The rules about what would be published (DataCite's schema, site paths) are the build stage's
(generator/build/verify.py); `generator.build.verify.check` runs both.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.check.record_cache import RecordCache
from generator.check.validate import check as check_record
from generator.config import SiteConfig
from generator.errors import KeyPath, Problem
from generator.fingerprints import folder_fingerprint
from generator.model.licenses import LicenseLibrary, LicenseTemplate, default_version, load_library
from generator.model.record import Dataset, LicenseRef
from generator.parallel import fork_map
from generator.source.loader import SourceDoc, load

RECORD_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Entry:
    """A validated record and where it came from."""

    doc: SourceDoc
    dataset: Dataset


@dataclass(frozen=True)
class Catalog:
    """All records of the register, validated together."""

    config: SiteConfig
    entries: list[Entry]
    licenses: LicenseLibrary

    @property
    def public(self) -> list[Entry]:
        """Records shown in lists, search and feeds: not hidden previews."""
        return [entry for entry in self.entries if not entry.dataset.hidden]

    def find(self, doi: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.dataset.doi == doi.lower()), None)


def expected_file_stem(doi: str) -> str:
    """The one naming rule: the DOI suffix, lower-case, with '/' written as '-' (10.23698/aida/ctpa -> aida-ctpa)."""
    return doi.split("/", 1)[1].lower().replace("/", "-")


def discover(directory: Path) -> list[Path]:
    """Record files directly in the datasets folder."""
    if not directory.is_dir():
        return []
    # By name, from the folder's listing: the file types come with it, and names sort faster than Paths.
    with os.scandir(directory) as listing:
        names = sorted(item.name for item in listing if os.path.splitext(item.name)[1] in RECORD_SUFFIXES and item.is_file())
    return [directory / name for name in names]


# The keys under which the rules across records (here and the site paths of build/verify) report problems:
# the places of all other values are forgotten once a record's own checks are done.
LOCATED_LATER = frozenset({"doi", "related", "withdrawal", "old_paths", "images"})

# The rules that need the rendered outputs live in the build stage (generator/build/verify.py),
# which passes them in: one rule a record, run with its own checks; one over the whole register.
RecordRule = Callable[[Entry, SiteConfig, LicenseLibrary], None]
RegisterRule = Callable[["Catalog"], None]


class RecordMemo:
    """Each record's own checks, kept between the builds of one `mkdocs serve`, so that saving one record
    checks that record again and not the thousands beside it.

    A result is reused while the file is unchanged (its size, time of change and inode) and so are the
    settings and every file of the license folder; the rules across records always run again.
    """

    def __init__(self) -> None:
        self.context: tuple[object, ...] = ()
        self.results: dict[Path, tuple[tuple[int, ...], SourceDoc, Dataset | None, list[Problem]]] = {}

    def checked(self, paths: list[Path], context: tuple[object, ...],
                check_all: Callable[[list[Path]], list[tuple[SourceDoc, Dataset | None]]]) -> list[tuple[SourceDoc, Dataset | None]]:
        if context != self.context:
            self.context, self.results = context, {}
        signatures = [_signature(path) for path in paths]
        stale = [index for index, path in enumerate(paths)
                 if path not in self.results or self.results[path][0] != signatures[index]]
        for index, (doc, dataset) in zip(stale, check_all([paths[index] for index in stale]), strict=True):
            self.results[paths[index]] = (signatures[index], doc, dataset, list(doc.problems))
        self.results = {path: self.results[path] for path in paths}  # records deleted meanwhile are forgotten
        loaded = []
        for path in paths:
            _, doc, dataset, problems = self.results[path]
            doc.problems = list(problems)  # as the record's own checks left them: the rules across records add theirs
            loaded.append((doc, dataset))
        return loaded


def _signature(path: Path) -> tuple[int, ...]:
    try:
        stat = path.stat()
    except OSError:
        return ()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _folder_signature(folder: Path) -> tuple[object, ...]:
    return tuple((str(path), _signature(path)) for path in sorted(folder.rglob("*"))) if folder.is_dir() else ()


def run_checks(config: SiteConfig, only: list[Path] | None, *, record_rule: RecordRule,
               register_rule: RegisterRule, memo: RecordMemo | None = None) -> tuple[Catalog, list[Problem]]:
    """Validate the whole register; with `only`, report just the problems of those files.

    Called by `generator.build.verify.check`, which adds the checks of what would be published.
    A record unchanged since the last run is not checked on its own again: its result comes from the record
    cache on disk (check/record_cache.py), or with `memo` from memory.
    """
    paths = discover(config.datasets_dir)
    known = {path.resolve() for path in paths} if only else set()
    extra = [path for path in only or [] if path.resolve() not in known]
    library = load_library(config.licenses_dir)
    _license_settings(config, library)
    records = RecordCache(config.cache_dir / "check", "\0".join(
        [repr(config), folder_fingerprint(config.licenses_dir), f"{record_rule.__module__}.{record_rule.__qualname__}"]))

    def check_all(paths: list[Path]) -> list[tuple[SourceDoc, Dataset | None]]:
        # A partial, not a lambda: under `mkdocs serve` fork_map's workers are sent the job pickled.
        return _check_all(paths, records, functools.partial(_check_record, config=config, library=library, record_rule=record_rule))

    if memo is None:
        loaded = check_all([*paths, *extra])
        records.keep_only_used()
    else:
        loaded = memo.checked([*paths, *extra], (repr(config), _folder_signature(config.licenses_dir), record_rule), check_all)
    docs = [doc for doc, _ in loaded]
    entries = [Entry(doc, dataset) for doc, dataset in loaded if dataset is not None]
    catalog = Catalog(config, entries, library)
    counts = {id(doc): len(doc.problems) for doc in docs}
    _cross_record_rules(catalog)
    register_rule(catalog)
    for doc in docs:
        doc.drop_covered(counts[id(doc)])
    problems = [problem for doc in docs for problem in doc.problems]
    if only is not None:
        requested = {path.resolve() for path in only}
        wanted = {doc.display for doc in docs if doc.path.resolve() in requested}
        problems = [problem for problem in problems if problem.path in wanted]
    problems = sorted(problems + library.problems)
    # A record with a problem is left out of the catalog, so nothing is ever built from it.
    valid = [entry for entry in entries if not entry.doc.problems]
    return Catalog(config, valid, library), problems


def _check_all(paths: list[Path], records: RecordCache,
               check: Callable[[Path], tuple[SourceDoc, Dataset | None]]) -> list[tuple[SourceDoc, Dataset | None]]:
    """Each record's own checks: from the record cache where nothing they read has changed, the rest on all cores."""
    found: list[tuple[SourceDoc, Dataset | None] | None] = [records.get(path) for path in paths]
    missing = [index for index, result in enumerate(found) if result is None]
    for index, result in zip(missing, fork_map(check, [paths[index] for index in missing]), strict=True):
        found[index] = result
        records.put(*result)
    return [result for result in found if result is not None]


def _check_record(path: Path, config: SiteConfig, library: LicenseLibrary,
                  record_rule: RecordRule) -> tuple[SourceDoc, Dataset | None]:
    """Everything that can be checked of one record alone; run for many records at once by fork_map.

    Every check runs, also on a record that already has problems, so that one run shows all of them:
    `check_record` repairs what is broken, and a later check says nothing about a key already reported or repaired.
    """
    doc = load(path)
    dataset = check_record(doc, config.doi_prefix)
    if dataset is not None:
        since = len(doc.problems)
        entry = Entry(doc, dataset)
        _licenses(entry, library, config)
        _images(entry)
        _collections(entry, config)
        record_rule(entry, config, library)
        doc.drop_covered(since)
    doc.keep_marks_of(LOCATED_LATER)
    return doc, dataset


def _cross_record_rules(catalog: Catalog) -> None:
    config = catalog.config
    by_doi: dict[str, Entry] = {}
    for entry in catalog.entries:
        doc, dataset = entry.doc, entry.dataset
        prefix, _ = dataset.doi.split("/", 1)
        if config.doi_prefix and prefix != config.doi_prefix:
            doc.problems.append(
                doc.problem(("doi",), f"the DOI prefix {prefix} is not this register's prefix {config.doi_prefix}")
            )
        stem = expected_file_stem(dataset.doi)
        if doc.path.stem != stem:
            doc.problems.append(
                doc.problem(("doi",), f"the file of DOI {dataset.doi} must be named {stem}{doc.path.suffix}, "
                            f"not {doc.path.name}")
            )
        first = by_doi.setdefault(dataset.doi, entry)
        if first is not entry:
            line = first.doc.mark(("doi",))[0]
            doc.problems.append(
                doc.problem(("doi",), f"DOI {dataset.doi} is already used by {first.doc.display}:{line}")
            )
    for entry in catalog.entries:
        _references(entry, by_doi)


def _references(entry: Entry, by_doi: dict[str, Entry]) -> None:
    doc, dataset = entry.doc, entry.dataset
    for i, work in enumerate(dataset.related):
        if work.relation in ("is-new-version-of", "is-previous-version-of") and work.doi:
            _reference(doc, ("related", i, "doi"), work.doi, by_doi)
        if work.doi == dataset.doi:
            doc.problems.append(doc.problem(("related", i, "doi"), "a dataset cannot be related to itself"))
    if dataset.withdrawal and dataset.withdrawal.successor:
        _reference(doc, ("withdrawal", "successor"), dataset.withdrawal.successor, by_doi)


def _reference(doc: SourceDoc, key: KeyPath, doi: str, by_doi: dict[str, Entry]) -> None:
    """A link to another record of the register: it must exist, and it is only built once that record is right."""
    target = by_doi.get(doi)
    if target is None:
        doc.problems.append(doc.problem(key, f"no record in this register has the DOI {doi}"))
    elif target.doc.problems and target.doc is not doc:
        doc.problems.append(doc.problem(key, f"{doi} ({target.doc.display}) has problems, see above; "
                                             "this link is made once they are fixed"))


def _license_settings(config: SiteConfig, library: LicenseLibrary) -> None:
    """mkdocs.yml's license_versions must name versions that exist."""
    for license_id, version in config.license_versions:
        template = library.templates.get(license_id)
        if template is None or version not in template.versions:
            known = ", ".join(template.ordered) if template else "no such license in licenses/"
            library.problems.append(Problem("mkdocs.yml", 1, 1, f"license_versions.{license_id}",
                                            f"{license_id} has no version {version} ({known})"))


def _licenses(entry: Entry, library: LicenseLibrary, config: SiteConfig) -> None:
    """Each license exists in the version named, with its parameters; the obligations agree with each other."""
    doc, dataset = entry.doc, entry.dataset
    asks_to_cite = False
    for i, license in enumerate(dataset.licenses):
        if license.custom:
            _custom(doc, i, license, library)
            asks_to_cite |= license.cites
            continue
        if license.id is None:
            continue
        template = library.templates.get(license.id)
        if template is None:
            known = ", ".join(sorted(library.templates)) or "none"
            wanted = license.id.lower().removesuffix(" license").replace(" ", "-")
            close = difflib.get_close_matches(wanted, list(library.templates), n=3)
            hint = f"did you mean {' or '.join(repr(name) for name in close)}? " if close else ""
            doc.problems.append(doc.problem(("licenses", i, "id"), f"no license {license.id!r} in licenses/; {hint}known: {known}"))
            continue
        asks_to_cite |= template.asks_to_cite
        for key in ("title", "summary", "nearest", "cites"):
            if getattr(license, key):
                doc.problems.append(doc.problem(("licenses", i, key), f"{key!r} is only for a dataset's own license "
                                                f"text; {template.id} has its own", at_key=True))
        if license.version and license.version not in template.versions:
            versions = ", ".join(template.ordered)
            doc.problems.append(
                doc.problem(("licenses", i, "version"), f"{template.id} has no version {license.version}; versions: {versions}")
            )
        elif license.version is None and not dataset.hidden:
            shown = default_version(template, config.new_license_versions)
            doc.problems.append(doc.problem(
                ("licenses", i), f"a published dataset names the exact version of each license, so that a new version "
                f"never changes its terms; its page shows {template.id} {shown} now: add version: \"{shown}\" under id "
                f"(or the version it was published under, if that was an older one)"))
        _parameters(doc, i, license, template)
    for i, work in enumerate(dataset.related):
        if work.must_cite and not asks_to_cite:
            doc.problems.append(doc.problem(
                ("related", i, "must_cite"), "none of the dataset's licenses asks publications to cite works, so "
                "must_cite would show a term the licenses do not have; remove must_cite, or choose a license that "
                "asks to cite (e.g. aida-by)"))


_CUSTOM_PARAMETERS = {"co_authors", "acknowledgement"}


def _custom(doc: SourceDoc, i: int, license: LicenseRef, library: LicenseLibrary) -> None:
    """The dataset's own license text: named, literal, and its obligation fields say what its text says."""
    text = " ".join((license.text or "").split())
    if license.title is None:
        doc.problems.append(doc.problem(("licenses", i), "the dataset's own license needs a 'title' above its 'text'"))
    tag = re.search(r"\{\{.*?\}\}|\{%.*?%\}", text)
    if tag:
        doc.problems.append(doc.problem(("licenses", i, "text"), f"the license text still has the template tag "
                                        f"{tag.group(0)} of the old site; replace it with what the old page showed"))
    if license.nearest:
        name, _, version = license.nearest.partition(" ")
        template = library.templates.get(name)
        if template is None or version not in template.versions:
            doc.problems.append(doc.problem(("licenses", i, "nearest"), "expected a license of licenses/ and one of its "
                                            "versions, such as aida-by 1.1"))
    given = license.parameters
    for name in given:
        if name not in _CUSTOM_PARAMETERS:
            doc.problems.append(doc.problem(
                ("licenses", i, name), f"a dataset's own license takes no key {name!r}; accepted keys: "
                "title, text, summary, nearest, cites, co_authors, acknowledgement", at_key=True))
    co_authors = given.get("co_authors")
    if co_authors is not None and not (isinstance(co_authors, list) and all(isinstance(n, str) and n for n in co_authors)):
        doc.problems.append(doc.problem(("licenses", i, "co_authors"), "expected a list of names"))
        co_authors = None
    for j, name in enumerate(co_authors or []):
        if " ".join(name.split()) not in text:
            doc.problems.append(doc.problem(
                ("licenses", i, "co_authors", j), f"the license text does not name {name} as a co-author; "
                "co_authors lists exactly the names its text asks publications to include"))
    acknowledgement = given.get("acknowledgement")
    if isinstance(acknowledgement, str) and " ".join(acknowledgement.split()) not in text:
        doc.problems.append(doc.problem(
            ("licenses", i, "acknowledgement"), "the license text does not contain this acknowledgement; "
            "give it exactly as the text has it"))
    if license.summary and "co-author" in license.summary.lower() and not co_authors:
        doc.problems.append(doc.problem(
            ("licenses", i, "summary"), "the summary promises co-authorship, but the license names no co-authors; "
            "name them in co_authors as its text does, or correct the summary"))


def _parameters(doc: SourceDoc, i: int, license: LicenseRef, template: LicenseTemplate) -> None:
    given = license.parameters
    for name, parameter in template.parameters.items():
        value = given.get(name)
        if value is None:
            if parameter.required:
                doc.problems.append(doc.problem(("licenses", i), f"{template.id} needs the parameter {name!r}: {parameter.description}"))
            continue
        ok = (
            isinstance(value, list) and value and all(isinstance(item, str) and item for item in value)
            if parameter.is_list
            else isinstance(value, str) and value
        )
        if not ok:
            expected = "a list of names" if parameter.is_list else "text"
            doc.problems.append(doc.problem(("licenses", i, name), f"expected {expected}"))
    for name in given:
        if name == "acknowledgement" and not template.has_acknowledgement:
            doc.problems.append(doc.problem(
                ("licenses", i, name), f"{template.id} has no place for an acknowledgement text: its wording does not ask "
                "publications for one, so it would be shown nowhere; choose a license that has one (e.g. aida-by) "
                "or remove it", at_key=True))
        elif name not in template.parameters:
            accepted = ", ".join(["id", "version", *template.parameters])
            doc.problems.append(
                doc.problem(("licenses", i, name), f"{template.id} takes no parameter {name!r}; accepted keys: {accepted}",
                            at_key=True)
            )


MAX_IMAGE_BYTES = 5_000_000
MAX_IMAGE_SIDE = 6000
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def _collections(entry: Entry, config: SiteConfig) -> None:
    """Each collection a record names is one of mkdocs.yml's `collections:`, when that setting is given."""
    if config.collections is None:
        return  # no setting: every name is a collection of its own, titled after the name
    defined = [collection.slug for collection in config.collections]
    for i, slug in enumerate(entry.dataset.collections):
        if slug not in defined:
            close = difflib.get_close_matches(slug, defined, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            known = ", ".join(defined) or "none"
            entry.doc.problems.append(entry.doc.problem(
                ("collections", i), f"the collections setting of mkdocs.yml has no collection {slug!r}{hint}; add it "
                f"there with its title, or correct the name (the setting has {known})"))


def _images(entry: Entry) -> None:
    doc = entry.doc
    base = doc.path.parent.resolve()
    names: set[str] = set()
    for i, image in enumerate(entry.dataset.images):
        name = Path(image.file).name
        if name in names:
            doc.problems.append(doc.problem(("images", i, "file"), f"another image of this record is also named {name}"))
        names.add(name)
        path = (base / image.file).resolve()
        if not path.is_relative_to(base):
            doc.problems.append(doc.problem(("images", i, "file"), "images must be inside the datasets folder"))
        elif not path.is_file():
            doc.problems.append(doc.problem(("images", i, "file"), f"no such image file: {image.file}"))
        else:
            problem = _image_problem(path)
            if problem:
                doc.problems.append(doc.problem(("images", i, "file"), problem))


def _image_problem(path: Path) -> str | None:
    """Why an example image cannot be published as it is, or None."""
    from PIL import Image, UnidentifiedImageError  # only registers with images pay for Pillow

    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return (f"the image is {size / 1e6:.1f} MB; example images may be at most {MAX_IMAGE_BYTES / 1e6:.0f} MB "
                "(save it smaller, e.g. as a JPEG of at most 2000 pixels a side)")
    try:
        with Image.open(path) as picture:
            picture.verify()
            kind, (width, height) = picture.format, picture.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "the file is not a readable PNG, JPEG, GIF or WebP image"
    if kind not in IMAGE_FORMATS:
        return f"the image is {kind}; use PNG, JPEG, GIF or WebP"
    if max(width, height) > MAX_IMAGE_SIDE:
        return f"the image is {width}×{height} pixels; at most {MAX_IMAGE_SIDE} pixels a side are allowed"
    return None
