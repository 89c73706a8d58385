"""The record format reference page, generated from the model's field descriptions so it never drifts."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.model import record as record_model
from generator.model.record import Dataset

# Each part of a record by the name people use for it (the class names stay in the code), with its anchor.
SECTIONS: dict[type[BaseModel], str] = {
    record_model.Dataset: "The dataset",
    record_model.Withdrawal: "Withdrawal",
    record_model.Agent: "Authors and copyright holders",
    record_model.Affiliation: "Affiliations",
    record_model.Copyright: "Copyright",
    record_model.Contact: "Contacts",
    record_model.Organ: "Organs",
    record_model.Counts: "Counts",
    record_model.LicenseRef: "Licenses",
    record_model.Access: "Access",
    record_model.RelatedWork: "Related works",
    record_model.Funding: "Funding",
    record_model.ExampleImage: "Example images",
    record_model.Deidentification: "De-identification",
    record_model.UseCondition: "Conditions of use",
}

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
        return f"[{section_name(annotation).lower()}](#{anchor(annotation)})"
    return {"str": "text", "int": "whole number", "bool": "`true` or `false`", "date": "date YYYY-MM-DD"}.get(
        getattr(annotation, "__name__", str(annotation)), str(annotation))


def section_name(model: type[BaseModel]) -> str:
    """The heading of a part of the record: the name people use, e.g. "Related works" for RelatedWork."""
    return SECTIONS.get(model) or " ".join(re.findall(r"[A-Z][a-z]*", model.__name__)).capitalize()


def anchor(model: type[BaseModel]) -> str:
    return re.sub(r"[^a-z0-9]+", "-", section_name(model).lower()).strip("-")


def _used_under(target: type[BaseModel]) -> list[str]:
    """The record keys that hold this part, e.g. ['authors', 'copyright.holders'] for a person or organization."""
    found: list[str] = []

    def walk(model: type[BaseModel], prefix: str, seen: tuple[type[BaseModel], ...]) -> None:
        for name, field in model.model_fields.items():
            for inner in _inner_models(field.annotation):
                if inner is target:
                    found.append(prefix + name)
                elif inner not in seen:
                    walk(inner, f"{prefix}{name}.", (*seen, inner))

    walk(Dataset, "", (Dataset,))
    return found


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
        keys = _used_under(model)
        where = f" Under {', '.join(f'`{key}`' for key in keys)}." if keys else ""
        parts.append(f"## {section_name(model)} {{ #{anchor(model)} }}\n\n{(model.__doc__ or '').strip()}{where}\n")
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
