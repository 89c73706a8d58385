"""Renderers: each turns one validated record into one output format, as a pure function."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from generator.config import SiteConfig
from generator.model.licenses import LicenseLibrary
from generator.model.record import Dataset
from generator.paths import doi_url, orcid_url, ror_url

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
T = TypeVar("T")


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may know besides the record: the site settings, licenses and the other records.

    It also keeps what is resolved for a record (its licenses with their texts, its access, its
    conditions of use): computed the first time a renderer asks, then shared by all the others, so
    that a dataset's dozen outputs read one resolution instead of each making its own.
    """

    config: SiteConfig
    licenses: LicenseLibrary
    datasets: dict[str, Dataset] = field(default_factory=dict)
    _resolved: dict[tuple[int, str], tuple[Dataset, Any]] = field(default_factory=dict, compare=False, repr=False)

    def resolve(self, dataset: Dataset, what: str, compute: Callable[[], T]) -> T:
        """`compute()` for this record, once per context (the record is kept, so its id stays its own)."""
        key = (id(dataset), what)
        found = self._resolved.get(key)
        if found is None or found[0] is not dataset:
            found = self._resolved[key] = (dataset, compute())
        return found[1]


def template_env(directory: Path = TEMPLATES, *, html: bool = True) -> jinja2.Environment:
    """A strict Jinja environment; HTML output is autoescaped; templates link identifiers as paths.py does."""
    import jinja2  # imported here: `register check` reaches this package for RenderContext, not for templates

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(doi_url=doi_url, orcid_url=orcid_url, ror_url=ror_url)
    return env


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


def escape_markdown(text: str) -> str:
    """Make contributor text literal inside generated Markdown: HTML as entities, emphasis and links escaped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def dump_json(data: Any) -> str:
    """The one JSON serialisation of the project: sorted keys, two-space indent, final newline, no Nones.

    The text is that of `json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)` with the Nones
    left out (a test holds them equal), written by orjson: the standard library's encoder is pure Python
    once it indents, and its seven files per dataset took a tenth of the rendering. A value orjson refuses
    or would write otherwise (an integer beyond 64 bits, a key that is not text, a float, an Enum, any type
    but text, numbers, booleans, lists, tuples and mappings) goes to the standard library, which writes it
    or says why not as before.
    """
    try:
        return orjson.dumps(_drop_none(data, only_alike=True), option=_ORJSON).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(_drop_none(data), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


_ORJSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def json_with_list(document: dict[str, Any], key: str, entries: Iterable[str], count: int) -> Iterator[str]:
    """dump_json's text of `document` with `document[key]` the list of `count` values, given as `entries`
    (list_entry of each value's dump_json text), in pieces, read one at a time: the build joins the
    register-wide files from each dataset's part in the render cache instead of building and encoding every
    part again."""
    frame = dump_json({**document, key: [_SLOT] if count else []})
    if not count:
        yield frame
        return
    before, after = frame.split(json.dumps(_SLOT))  # more than one slot would refuse to unpack
    yield before
    for number, entry in enumerate(entries):
        yield ",\n    " + entry if number else entry
    yield after


def list_entry(text: str) -> str:
    """A value's dump_json text as an item of a list at the second level of a dump_json text (json_with_list).

    Pretty-printed JSON nests a value by indenting each of its lines (no JSON text holds a raw line break),
    so such an item is its own text indented by four spaces. Under `mkdocs serve` each dataset's entry is
    worked out once (the build's memo of parts), not at every rebuild: at 5,000 datasets they are 50 MB.
    """
    return text.removesuffix("\n").replace("\n", "\n    ")


_SLOT = "\0"  # where json_with_list's items go: a NUL is escaped in JSON, and no setting holds one


# Written alike by orjson and json, and taken as they are, without a call each (some ninety per JSON file).
# Never float: orjson writes 1e-7 where json writes 1e-07, and null for NaN.
_AS_IS = frozenset({str, int, bool})


def _drop_none(data: Any, only_alike: bool = False) -> Any:
    """`data` without the Nones of its mappings, tuples as lists; with `only_alike`, JSONEncodeError for
    any value that orjson would write otherwise than json (see dump_json)."""
    if isinstance(data, dict):
        return {key: value if type(value) in _AS_IS else _drop_none(value, only_alike)
                for key, value in data.items() if value is not None}
    if isinstance(data, list | tuple):
        return [value if type(value) in _AS_IS else _drop_none(value, only_alike) for value in data]
    if only_alike and data is not None and not (isinstance(data, str | int) and not isinstance(data, Enum)):
        raise orjson.JSONEncodeError(f"{type(data).__name__} is left to json")  # a float, an Enum, a UUID
    return data


def join_names(names: list[str]) -> str:
    """`A`, `A and B`, `A, B, and C`: the serial-comma list the AIDA licenses use."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]
