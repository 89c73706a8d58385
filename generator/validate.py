"""Validate one loaded record: the model's errors and the rules that span several keys, as Problems."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import KeyPath, Problem, describe
from generator.loader import SourceDoc
from generator.model import Agent, Dataset

_PATTERN_HINTS = {
    "file": "expected an image file name ending in .png, .jpg, .jpeg, .gif or .webp, relative to the record file",
    "version": "expected a version number such as 1.0",
}


PLACEHOLDER = "FILL IN"


def parse(doc: SourceDoc, doi_prefix: str | None = None) -> Dataset | None:
    """The validated Dataset, or None with every problem appended to `doc.problems`."""
    if doc.problems and doc.data is None:
        return None
    placeholders = dict(_placeholders(doc.data, ()))
    doc.problems.extend(doc.problem(path, f"fill this in: {text}") for path, text in placeholders.items())
    try:
        dataset = Dataset.model_validate(doc.data, context={"doi_prefix": doi_prefix})
    except ValidationError as error:
        details = [d for d in error.errors(include_url=False) if tuple(d["loc"]) not in placeholders]
        doc.problems.extend(_problem(doc, detail) for detail in details)
        return None
    problems = record_rules(doc, dataset)
    doc.problems.extend(problems)
    return None if doc.problems else dataset


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
    if kind == "extra_forbidden":
        return doc.problem(path, _unknown_key(path), at_key=True)
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


def _unknown_key(path: KeyPath) -> str:
    model = _model_at(path[:-1])
    allowed = sorted(model.model_fields) if model else []
    key = str(path[-1])
    close = difflib.get_close_matches(key.lower().replace("-", "_"), allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {key!r}; {hint}expected one of: {', '.join(allowed)}"


def _model_at(path: KeyPath) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path`, for listing its keys."""
    model: Any = Dataset
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
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
    """Rules that span several keys of one record."""
    problems: list[Problem] = []
    agents = [(("authors", i), agent) for i, agent in enumerate(dataset.authors)]
    agents += [(("copyright", "holders", i), agent) for i, agent in enumerate(dataset.copyright.holders)]
    for path, agent in agents:
        problems += _agent_rules(doc, path, agent)

    if dataset.status == "withdrawn" and dataset.withdrawal is None:
        problems.append(doc.problem(("status",), "a withdrawn dataset needs a 'withdrawal' with its date and reason"))
    if dataset.status != "withdrawn" and dataset.withdrawal is not None:
        problems.append(
            doc.problem(("withdrawal",), f"'withdrawal' is only for withdrawn datasets, but status is {dataset.status!r}")
        )

    def after(later_key: KeyPath, later: Any, earlier_key: str, earlier: Any) -> None:
        if later is not None and earlier is not None and later < earlier:
            problems.append(
                doc.problem(later_key, f"{later.isoformat()} is before {earlier_key} ({earlier.isoformat()})")
            )

    after(("published",), dataset.published, "created", dataset.created)
    after(("modified",), dataset.modified, "published", dataset.published)
    after(("modified",), dataset.modified, "created", dataset.created)
    if dataset.withdrawal:
        after(("withdrawal", "date"), dataset.withdrawal.date, "published", dataset.published)

    for i, work in enumerate(dataset.related):
        if work.doi is None and work.url is None:
            problems.append(doc.problem(("related", i), "give the work's 'doi' (or its 'url' when it has no DOI)"))
        if work.relation in ("is-new-version-of", "is-previous-version-of") and work.doi is None:
            problems.append(doc.problem(("related", i, "relation"), "a version of this dataset is named by its 'doi'"))

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
