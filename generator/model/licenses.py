"""The license templates in licenses/: their descriptions, versions, parameters and published wording.

A template lives in `licenses/<id>/` as `license.yaml` (title, summary, parameters, the obligations
it puts on publications, and where each version's wording comes from) and one `<version>.md.j2` per
version. `licenses/published.sha256` records the wording of every published
version, so that editing the text of a version that records already link to is caught: a new
wording needs a new version.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator import vocabularies
from generator.errors import Problem, display_path

LOCK_FILE = "published.sha256"
OBLIGATIONS = ("cite", "co-authorship")  # what a license may ask of publications; an acknowledgement is a parameter
# Who may use data under a license (`access: {level, who}` in license.yaml): anyone; the hub's partners, on request;
# eligible researchers, on an approved request. render/access.py turns a dataset's licenses into one of them.
ACCESS_LEVELS = ("open", "partners", "controlled")


@dataclass(frozen=True)
class Parameter:
    """A value a record gives to a template, e.g. an acknowledgement text."""

    name: str
    description: str
    required: bool = False
    is_list: bool = False


@dataclass(frozen=True)
class LicenseTemplate:
    """One license of licenses/, with all its versions."""

    id: str
    title: str
    summary: str
    access: str  # one of ACCESS_LEVELS
    parameters: dict[str, Parameter]
    agreement: bool
    versions: dict[str, Path]
    sources: dict[str, str] = field(default_factory=dict)  # version -> where its wording comes from
    obligations: frozenset[str] = frozenset()
    users: str | None = None  # who the partners are, for access level "partners", e.g. "AIDA partners"
    duo: tuple[str, ...] = ()  # the Data Use Ontology terms the license implies (a judgment, explained in docs/use-conditions.md)

    @property
    def controlled_access(self) -> bool:
        return self.access == "controlled"

    @property
    def latest(self) -> str:
        return max(self.versions, key=_version_key)

    @property
    def ordered(self) -> list[str]:
        """The versions, oldest first."""
        return sorted(self.versions, key=_version_key)

    def previous(self, version: str) -> str | None:
        """The version before this one, whose wording this one changed."""
        ordered = self.ordered
        index = ordered.index(version)
        return ordered[index - 1] if index else None

    @property
    def asks_to_cite(self) -> bool:
        return "cite" in self.obligations

    @property
    def asks_co_authorship(self) -> bool:
        return "co-authorship" in self.obligations

    @property
    def has_acknowledgement(self) -> bool:
        return "acknowledgement" in self.parameters


@dataclass
class LicenseLibrary:
    """Every license template, and the problems found in licenses/ itself."""

    directory: Path
    templates: dict[str, LicenseTemplate] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def default_version(template: LicenseTemplate, settings: Mapping[str, str]) -> str:
    """The version a record gets that names none: the site's `license_versions` setting, else the newest.

    Only previews may rely on it; a published record names its version (see catalog._licenses).
    """
    version = settings.get(template.id)
    return version if version in template.versions else template.latest


def load_library(directory: Path) -> LicenseLibrary:
    """Read licenses/ and compare every version's wording with the published record of it."""
    library = LicenseLibrary(directory)
    if not directory.is_dir():
        return library
    for meta_file in sorted(directory.glob("*/license.yaml")):
        template = _read_template(meta_file, library.problems)
        if template:
            library.templates[template.id] = template
    _check_published(library)
    return library


