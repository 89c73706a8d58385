"""Validate one loaded record: the model's errors and the rules that span several keys, as Problems."""

from __future__ import annotations

import copy
import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.errors import KeyPath, Problem, describe
from generator.model.record import Agent, Dataset
from generator.source.loader import SourceDoc
from generator.vocabularies import KEPT_DATA, LEVEL_KEEPS, lowest_level

_PATTERN_HINTS = {
    "file": "expected an image file name ending in .png, .jpg, .jpeg, .gif or .webp, relative to the record file",
    "version": "expected a version number such as 1.0",
}


PLACEHOLDER = "FILL IN"


def parse(doc: SourceDoc, doi_prefix: str | None = None) -> Dataset | None:
    """The validated Dataset, or None with every problem appended to `doc.problems`."""
    dataset = check(doc, doi_prefix)
    return None if doc.problems else dataset


def check(doc: SourceDoc, doi_prefix: str | None = None) -> Dataset | None:
    """Append every problem of the record alone to `doc.problems`; the Dataset for the checks that follow.

    So that one run reports everything, a record with mistakes is repaired for the later checks
    (licenses, images, other records, DataCite): each broken value is replaced by a harmless stand-in,
    and `doc.covered` remembers where, so that no later check reports a stand-in. The Dataset of a
    record with problems is never built: callers must not publish it.
    """
    if doc.problems and doc.data is None:
        return None
    placeholders = dict(_placeholders(doc.data, ()))
    doc.problems.extend(doc.problem(path, f"fill this in: {text}") for path, text in placeholders.items())
    for path in placeholders:
        doc.cover(path)
    context = {"doi_prefix": doi_prefix}
    data = doc.data
    dataset: Dataset | None
    try:
        dataset = Dataset.model_validate(data, context=context)
    except ValidationError as error:
        details = [d for d in error.errors(include_url=False) if tuple(d["loc"]) not in placeholders]
        doc.problems.extend(_problems(doc, details))
        dataset = _repair(doc, data, error, context)
        if dataset is None:
            return None
    for problem in record_rules(doc, dataset):
        if not doc.is_covered(problem):
            doc.problems.append(problem)
    for problem in doc.problems:
        doc.cover(problem.key)
    return dataset


def _problems(doc: SourceDoc, details: list[Any]) -> list[Problem]:
    """One problem per mistake: a misspelt key is one message at the key, not also a missing key elsewhere."""
    missing = {tuple(d["loc"]) for d in details if d["type"] == "missing"}
    explained: set[KeyPath] = set()
    problems = []
    for detail in details:
        path: KeyPath = tuple(detail["loc"])
        if detail["type"] == "extra_forbidden":
            message, meant = _unknown_key(path, {p[-1] for p in missing if p[:-1] == path[:-1]})
            if meant is not None:
                explained.add((*path[:-1], meant))
            problems.append(doc.problem(path, message, at_key=True))
    problems += [_problem(doc, d) for d in details if d["type"] != "extra_forbidden" and tuple(d["loc"]) not in explained]
    return problems


_MAX_REPAIRS = 5


def _repair(doc: SourceDoc, data: Any, error: ValidationError, context: dict[str, Any]) -> Dataset | None:
    """The record with each broken value replaced by a stand-in that passes, or None when that fails."""
    repaired = copy.deepcopy(data)
    if not isinstance(repaired, dict):
        return None
    for _ in range(_MAX_REPAIRS):
        # From the last list item to the first, so that removing an item moves none still to repair.
        locs = sorted((tuple(detail["loc"]) for detail in error.errors(include_url=False)), key=_loc_order, reverse=True)
        for loc in locs:
            covered = _replace(repaired, loc)
            if covered is None:
                return None
            doc.cover(covered)
        try:
            return Dataset.model_validate(repaired, context=context)
        except ValidationError as again:
            error = again
    return None


def _loc_order(loc: KeyPath) -> tuple[tuple[int, str], ...]:
    return tuple((part, "") if isinstance(part, int) else (-1, part) for part in loc)


