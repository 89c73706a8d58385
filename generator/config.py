"""Site settings of the register, read from the `dataset-register` plugin entry of mkdocs.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.errors import RegisterError

PLUGIN_NAME = "dataset-register"
# The EU Publications Office's data themes (http://publications.europa.eu/resource/authority/data-theme).
DATA_THEMES = {
    "AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport", "ENER": "Energy", "ENVI": "Environment",
    "GOVE": "Government and public sector", "HEAL": "Health", "INTR": "International issues",
    "JUST": "Justice, legal system and public safety", "OP_DATPRO": "Provisional data", "REGI": "Regions and cities",
    "SOCI": "Population and society", "TECH": "Science and technology", "TRAN": "Transport",
}


@dataclass(frozen=True)
class SiteConfig:
    """What every renderer and check needs to know about the register as a whole."""

    root: Path
    site_name: str
    site_url: str
    publisher: str
    doi_prefix: str | None
    datasets_dir: Path
    licenses_dir: Path
    allowed_hosts: tuple[str, ...] = ()
    license_versions: tuple[tuple[str, str], ...] = ()  # (license id, version a new record gets)
    themes: tuple[str, ...] = ()  # EU data-theme codes of the whole register, e.g. HEAL, for the DCAT catalog

    @property
    def new_license_versions(self) -> dict[str, str]:
        """The version of each license that `register new` writes (a license not named: its newest)."""
        return dict(self.license_versions)

    @classmethod
    def from_options(cls, root: Path, site_name: str, site_url: str | None, options: dict[str, Any]) -> SiteConfig:
        """Build from mkdocs.yml's values; `options` are the plugin's own."""
        site_url = (site_url or "http://localhost:8000/").rstrip("/") + "/"
        hosts = options.get("allowed_hosts") or [urlsplit(site_url).hostname or "localhost"]
        prefix = options.get("doi_prefix")
        if prefix is not None and not re.fullmatch(r"10\.\d{4,5}", str(prefix)):
            raise RegisterError(f"mkdocs.yml: {PLUGIN_NAME}.doi_prefix: expected a DOI prefix such as 10.23698, found {prefix!r}")
        versions = options.get("license_versions") or {}
        if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
            raise RegisterError(f"mkdocs.yml: {PLUGIN_NAME}.license_versions: expected license names with a quoted "
                                f"version each, such as aida-by: \"1.1\"; found {versions!r}")
        themes = tuple(str(code) for code in options.get("themes") or [])
        unknown = sorted(set(themes) - set(DATA_THEMES))
        if unknown:
            raise RegisterError(f"mkdocs.yml: {PLUGIN_NAME}.themes: {', '.join(unknown)} is not an EU data theme; "
                                f"choose from {', '.join(sorted(DATA_THEMES))}")
        return cls(
            root=root,
            site_name=site_name,
            site_url=site_url,
            publisher=str(options.get("publisher") or site_name),
            doi_prefix=str(prefix) if prefix is not None else None,
            datasets_dir=root / str(options.get("datasets_dir", "datasets")),
            licenses_dir=root / str(options.get("licenses_dir", "licenses")),
            allowed_hosts=tuple(str(host) for host in hosts),
            license_versions=tuple((str(name), version) for name, version in versions.items()),
            themes=themes,
        )


def load(config_file: Path = Path("mkdocs.yml")) -> SiteConfig:
    """Read the register's settings from mkdocs.yml, as MkDocs itself reads the file.

    The file is read by MkDocs' own YAML loader (its !ENV and !relative tags, INHERIT), which lives
    behind the plugin module, the only module that imports MkDocs; `plugins:` may be a list or a mapping.
    """
    from generator.mkdocs_plugin import read_mkdocs_yml  # imported here: MkDocs stays at the edge

    if not config_file.is_file():
        raise RegisterError(f"{config_file}: no such file; run the command in the register's folder or give --config")
    data = read_mkdocs_yml(config_file)
    root = config_file.resolve().parent
    return SiteConfig.from_options(root, str(data.get("site_name", "Dataset register")), data.get("site_url"),
                                   plugin_options(data.get("plugins")))


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The register plugin's options from mkdocs.yml's `plugins:`, in each form MkDocs accepts.

    `plugins:` is a list of names and {name: options} mappings, or one mapping of names to options.
    """
    entries = plugins.items() if isinstance(plugins, dict) else (
        (next(iter(item)), item[next(iter(item))]) if isinstance(item, dict) and item else (item, None)
        for item in plugins or [])
    for name, options in entries:
        if name == PLUGIN_NAME:
            return dict(options or {})
    return {}
