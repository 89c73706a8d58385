"""Read one YAML record into plain data, keeping the line and column of every key and value.

Every scalar is kept as the text the contributor wrote (`NO` stays "NO", `1.10` stays "1.10");
the record model decides what each text means. Only empty values (`key:`, `~`, `null`) become None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import KeyPath, Problem, display_path, format_key_path
from generator.source import syntax

# A record is a page of text: anything larger is a mistake (a pasted data file, an
# attachment) and is refused before parsing, so that hostile input costs bounded time.
MAX_RECORD_BYTES = 1024 * 1024
# Nesting is counted on the parser's events before anything is composed: composing recurses, and
# some 30,000 levels of `[[[` would crash the process before a limit applied there.
MAX_DEPTH = 12
# Characters no published text may hold: control characters but tab and line feed (XML refuses them,
# terminals and workflow logs obey them), lone surrogates and the two non-characters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# In the file itself a carriage return ends a line and NEL (U+0085) is a YAML line break.
_FORBIDDEN_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

# The base loader resolves no implicit types, which is what "every value as written" needs, and
# saves resolving a tag for every scalar; only empty values are recognised, below.
_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
# The key paths of the places SourceDoc.keep_marks_of keeps, one tuple for each in a process (a few hundred in
# a register; the workers' results come back with one per piece they are sent in).
_KEPT_KEY_PATHS: dict[KeyPath, KeyPath] = {}


def kept_key_path(path: KeyPath) -> KeyPath:
    """The one tuple for `path` that the kept places of every record checked in this process share."""
    return _KEPT_KEY_PATHS.setdefault(path, path)


@dataclass
class SourceDoc:
    """A record as read from disk: its data, where each key and value stands, and what went wrong."""

    path: Path
    display: str
    data: Any = None
    value_marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Keys already reported, or whose values validation replaced by stand-ins so that the later checks
    # could run (validate.check): later checks say nothing more about them or what they hold.
    covered: set[str] = field(default_factory=set)

    def mark(self, key_path: KeyPath, *, at_key: bool = False) -> tuple[int, int]:
        """Line and column for a key path; falls back to the nearest enclosing value that exists."""
        if at_key and key_path in self.key_marks:
            return self.key_marks[key_path]
        path = key_path
        while path:
            if path in self.value_marks:
                return self.value_marks[path]
            path = path[:-1]
        return self.value_marks.get((), (1, 1))

    def cover(self, key: KeyPath | str) -> None:
        self.covered.add(key if isinstance(key, str) else format_key_path(key))

    def is_covered(self, problem: Problem) -> bool:
        """Whether `problem` is about a key that an earlier check reported or replaced by a stand-in."""
        key = problem.key
        return any(key == prefix or key.startswith((prefix + ".", prefix + "[")) for prefix in self.covered)

    def drop_covered(self, since: int) -> None:
        """Forget the problems found since `since` that are about covered keys: one mistake, one message."""
        self.problems[since:] = [problem for problem in self.problems[since:] if not self.is_covered(problem)]

    def keep_marks_of(self, keys: frozenset[str]) -> None:
        """Forget the parsed data, where the keys stand, and where the values stand but those of the top-level
        keys and of what lies under `keys`.

        Called once a record's own checks are done: a register keeps thousands of records in memory, and the
        checks that come later (across records) locate their problems only at the values of those keys.
        Each key path kept is one tuple shared by all records: at 20,000 records this and the key places
        forgotten are some 150 MB.
        """
        self.data = None
        self.value_marks = {kept_key_path(path): mark for path, mark in self.value_marks.items() if len(path) < 2 or path[0] in keys}
        self.key_marks = {}

    def problem(self, key_path: KeyPath, message: str, *, at_key: bool = False, key: str | None = None) -> Problem:
        """A Problem located at `key_path` in this record."""
        line, column = self.mark(key_path, at_key=at_key)
        return Problem(self.display, line, column, key if key is not None else format_key_path(key_path), message)


def load(path: Path) -> SourceDoc:
    """Read a record file; syntax and encoding errors are collected in `problems`, never raised."""
    doc = SourceDoc(path=path, display=display_path(path))
    if path.is_symlink():  # it could point anywhere, and what it points to would be published
        doc.problems.append(Problem(doc.display, 1, 1, "(file)", "the record is a symbolic link; put the record "
                                    "itself in the datasets folder"))
        return doc
    size = path.stat().st_size
    if size > MAX_RECORD_BYTES:
        doc.problems.append(
            Problem(
                doc.display, 1, 1, "(file)",
                f"the record is {size:,} bytes; records of more than {MAX_RECORD_BYTES:,} bytes are not read. "
                "Keep long texts short and link to documents instead.",
            )
        )
        return doc
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        doc.problems.append(
            Problem(
                doc.display, line, column, "(file)",
                f"the file is not UTF-8 text: byte 0x{raw[error.start]:02x} cannot be read. Save the file as UTF-8.",
            )
        )
        return doc
    parse_text(text, doc)
    _import_notes(text, doc)
    return doc


IMPORT_NOTE_KEY = "(import note)"


def _import_notes(text: str, doc: SourceDoc) -> None:
    """Each `# import: …` comment an import wrote is a problem until a person has dealt with it and removed it.

    YAML drops comments, so the text is read for them line by line.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        found = re.match(r"(\s*)# import: (.*)", line)
        if found:
            doc.problems.append(Problem(doc.display, number, len(found.group(1)) + 1, IMPORT_NOTE_KEY,
                                        f"the import left a note here: {found.group(2).strip()}; when it is dealt with, "
                                        "delete the comment"))