def _replace(data: dict[str, Any], loc: KeyPath) -> KeyPath | None:
    """Put a stand-in at `loc`, and return the part of the record it stands in for (None: not possible).

    An unknown key is dropped, and its whole mapping counts as repaired; a bad item of a list of
    texts is dropped (a stand-in could repeat another item); anything else gets a valid value of its type.
    """
    model, parent = _model_at(loc[:-1]), _container(data, loc[:-1])
    key = loc[-1]
    if parent is None:
        return None
    if isinstance(parent, dict) and isinstance(key, str) and (model is None or key not in model.model_fields):
        parent.pop(key, None)
        return loc[:-1]
    annotation = _annotation_at(loc)
    if annotation is None:
        return None
    stand_in = _stand_in(annotation)
    if isinstance(parent, list) and isinstance(key, int) and key < len(parent):
        if not isinstance(stand_in, dict):
            del parent[key]
            return loc[:-1]
        parent[key] = stand_in
    elif isinstance(parent, dict):
        parent[key] = stand_in
    else:
        return None
    return loc


def _container(data: Any, path: KeyPath) -> Any:
    """The list or mapping at `path` in the loaded record, or None."""
    for part in path:
        if isinstance(data, list) and isinstance(part, int):
            data = data[part] if part < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _annotation_at(loc: KeyPath) -> Any:
    """The type annotation of the value at `loc` (an item's type for a list index)."""
    annotation: Any = Dataset
    for part in loc:
        if isinstance(part, int):
            annotation = _list_item(annotation)
        else:
            model = _inner_model(annotation)
            field = model.model_fields.get(part) if model else None
            if field is None:
                return None
            annotation = field.annotation
        if annotation is None:
            return None
    return annotation


def _list_item(annotation: Any) -> Any:
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    for argument in typing.get_args(annotation):
        found = _list_item(argument)
        if found is not None:
            return found
    return None


# Values tried, in order, for a scalar stand-in: the first that the field's type accepts is used.
_CANDIDATES: tuple[Any, ...] = ("stand-in", "2000-01-01", "10.0000/stand-in", "CT", "SE", "CC0-1.0", "2000", "1", "1-2",
                                "https://example.org/", "stand-in@example.org", "0000-0002-1825-0097", "39607008",
                                "https://ror.org/048a87296", "DUO:0000006", "MONDO:0000001", "completed", "is-described-by", "article", "a.png")


# Parts whose keys are all optional but which the later checks need whole (DataCite needs a name).
_MODEL_STAND_INS: dict[str, Any] = {"Agent": {"organization": "stand-in"}, "LicenseRef": {"spdx": "CC0-1.0"},
                                    "RelatedWork": {"relation": "references", "url": "https://example.org/"}}


def _stand_in(annotation: Any) -> Any:
    """A value of the loader's kind (text, lists, mappings) that `annotation` accepts, or None."""
    if typing.get_origin(annotation) is typing.Annotated:
        base = typing.get_args(annotation)[0]
        if typing.get_origin(base) is list or _inner_model(base) is base:
            return _stand_in(base)
    model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    if model is not None and model.__name__ in _MODEL_STAND_INS:
        return copy.deepcopy(_MODEL_STAND_INS[model.__name__])
    if model is not None:
        return {name: _stand_in(field.annotation) for name, field in model.model_fields.items() if field.is_required()}
    if typing.get_origin(annotation) is list:
        return [_stand_in(typing.get_args(annotation)[0])]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _stand_in(options[0]) if options else None
    adapter = TypeAdapter(annotation)
    for candidate in _CANDIDATES:
        try:
            adapter.validate_python(candidate)
        except (ValidationError, TypeError, ValueError):
            continue
        return candidate
    return None


def _placeholders(data: Any, path: KeyPath) -> list[tuple[KeyPath, str]]:
    """Values `register new` left for the contributor, e.g. "FILL IN: the dataset's full title"."""
    if isinstance(data, str) and data.startswith(PLACEHOLDER):
        return [(path, data.removeprefix(PLACEHOLDER).lstrip(": ") or "a value is needed here")]
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    return [found for key, value in items for found in _placeholders(value, (*path, key))]


