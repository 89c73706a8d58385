"""Write a record as YAML by hand, in the key order a person reads, with strings that stay strings.

`comments` puts `# import: …` lines above the keys they concern (keyed as base.key_text writes key
paths: authors[0].orcid), so that each note of an import stands where the fix is made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML string: "NO" stays "NO"


def _key(prefix: str, part: str | int) -> str:
    return f"{prefix}[{part}]" if isinstance(part, int) else (f"{prefix}.{part}" if prefix else str(part))


def dump(value: Any, indent: int = 0, comments: Mapping[str, list[str]] | None = None, path: str = "") -> str:
    """Block-style YAML of dicts, lists and scalars; multi-line text as literal blocks."""
    pad = " " * indent
    comments = comments or {}
    lines: list[str] = []

    def comment(key: str) -> None:
        lines.extend(f"{pad}# import: {message}" for message in comments.get(key, []))

    if isinstance(value, dict):
        for key, item in value.items():
            where = _key(path, key)
            comment(where)
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(dump(item, indent + 2, comments, where).rstrip("\n"))
            elif isinstance(item, str) and "\n" in item.strip() and all(line == line.rstrip() for line in item.split("\n")):
                # a literal block keeps every line and blank line as written (trailing spaces would be lost: quoted)
                lines.append(f"{pad}{key}: |")
                lines += [f"{pad}  {line}".rstrip() for line in item.strip("\n").split("\n")]
            else:
                lines.append(f"{pad}{key}: {scalar(item) if not isinstance(item, (dict, list)) else '[]'}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            where = _key(path, index)
            comment(where)
            if isinstance(item, dict):
                body = dump(item, indent + 2, comments, where).split("\n")
                while body and body[0].lstrip().startswith("# import:"):  # a comment on the first key: above the "-"
                    lines.append(pad + body.pop(0).lstrip())
                lines.append(f"{pad}- {body[0].lstrip()}")
                lines += body[1:-1] if body[-1] == "" else body[1:]  # blank lines inside literal blocks stay
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return "\n".join(lines) + "\n"