def parse_text(text: str, doc: SourceDoc) -> SourceDoc:
    """Parse YAML text into `doc`."""
    raw = _FORBIDDEN_IN_FILE.search(text)
    if raw:
        before = text[: raw.start()]
        line, column = before.count("\n") + 1, raw.start() - (before.rfind("\n") + 1) + 1
        doc.problems.append(Problem(doc.display, line, column, "(file)", _control_character_problem(raw.group())))
        return doc
    try:
        too_deep = _too_deep(text)
        root = None if too_deep else yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        line, column, message = syntax.explain(error, text)
        doc.problems.append(Problem(doc.display, line, column, "(syntax)", message))
        return doc
    except yaml.YAMLError as error:
        doc.problems.append(Problem(doc.display, 1, 1, "(syntax)", f"invalid YAML: {error}"))
        return doc
    if too_deep:
        doc.problems.append(Problem(doc.display, too_deep.line + 1, too_deep.column + 1, "(syntax)",
                                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep here; "
                                    "no key of a record needs that many"))
        return doc
    if root is None:
        doc.problems.append(Problem(doc.display, 1, 1, "(record)", "the record is empty; expected a mapping of keys"))
        return doc
    converter = _Converter(doc)
    doc.data = converter.convert(root, ())
    if converter.has_alias:
        # The composed graph knows only where the anchor is; the events know where the alias is.
        alias = next(event for event in yaml.parse(text, Loader=_Loader) if isinstance(event, yaml.AliasEvent))
        line, column = _position(alias.start_mark)
        doc.problems.append(
            Problem(doc.display, line, column, "(syntax)", "YAML aliases (*name) are not allowed in records; write the value out")
        )
    return doc


def _position(mark: Any) -> tuple[int, int]:
    """Line and column, counted from 1, of a parser's mark (which the C parser may leave out)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _too_deep(text: str) -> Any:
    """Where lists and mappings first nest deeper than MAX_DEPTH, read from the event stream, or None."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the record itself is the first mapping
                return event.start_mark
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def _control_character_problem(char: str) -> str:
    return (f"the text holds the invisible control character U+{ord(char):04X}, which cannot be published; "
            "delete it (it often comes in with text pasted from another program)")


class _Converter:
    """Turns the composed node graph into dicts, lists and strings while recording marks."""

    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self.seen: set[int] = set()
        self.has_alias = False

    def convert(self, node: yaml.Node, path: KeyPath) -> Any:
        self.doc.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.value in _NULLS:
                return None
            forbidden = _FORBIDDEN.search(node.value)  # written as an escape such as "\x01"
            if forbidden:  # the record is left out of the site, so the value is kept only for the other checks
                self.doc.problems.append(self.doc.problem(path, _control_character_problem(forbidden.group())))
            return node.value
        # A node met twice is an alias (`*name`). Records have no use for them, and expanding
        # them is how an "alias bomb" turns a few lines into gigabytes.
        if id(node) in self.seen:
            self.has_alias = True
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.doc.value_marks[(*path, "?")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                self.doc.problems.append(self.doc.problem((*path, "?"), "a key must be plain text", key=format_key_path(path)))
                continue
            key = key_node.value
            key_path = (*path, key)
            forbidden = _FORBIDDEN.search(key) or re.search("\n", key)
            if forbidden:
                self.doc.value_marks[(*path, "?")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                self.doc.problems.append(self.doc.problem((*path, "?"), "a key must be one line of plain text",
                                                          key=format_key_path(path)))
                continue
            self.doc.key_marks[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                self.doc.problems.append(
                    self.doc.problem(key_path, f"the key {key!r} appears twice in the same mapping", at_key=True)
                )
                continue
            result[key] = self.convert(value_node, key_path)
        return result

