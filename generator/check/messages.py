"""Every message `register check` can give, read from the checks' own source, for the contributor guide's table.

The table in CONTRIBUTING.md is generated from this list (`python -m generator.check.messages` prints it,
and a test keeps the guide equal to it), so a new or reworded message can never be missing there.
The messages are found where the checks write them: the text given to `doc.problem(...)` or
`Problem(...)` or assigned to `message`, the reasons the identifier and field rules return, the sentences for the model's
error types, and the YAML syntax explanations. Values filled in at run time show as "…".
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # the generator package
# Module (relative to the package) -> what a contributor would call the check it holds.
SOURCES = {
    "source/syntax.py": "YAML syntax",
    "source/loader.py": "reading the file",
    "identifiers.py": "a value of the record",
    "model/record.py": "a value of the record",
    "check/validate.py": "the record's keys and values",
    "model/licenses.py": "the license templates",
    "check/catalog.py": "licenses, images, collections, other records",
    "build/verify.py": "what would be published: DataCite, site paths",
    "vocabularies.py": "privacy and use conditions",
}
_MESSAGE_DICTS = {"_MESSAGES", "_PATTERN_HINTS"}


@dataclass(frozen=True, order=True)
class Message:
    """One message as a template: the fixed words, with "…" where a value is filled in."""

    check: str
    text: str


def _template(node: ast.expr) -> str | None:
    """The text of a string or f-string expression with "…" for its values; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "…" for part in node.values)  # type: ignore[misc]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is not None or right is not None:
            return (left if left is not None else "…") + (right if right is not None else "…")
    return None


def _messages_of(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "problem" and len(node.args) >= 2:
                found.append(_template(node.args[1]) or "")
            elif name == "Problem" and len(node.args) >= 5:
                found.append(_template(node.args[4]) or "")
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            # (value, reason), (message, key meant) and (line, column, message) returns
            found += [_template(element) or "" for element in node.value.elts]
        elif isinstance(node, ast.Return) and node.value is not None:
            function = _enclosing_function(tree, node)
            if function and function.endswith(("_error", "_problem")):
                found.append(_template(node.value) or "")
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "message" for t in node.targets):
            found.append(_template(node.value) or "")
        elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
              and any(isinstance(t, ast.Name) and t.id in _MESSAGE_DICTS for t in node.targets)):
            found += [_template(value) or "" for value in node.value.values if value is not None]
    return [text for text in found if text and " " in text.strip()]


def _enclosing_function(tree: ast.AST, target: ast.AST) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(child is target for child in ast.walk(node)):
            return node.name
    return None


def catalogue() -> list[Message]:
    """Every message template of the checks, sorted by check and text, without repeats."""
    found = set()
    for name, check in SOURCES.items():
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        found |= {Message(check, " ".join(text.split())) for text in _messages_of(tree)}
    return sorted(found)


def table() -> str:
    """The Markdown table of CONTRIBUTING.md."""
    rows = ["| what is checked | message (… is filled in from the record) |", "|---|---|"]
    for message in catalogue():
        text = message.text.replace("|", "\\|").replace("`", "'")
        rows.append(f"| {message.check} | `{text}` |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(table(), end="")
