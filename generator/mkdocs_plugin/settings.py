"""mkdocs.yml read as MkDocs reads it, for the commands that need the register's settings but not a build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import yaml_load

from generator.errors import RegisterError


def read_mkdocs_yml(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it: its own YAML loader, with !ENV, !relative and INHERIT."""
    try:
        with config_file.open("rb") as source:
            data = yaml_load(source)
    except ConfigurationError as error:
        raise RegisterError(f"{config_file}: {error}") from None
    if not isinstance(data, dict):
        raise RegisterError(f"{config_file}: expected the settings as a mapping of keys")
    return data