def _problem(doc: SourceDoc, detail: Any) -> Problem:
    path: KeyPath = tuple(detail["loc"])
    kind, found, ctx = detail["type"], detail.get("input"), detail.get("ctx") or {}
    if kind == "missing":
        return doc.problem(path, f"required key {path[-1]!r} is missing")
    message = _MESSAGES.get(kind)
    if kind == "register":
        message = detail["msg"]
    elif kind == "string_pattern_mismatch":
        message = _PATTERN_HINTS.get(str(path[-1]), f"expected text matching {ctx.get('pattern')}")
    elif kind == "literal_error":
        message = f"expected one of: {ctx['expected'].replace(chr(39), '')}"
    elif kind == "string_too_long":
        message = f"is {len(found):,} characters long; at most {ctx['max_length']:,} are allowed"
        return doc.problem(path, message)
    elif kind == "too_short":
        return doc.problem(path, f"expected at least {ctx['min_length']} item, found none")
    elif kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        message = f"expected a number of {'at least' if kind == 'greater_than_equal' else 'at most'} {bound}"
    if message is None:  # a pydantic error type without a sentence of ours: keep its own words
        message = detail["msg"][0].lower() + detail["msg"][1:]
    return doc.problem(path, f"{message}, found {describe(found)}")


_MESSAGES = {
    "string_type": "expected text",
    "string_too_short": "expected text",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "list_type": "expected a list (one '- item' per line)",
    "model_type": "expected a mapping of keys",
    "dict_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "date_type": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
}


def _unknown_key(path: KeyPath, missing: set[str | int]) -> tuple[str, str | None]:
    """The message for an unknown key, and the missing key it most likely means (then not reported apart)."""
    model = _model_at(path[:-1])
    allowed = sorted(model.model_fields) if model else []
    key = str(path[-1])
    wanted = key.lower().replace("-", "_")
    meant = difflib.get_close_matches(wanted, [str(name) for name in missing], n=1, cutoff=0.6)
    close = meant or difflib.get_close_matches(wanted, allowed, n=1, cutoff=0.6)
    if meant:
        return f"unknown key {key!r}; did you mean {meant[0]!r}? Rename it (the record needs {meant[0]!r})", meant[0]
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {key!r}; {hint}expected one of: {', '.join(allowed)}", None


