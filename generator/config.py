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
# The EHDS categories of electronic health data (Article 51), as HealthDCAT-AP's health-category vocabulary
# lists them (https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories), with its English labels.
HEALTH_CATEGORIES = {
    "DIOH": "Data on factors impacting on health, including socio-economic, environmental and behavioural determinants of health",
    "EHCT": "Data from clinical trials, clinical studies, clinical investigations and performance studies subject to "
            "Regulation (EU) No 536/2014, Regulation (EU) 2024/1938 of the European Parliament and of the Council34, "
            "Regulation (EU) 2017/745 and Regulation (EU) 2017/746",
    "EHRS": "Electronic health data from EHRs",
    "EINS": "Health data from biobanks and associated databases",
    "EMRD": "Other health data from medical devices",
    "HGPD": "Human genetic, epigenomic and genomic data",
    "HPML": "Other human molecular data such as proteomic, transcriptomic, metabolomic, lipidomic and other omic data",
    "HRAD": "Healthcare-related administrative data, including on dispensations, reimbursement claims and reimbursements",
    "IDHP": "Data on professional status, and on the specialisation and institution of health professionals involved "
            "in the treatment of a natural person",
    "MRMR": "Data from medical registries and mortality registries",
    "NRPE": "Aggregated data on healthcare needs, resources allocated to healthcare, the provision of and access to "
            "healthcare, healthcare expenditure and financing",
    "PGEH": "Personal electronic health data automatically generated through medical devices",
    "PHDR": "Data from population-based health data registries such as public health registries",
    "RMMD": "Data from registries for medicinal products and medical devices",
    "RPDG": "Data on pathogens that impact human health",
    "RQSH": "Data from research cohorts, questionnaires and surveys related to health, after the first publication of "
            "the related results",
    "WELA": "Data from wellness applications",
}
# Legal acts are named by their European Legislation Identifier, e.g. http://data.europa.eu/eli/reg/2025/327/oj (EHDS).
ELI = "http://data.europa.eu/eli/"


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
    cache_dir: Path  # where checks and builds keep what the next run can reuse: .cache/ beside mkdocs.yml, never published
    allowed_hosts: tuple[str, ...] = ()
    license_versions: tuple[tuple[str, str], ...] = ()  # (license id, version a new record gets)
    themes: tuple[str, ...] = ()  # EU data-theme codes of the whole register, e.g. HEAL, for the DCAT catalog
    # HealthDCAT-AP, for the DCAT catalog (docs/dcat.md): the EHDS health categories of the register's data, the
    # legal acts that apply to it (ELI IRIs), and the hub's contact e-mail (mkdocs.yml extra.hub.contact), the
    # address for questions about a dataset or access, which the catalog gives as the publisher's contact point.
    health_categories: tuple[str, ...] = ()
    applicable_legislation: tuple[str, ...] = ()
    contact_email: str | None = None
    # Landing URLs end in "/" (…/10.23698/aida/ctpa/); false for a register migrated with URLs that did not,
    # so that the URL DataCite holds for each DOI stays as it was (docs/migrating.md).
    landing_url_slash: bool = True
    # mkdocs.yml's `collections:`; None when the setting is not given, and every name a record uses is then a
    # collection titled after its name (docs/collection-settings.md).
    collections: tuple[Collection, ...] | None = None
    # The home list shows this many datasets per page; the other pages follow at paths.list_page_path.
    list_page_size: int = 200

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
    def from_options(cls, root: Path, site_name: str, site_url: str | None, options: dict[str, Any],
                     extra: dict[str, Any] | None = None) -> SiteConfig:
        """Build from mkdocs.yml's values; `options` are the plugin's own, `extra` mkdocs.yml's `extra:`."""
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
        categories = tuple(str(code) for code in options.get("health_categories") or [])
        unknown = sorted(set(categories) - set(HEALTH_CATEGORIES))
        if unknown:
            raise RegisterError(f"mkdocs.yml: {PLUGIN_NAME}.health_categories: {', '.join(unknown)} is not an EHDS health "
                                f"category of HealthDCAT-AP; choose from {', '.join(sorted(HEALTH_CATEGORIES))}")
        legislation = tuple(str(iri) for iri in options.get("applicable_legislation") or [])
        for iri in legislation:
            if not iri.startswith(ELI) or any(char.isspace() for char in iri):
                raise RegisterError(f"mkdocs.yml: {PLUGIN_NAME}.applicable_legislation: expected the European Legislation "
                                    f"Identifier of a legal act, such as {ELI}reg/2025/327/oj; found {iri!r}")
        page_size = options.get("list_page_size", 200)
        if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
            raise RegisterError(f"mkdocs.yml: {PLUGIN_NAME}.list_page_size: expected a whole number of datasets per "
                                f"page of the list, such as 200; found {page_size!r}")
        hub = (extra or {}).get("hub")
        contact = hub.get("contact") if isinstance(hub, dict) else None
        return cls(
            root=root,
            site_name=site_name,
            site_url=site_url,
            publisher=str(options.get("publisher") or site_name),
            doi_prefix=str(prefix) if prefix is not None else None,
            datasets_dir=root / str(options.get("datasets_dir", "datasets")),
            licenses_dir=root / str(options.get("licenses_dir", "licenses")),
            cache_dir=root / ".cache",
            allowed_hosts=tuple(str(host) for host in hosts),
            license_versions=tuple((str(name), version) for name, version in versions.items()),
            themes=themes,
            health_categories=categories,
            applicable_legislation=legislation,
            contact_email=str(contact) if contact else None,
            landing_url_slash=options.get("landing_url_slash", True) is not False,
            collections=_collections(options.get("collections")),
            list_page_size=page_size,
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
    in the plugin's package, the only one that imports MkDocs; `plugins:` may be a list or a mapping.
    """
    from generator.mkdocs_plugin.settings import read_mkdocs_yml  # imported here: MkDocs stays at the edge

    if not config_file.is_file():
        raise RegisterError(f"{config_file}: no such file; run the command in the register's folder or give --config")
    data = read_mkdocs_yml(config_file)
    root = config_file.resolve().parent
    return SiteConfig.from_options(root, str(data.get("site_name", "Dataset register")), data.get("site_url"),
                                   plugin_options(data.get("plugins")), data.get("extra"))


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
