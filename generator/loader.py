"""Read one YAML record into plain data, keeping the line and column of every key and value.

Every scalar is kept as the text the contributor wrote (`NO` stays "NO", `1.10` stays "1.10");
the record model decides what each text means. Only empty values (`key:`, `~`, `null`) become None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import syntax
from generator.errors import KeyPath, Problem, display_path, format_key_path

# A record is a page of text: anything larger is a mistake (a pasted data file, an
# attachment) and is refused before parsing, so that hostile input costs bounded time.
MAX_RECORD_BYTES = 1024 * 1024
MAX_DEPTH = 12

# The base loader resolves no implicit types, which is what "every value as written" needs, and
# saves resolving a tag for every scalar; only empty values are recognised, below.
_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


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

    def problem(self, key_path: KeyPath, message: str, *, at_key: bool = False, key: str | None = None) -> Problem:
        """A Problem located at `key_path` in this record."""
        line, column = self.mark(key_path, at_key=at_key)
        return Problem(self.display, line, column, key if key is not None else format_key_path(key_path), message)


def load(path: Path) -> SourceDoc:
    """Read a record file; syntax and encoding errors are collected in `problems`, never raised."""
    doc = SourceDoc(path=path, display=display_path(path))
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
    return parse_text(text, doc)


def parse_text(text: str, doc: SourceDoc) -> SourceDoc:
    """Parse YAML text into `doc`."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        line, column, message = syntax.explain(error, text)
        doc.problems.append(Problem(doc.display, line, column, "(syntax)", message))
        return doc
    except yaml.YAMLError as error:
        doc.problems.append(Problem(doc.display, 1, 1, "(syntax)", f"invalid YAML: {error}"))
        return doc
    if root is None:
        doc.problems.append(Problem(doc.display, 1, 1, "(record)", "the record is empty; expected a mapping of keys"))
        return doc
    converter = _Converter(doc)
    doc.data = converter.convert(root, ())
    if converter.has_alias:
        # The composed graph knows only where the anchor is; the events know where the alias is.
        alias = next(event for event in yaml.parse(text, Loader=_Loader) if isinstance(event, yaml.AliasEvent))
        doc.problems.append(
            Problem(doc.display, alias.start_mark.line + 1, alias.start_mark.column + 1, "(syntax)",
                    "YAML aliases (*name) are not allowed in records; write the value out")
        )
    return doc


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
            return node.value
        # A node met twice is an alias (`*name`). Records have no use for them, and expanding
        # them is how an "alias bomb" turns a few lines into gigabytes.
        if id(node) in self.seen:
            self.has_alias = True
            return None
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            self.doc.problems.append(self.doc.problem(path, f"nested more than {MAX_DEPTH} levels deep"))
            return None
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
            self.doc.key_marks[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                self.doc.problems.append(
                    self.doc.problem(key_path, f"the key {key!r} appears twice in the same mapping", at_key=True)
                )
                continue
            result[key] = self.convert(value_node, key_path)
        return result