def _model_at(path: KeyPath) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path`, for listing its keys."""
    model: type[BaseModel] | None = Dataset
    for part in path:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _inner_model(argument)
        if found:
            return found
    return None


def record_rules(doc: SourceDoc, dataset: Dataset) -> list[Problem]:
    """Rules that span several keys of one record, one function per part of the record."""
    problems: list[Problem] = []
    agents: list[tuple[KeyPath, Agent]] = [(("authors", i), agent) for i, agent in enumerate(dataset.authors)]
    agents += [(("copyright", "holders", i), agent) for i, agent in enumerate(dataset.copyright.holders)]
    for path, agent in agents:
        problems += _agent_rules(doc, path, agent)
    for rules in (_status_rules, _date_rules, _related_rules, _license_rules, _privacy_rules):
        problems += rules(doc, dataset)
    return problems


def _status_rules(doc: SourceDoc, dataset: Dataset) -> list[Problem]:
    """A withdrawn dataset has a withdrawal, and only a withdrawn one."""
    if dataset.status == "withdrawn" and dataset.withdrawal is None:
        return [doc.problem(("status",), "a withdrawn dataset needs a 'withdrawal' with its date and reason")]
    if dataset.status != "withdrawn" and dataset.withdrawal is not None:
        return [doc.problem(("withdrawal",), f"'withdrawal' is only for withdrawn datasets, but status is {dataset.status!r}")]
    return []


def _date_rules(doc: SourceDoc, dataset: Dataset) -> list[Problem]:
    """The dates follow the dataset's life: created, published, modified, withdrawn."""
    problems: list[Problem] = []

    def after(later_key: KeyPath, later: Any, earlier_key: str, earlier: Any) -> None:
        if later is not None and earlier is not None and later < earlier:
            problems.append(doc.problem(later_key, f"{later.isoformat()} is before {earlier_key} ({earlier.isoformat()})"))

    after(("published",), dataset.published, "created", dataset.created)
    after(("modified",), dataset.modified, "published", dataset.published)
    after(("modified",), dataset.modified, "created", dataset.created)
    if dataset.withdrawal:
        after(("withdrawal", "date"), dataset.withdrawal.date, "published", dataset.published)
    return problems


def _related_rules(doc: SourceDoc, dataset: Dataset) -> list[Problem]:
    """Each related work can be found; a version of this dataset is named by its DOI."""
    problems: list[Problem] = []
    for i, work in enumerate(dataset.related):
        if work.doi is None and work.url is None:
            problems.append(doc.problem(("related", i), "give the work's 'doi' (or its 'url' when it has no DOI)"))
        if work.relation in ("is-new-version-of", "is-previous-version-of") and work.doi is None:
            problems.append(doc.problem(("related", i, "relation"), "a version of this dataset is named by its 'doi'"))
    return problems


def _license_rules(doc: SourceDoc, dataset: Dataset) -> list[Problem]:
    """Each license is one of a template, a standard (SPDX) license or the dataset's own text."""
    problems: list[Problem] = []
    for i, license in enumerate(dataset.licenses):
        if [license.id, license.spdx, license.text].count(None) != 2:
            problems.append(
                doc.problem(("licenses", i), "give one of 'id' (a template in licenses/), 'spdx' (a standard license) "
                            "or 'title' and 'text' (the dataset's own license text)")
            )
        elif license.spdx and (license.version or license.parameters):
            keys = ", ".join(repr(k) for k in ([*(["version"] if license.version else []), *license.parameters]))
            problems.append(doc.problem(("licenses", i), f"an SPDX license takes no parameters; remove {keys}"))
    return problems


DISEASE_SPECIFIC = "DUO:0000007"


def _privacy_rules(doc: SourceDoc, dataset: Dataset) -> list[Problem]:
    """A published dataset from patients says how it was made anonymous; use conditions name what they need."""
    problems = []
    clinical = not dataset.synthetic and (dataset.origin or "").strip().lower() == "clinical"
    if clinical and not dataset.hidden and dataset.deidentification is None:
        problems.append(doc.problem(("origin",), "a published dataset of clinical origin needs a 'deidentification' "
                                    "statement: how the data was made anonymous (see the record format)"))
    statement = dataset.deidentification
    if statement and statement.level == 6 and not statement.motivation:
        problems.append(doc.problem(("deidentification", "level"), "level 6 keeps further characterizing data: "
                                    "give the 'motivation' for it, as the policy asks"))
    if statement and statement.level is not None:
        for i, kept in enumerate(statement.kept):
            if kept not in LEVEL_KEEPS[statement.level]:
                problems.append(doc.problem(("deidentification", "kept", i), f"level {statement.level} does not keep "
                                            f"{KEPT_DATA[kept]}; the policy's scale keeps it from level "
                                            f"{lowest_level(kept)}: raise 'level' or remove {kept!r} here"))
    for i, condition in enumerate(dataset.use_conditions):
        if condition.code == DISEASE_SPECIFIC and not condition.disease:
            problems.append(doc.problem(("use_conditions", i), "disease specific research (DUO:0000007) names its "
                                        "disease: add 'disease' with its MONDO id"))
        elif condition.disease and condition.code != DISEASE_SPECIFIC:
            problems.append(doc.problem(("use_conditions", i, "disease"), "'disease' belongs to disease specific "
                                        "research (DUO:0000007) only"))
    return problems


def _agent_rules(doc: SourceDoc, path: KeyPath, agent: Agent) -> list[Problem]:
    problems = []
    if (agent.family_name is None) == (agent.organization is None):
        problems.append(
            doc.problem(path, "give either 'family_name' and 'given_name' (a person) or 'organization', not both")
        )
    elif agent.organization is not None:
        for key in ("given_name", "orcid", "affiliations"):
            if getattr(agent, key):
                problems.append(doc.problem((*path, key), f"{key!r} is for persons, but this is an organization"))
    elif agent.ror is not None or agent.url is not None:
        key = "ror" if agent.ror else "url"
        problems.append(
            doc.problem((*path, key), f"{key!r} is for organizations; put a person's institution under 'affiliations'")
        )
    return problems
