"""The JSON Schema of the record format, for editors (`# yaml-language-server: $schema=...`)."""

from __future__ import annotations

import functools

from generator.model.record import Dataset
from generator.render import dump_json


@functools.cache  # the model's code is what it is made of: made once per process (each rebuild of `mkdocs serve` asked again)
def record_schema() -> str:
    """The schema as JSON text, derived from the model so that it never drifts from the checks."""
    schema = Dataset.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Dataset record"
    return dump_json(schema)
