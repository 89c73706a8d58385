"""Site settings of the register, read from the `dataset-register` plugin entry of mkdocs.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.errors import RegisterError
from generator.identifiers import url_error

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
class Collection:
    """A collection of datasets, as mkdocs.yml's `collections:` setting describes it."""

    slug: str  # the name records use (collections: [scapis]) and the page's path, collections/<slug>/
    title: str
    description: str = ""  # Markdown
    url: str | None = None  # the collection's own web address (a project or cohort site)
    access: str | None = None  # how to get access to its datasets: a web address, or Markdown text

    @property
    def access_url(self) -> str | None:
        """The access procedure when it is a web address, else None (it is text)."""
        return self.access if self.access and url_error(self.access) is None else None


def _slug_title(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


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
    # Landing URLs end in "/" (…/10.23698/aida/ctpa/); false for a register migrated with URLs that did not,
    # so that the URL DataCite holds for each DOI stays as it was (docs/migrating.md).
    landing_url_slash: bool = True
    # mkdocs.yml's `collections:`; None when the setting is not given, and every name a record uses is then a
    # collection titled after its name (docs/collection-settings.md).
    collections: tuple[Collection, ...] | None = None

    def collection(self, slug: str) -> Collection:
        """The collection a record names: as the setting describes it, or titled after its name."""
        for collection in self.collections or ():
            if collection.slug == slug:
                return collection
        return Collection(slug, _slug_title(slug))

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
            landing_url_slash=options.get("landing_url_slash", True) is not False,
            collections=_collections(options.get("collections")),
        )


def _collections(setting: Any) -> tuple[Collection, ...] | None:
    """mkdocs.yml's `collections:`: each name with its title, and optionally description, url and access."""
    if setting is None:
        return None
    where = f"mkdocs.yml: {PLUGIN_NAME}.collections"
    if not isinstance(setting, dict):
        raise RegisterError(f"{where}: expected collection names, each with its title, such as "
                            f"scapis: {{title: SCAPIS}}; found {setting!r}")
    found = []
    for slug, entry in setting.items():
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(slug)):
            raise RegisterError(f"{where}.{slug}: a collection's name is lower-case letters, digits and hyphens, "
                                "such as lung-cohort, as records write it")
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str) or not entry["title"].strip():
            raise RegisterError(f"{where}.{slug}: expected its title, such as title: {_slug_title(str(slug))!r}")
        unknown = sorted(set(entry) - {"title", "description", "url", "access"})
        if unknown:
            raise RegisterError(f"{where}.{slug}: unknown key {', '.join(unknown)}; "
                                "a collection has title, description, url and access")
        values = {key: entry.get(key) for key in ("description", "url", "access")}
        for key, value in values.items():
            if value is not None and not isinstance(value, str):
                raise RegisterError(f"{where}.{slug}.{key}: expected text, found {value!r}")
        if values["url"] and url_error(values["url"]):
            raise RegisterError(f"{where}.{slug}.url: {url_error(values['url'])}, found {values['url']!r}")
        found.append(Collection(str(slug), " ".join(entry["title"].split()), (values["description"] or "").strip(),
                                values["url"] or None, (values["access"] or "").strip() or None))
    return tuple(found)


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
