"""Write a record as YAML by hand, in the key order a person reads, with strings that stay strings."""

from __future__ import annotations

import json
from typing import Any


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML string: "NO" stays "NO"


def dump(value: Any, indent: int = 0) -> str:
    """Block-style YAML of dicts, lists and scalars; multi-line text as literal blocks."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(dump(item, indent + 2).rstrip("\n"))
            elif isinstance(item, str) and "\n" in item.strip() and all(line == line.rstrip() for line in item.split("\n")):
                # a literal block keeps every line and blank line as written (trailing spaces would be lost: quoted)
                lines.append(f"{pad}{key}: |")
                lines += [f"{pad}  {line}".rstrip() for line in item.strip("\n").split("\n")]
            else:
                lines.append(f"{pad}{key}: {scalar(item) if not isinstance(item, (dict, list)) else '[]'}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                body = dump(item, indent + 2).split("\n")
                lines.append(f"{pad}- {body[0].lstrip()}")
                lines += body[1:-1] if body[-1] == "" else body[1:]  # blank lines inside literal blocks stay
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return "\n".join(lines) + "\n"
