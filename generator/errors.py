"""Problems found in records, and the exceptions that carry them to the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    """`("authors", 0, "orcid")` -> `authors[0].orcid`; the empty path names the record itself."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(record)"


def describe(value: Any) -> str:
    """Echo a found value briefly, the way messages quote it."""
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping of keys"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one record, at the line and column where it is."""

    path: str
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        """One line, whatever the record holds: a line break in a quoted value could otherwise start a line
        that a terminal or a CI log reads as a command (GitHub's `::warning ...`)."""
        return _one_line(f"{self.path}:{self.line}:{self.column}: {self.key}: {self.message}")


def _one_line(text: str) -> str:
    return re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", lambda found: found.group().encode("unicode_escape").decode(), text)


class RegisterError(click.ClickException):
    """A mistake the user can fix: printed as one message, exit status 1, no traceback."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class RecordErrors(RegisterError):
    """Every problem found in the records, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_natural_order)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__("\n".join(map(str, self.problems)) + f"\n{count} {noun} found.")

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def _natural_order(problem: Problem) -> tuple[str, int, int, str, str]:
    return (problem.path, problem.line, problem.column, problem.key, problem.message)


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory when they can be, as compilers print them."""
    cwd = Path.cwd()
    absolute = path if path.is_absolute() else cwd / path
    if absolute.is_relative_to(cwd):
        return str(absolute.relative_to(cwd))
    if absolute.is_relative_to(cwd.resolve()):  # resolved only when needed: it costs a system call per folder
        return str(absolute.relative_to(cwd.resolve()))
    return str(path)