def _read_template(meta_file: Path, problems: list[Problem]) -> LicenseTemplate | None:
    where = display_path(meta_file)
    try:
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        problems.append(Problem(where, 1, 1, "(syntax)", f"invalid YAML: {error}"))
        return None
    if not isinstance(meta.get("title"), str) or not isinstance(meta.get("summary"), str):
        problems.append(Problem(where, 1, 1, "(record)", "a license needs a 'title' and a 'summary'"))
        return None
    parameters = {
        name: Parameter(name, str(spec.get("description", "")), bool(spec.get("required")), spec.get("type") == "list")
        for name, spec in (meta.get("parameters") or {}).items()
    }
    versions = {
        path.name.removesuffix(".md.j2"): path
        for path in meta_file.parent.glob("*.md.j2")
        if re.fullmatch(r"\d+(\.\d+)*", path.name.removesuffix(".md.j2"))
    }
    if not versions:
        problems.append(Problem(where, 1, 1, "(record)", "no version of the text: add a file such as 1.0.md.j2"))
        return None
    obligations = [str(item) for item in meta.get("obligations") or []]
    for unknown in sorted(set(obligations) - set(OBLIGATIONS)):
        problems.append(Problem(where, 1, 1, "obligations",
                                f"unknown obligation {unknown!r}; known: {', '.join(OBLIGATIONS)}"))
    if ("co-author" in meta["summary"].lower()) != ("co-authorship" in obligations):
        problems.append(Problem(where, 1, 1, "summary", "the summary and the obligations disagree on co-authorship: "
                                "a summary promises co-authorship exactly when obligations lists co-authorship"))
    declared = meta.get("access")
    access: dict[str, object] = declared if isinstance(declared, dict) else {}
    level, users = access.get("level"), access.get("who")
    if level not in ACCESS_LEVELS:
        problems.append(Problem(where, 1, 1, "access.level", "say who may use data under this license: access: {level: "
                                + " | ".join(ACCESS_LEVELS) + "} (partners also needs who:, e.g. who: AIDA partners)"))
        level = "controlled"  # the report stops the build; until then, claim nothing more open than that
    elif level == "partners" and not isinstance(users, str):
        problems.append(Problem(where, 1, 1, "access.who", "name the partners who may use the data, e.g. who: AIDA partners"))
    duo = [str(code) for code in meta.get("duo") or []]
    for code in duo:
        reason = vocabularies.duo_error(code)
        if reason:
            problems.append(Problem(where, 1, 1, "duo", f"{code}: {reason}"))
    sources = {str(version): " ".join(str(text).split()) for version, text in (meta.get("versions") or {}).items()}
    return LicenseTemplate(
        id=meta_file.parent.name,
        title=meta["title"],
        summary=meta["summary"],
        access=str(level),
        parameters=parameters,
        agreement=bool(meta.get("agreement")),
        versions=versions,
        sources=sources,
        obligations=frozenset(obligations),
        users=users if isinstance(users, str) else None,
        duo=tuple(duo),
    )


def fingerprint(path: Path) -> str:
    """SHA-256 of a template's wording, as `sha256sum` prints it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_published(directory: Path) -> dict[str, str]:
    """`{"aida-by/1.0.md.j2": sha256}` from the lock file."""
    lock = directory / LOCK_FILE
    if not lock.is_file():
        return {}
    entries = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def _check_published(library: LicenseLibrary) -> None:
    published = read_published(library.directory)
    for template in library.templates.values():
        for version, path in template.versions.items():
            name = f"{template.id}/{version}.md.j2"
            where = display_path(path)
            if name not in published:
                library.problems.append(
                    Problem(where, 1, 1, "(license)",
                            f"version {version} of {template.id!r} is not published yet; "
                            "run 'register licenses publish' to record its wording")
                )
            elif published[name] != fingerprint(path):
                library.problems.append(
                    Problem(where, 1, 1, "(license)",
                            f"the wording of {template.id} {version} differs from the published one; records link "
                            f"to that text, so keep it and put the new wording in a new version "
                            f"(e.g. {_next_version(version)}.md.j2)")
                )


def _next_version(version: str) -> str:
    parts = _version_key(version)
    return ".".join(map(str, (*parts[:-1], parts[-1] + 1)))


def publish(directory: Path) -> list[str]:
    """Record the wording of versions not yet published; never rewrites a published one."""
    published = read_published(directory)
    added = []
    for path in sorted(directory.glob("*/*.md.j2")):
        name = f"{path.parent.name}/{path.name}"
        if name not in published:
            published[name] = fingerprint(path)
            added.append(name)
    lines = [f"{digest}  {name}\n" for name, digest in sorted(published.items())]
    (directory / LOCK_FILE).write_text("".join(lines), encoding="utf-8")
    return added


def word_changes(old: str, new: str) -> list[tuple[str, str]]:
    """What changed from `old` to `new`, word by word: ("=", words), ("-", words) or ("+", words)."""
    before, after = old.split(), new.split()
    changes: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(("=", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            changes.append(("-", " ".join(before[a1:a2])))
        if b2 > b1:
            changes.append(("+", " ".join(after[b1:b2])))
    return changes


def changes_as_text(changes: list[tuple[str, str]], *, context: int = 6) -> str:
    """The changes as `… words [-removed-] {+added+} words …`, with a few words of context around each."""
    parts = []
    for index, (op, words) in enumerate(changes):
        if op == "-":
            parts.append(f"[-{words}-]")
        elif op == "+":
            parts.append(f"{{+{words}+}}")
        else:
            split = words.split()
            head = split[:context] if index else []
            tail = split[-context:] if index < len(changes) - 1 else []
            if len(split) > len(head) + len(tail):
                parts.append(" ".join(([*head, "…"] if head else ["…"]) + tail) if tail or head else "…")
            else:
                parts.append(words)
    return " ".join(part for part in parts if part)
