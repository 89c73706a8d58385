"""The record format reference page, generated from the model's field descriptions so it never drifts."""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.model.record import Dataset

INTRO = """\
# Record format

A record is a YAML file in `datasets/`, named after the DOI suffix with `/` written as `-`
(`10.23698/aida/ctpa` → `datasets/aida-ctpa.yaml`). Keys are lower case and fixed: an unknown key is
reported, never ignored. Every value is read as written: `version: 1.10` stays `1.10`, and the
country code `NO` stays Norway. Leave out what you do not know rather than writing a guess.
Editors that read `# yaml-language-server: $schema=../schema/dataset.schema.json` check the same
rules as you type.

This page is generated from the register's own model, so it always says what `register check` checks.
"""


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(arg) for arg in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{arg}`" for arg in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__.lower()}](#{annotation.__name__.lower()})"
    return {"str": "text", "int": "whole number", "bool": "`true` or `false`", "date": "date YYYY-MM-DD"}.get(
        getattr(annotation, "__name__", str(annotation)), str(annotation))


def _models(model: type[BaseModel], seen: list[type[BaseModel]]) -> list[type[BaseModel]]:
    if model in seen:
        return seen
    seen.append(model)
    for field in model.model_fields.values():
        for inner in _inner_models(field.annotation):
            _models(inner, seen)
    return seen


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _inner_models(arg)]


def render(example: Path | None = None) -> str:
    """Markdown of the whole reference: one table per part of a record, then the example record."""
    parts = [INTRO]
    for model in _models(Dataset, []):
        title = "The dataset" if model is Dataset else model.__name__
        anchor = model.__name__.lower()
        parts.append(f"## {title} {{ #{anchor} }}\n\n{(model.__doc__ or '').strip()}\n")
        rows = ["| key | required | value | what it holds |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            required = "yes" if field.is_required() else ""
            description = (field.description or "").replace("|", "\\|")
            rows.append(f"| `{name}` | {required} | {_type_name(field.annotation)} | {description} |")
        if model.model_config.get("extra") == "allow":
            rows.append("| *(others)* | | | the parameters of the license template, listed on its page |")
        parts.append("\n".join(rows) + "\n")
    if example and example.is_file():
        parts.append("## An example with every key\n\n"
                     f"`datasets/{example.name}`, a synthetic dataset:\n\n```yaml\n{example.read_text(encoding='utf-8')}```\n")
    return "\n".join(parts)
