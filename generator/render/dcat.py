"""The register as a DCAT-AP 3 catalog with the HealthDCAT-AP properties the records can fill: JSON-LD and Turtle.

Checked in the tests against the official DCAT-AP 3.0.1 SHACL shapes (tests/reference/dcat-ap-3.0.1-shacl/)
and, each dataset with the shapes of its access level, against the HealthData@EU validator's HealthDCAT-AP
shapes (tests/reference/healthdcat-ap-r8/). DCAT-AP puts licences on a Distribution, which says how the
data is obtained: the data of this register is not a public download, so each dataset has one
distribution whose access URL is the Access section of its landing page (the access procedure), with the
first usage license as its licence, the other licenses as rights statements, and the conditions of use
(GA4GH DUO terms) as its ODRL policy. Every term of a controlled vocabulary names its scheme (skos:inScheme), as the
HealthDCAT-AP vocabulary shapes require. What the records cannot fill yet is listed in docs/dcat.md.
"""

from __future__ import annotations

import collections
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from generator.config import DATA_THEMES, HEALTH_CATEGORIES
from generator.model.record import Agent, Contact, Dataset
from generator.paths import doi_url, landing_url, orcid_url, ror_url
from generator.render import RenderContext, access, dump_json, json_with_list, license_text
from generator.render.conditions import deidentification_text, use_conditions

CONTEXT = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
           "vcard": "http://www.w3.org/2006/vcard/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#",
           "skos": "http://www.w3.org/2004/02/skos/core#", "adms": "http://www.w3.org/ns/adms#",
           "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "dcatap": "http://data.europa.eu/r5r/",
           "eli": "http://data.europa.eu/eli/ontology#", "cv": "http://data.europa.eu/m8g/",
           "odrl": "http://www.w3.org/ns/odrl/2/", "dpv": "https://w3id.org/dpv#", "dpvpd": "https://w3id.org/dpv/dpv-pd#",
           "healthdcatap": "http://healthdataportal.eu/ns/health#"}
EU = "http://publications.europa.eu/resource/authority/"
ACCESS_RIGHTS = EU + "access-right/"
THEMES = EU + "data-theme"
HEALTH_EU = "https://hdeu-dcat.data.health.europa.eu/resource/authority/"
# The EU vocabularies the catalog takes terms from, with their titles.
SCHEMES = {EU + "access-right": "Access right", THEMES: "Data theme", EU + "language": "Language",
           EU + "distribution-status": "Distribution status", EU + "planned-availability": "Planned availability",
           EU + "dataset-type": "Dataset type", HEALTH_EU + "healthcategories": "Health Categories",
           HEALTH_EU + "coding-system": "Coding Systems"}
ACCESS_LABELS = {"PUBLIC": "Public", "RESTRICTED": "Restricted", "NON_PUBLIC": "Non-public"}
# HealthDCAT-AP's coding systems (its coding-system vocabulary) for the codes a record holds: organs are
# given with SNOMED CT concept ids, modalities with DICOM's defined terms (DICOM Controlled Terminology).
SNOMED_CT = (HEALTH_EU + "coding-system/SNOMED-CT", "Systematized Nomenclature of Medicine — Clinical Terms")
DICOM_CT = (HEALTH_EU + "coding-system/DICOM-CT", "Digital Imaging and Communications in Medicine Controlled Terminology")
# What the de-identification statement says was kept with the images, as DPV personal-data categories
# (the dpv-pd namespace, which HealthDCAT-AP's shapes require). DPV-PD has Gender but no category for sex.
PERSONAL_DATA = {item: CONTEXT["dpvpd"] + category for item, category in
                 (("age", "Age"), ("sex", "Gender"), ("diagnosis", "MedicalHealth"))}
SYNTHETIC = "The data is synthetic: computer-generated, not from real patients."
# The metadata itself, as DataCite publishes it: CC0.
METADATA_LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"


def _typed(iri: str, kind: str) -> dict[str, str]:
    """A node that DCAT-AP wants with its class stated (a landing page is a foaf:Document, and so on)."""
    return {"@id": iri, "@type": kind}


def _concept(iri: str, label: str, *kinds: str) -> dict[str, Any]:
    """A term of a controlled vocabulary, with the label DCAT-AP requires of every skos:Concept and its scheme."""
    scheme = iri.rsplit("/", 1)[0]
    return {"@id": iri, "@type": [*kinds, "skos:Concept"], "skos:prefLabel": label,
            "skos:inScheme": {"@id": scheme, "@type": "skos:ConceptScheme", "dct:title": SCHEMES[scheme]}}


def _date(value: Any) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _count(value: int) -> dict[str, str]:
    return {"@value": str(value), "@type": "xsd:nonNegativeInteger"}


def _agent(agent: Agent) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": ["foaf:Agent", "foaf:Person" if agent.is_person else "foaf:Organization"],
                            "foaf:name": agent.display_name}
    if agent.orcid:
        node["@id"] = orcid_url(agent.orcid)
    elif agent.ror:
        node["@id"] = ror_url(agent.ror)
    return node


def _contact(contact: Contact) -> dict[str, Any]:
    """A contact point as vCard; HealthDCAT-AP wants an e-mail or a web address for each."""
    node: dict[str, Any] = {"@type": "vcard:Kind", "vcard:fn": contact.name}
    if contact.email:
        node["vcard:hasEmail"] = {"@id": f"mailto:{contact.email}"}
    if contact.url:
        node["vcard:hasURL"] = {"@id": contact.url}
    return node


def _legislation(ctx: RenderContext) -> list[dict[str, str]]:
    """The legal acts the register's settings name (HealthDCAT-AP requires them on catalog, dataset and distribution)."""
    return [_typed(iri, "eli:LegalResource") for iri in ctx.config.applicable_legislation]


def access_right(dataset: Dataset, ctx: RenderContext) -> str:
    """The EU access-right code: a withdrawn dataset's data is not available at all."""
    level = access.classify(dataset, ctx)
    return "NON_PUBLIC" if not level.available else "PUBLIC" if level.open else "RESTRICTED"


def _use_conditions(dataset: Dataset, ctx: RenderContext) -> dict[str, Any] | None:
    """The conditions of use as one ODRL policy (DCAT-AP allows one per distribution), typed by its DUO terms.

    DUO terms are OWL classes, as dct:type wants; the policy's label says each in plain words with its code.
    """
    conditions = use_conditions(dataset, ctx)
    if not conditions:
        return None
    words = []
    for condition in conditions:
        detail = ", ".join(part for part in (condition.term.code, condition.disease) if part)
        words.append(f"{condition.term.label} ({detail}), from {condition.source}"
                     + (f": {condition.note}" if condition.note else ""))
    return {"@id": landing_url(ctx.config, dataset.doi) + "#use-conditions", "@type": "odrl:Policy",
            "rdfs:label": "Conditions of use (GA4GH Data Use Ontology): " + "; ".join(words) + ".",
            "dct:type": [{"@id": condition.term.iri} for condition in conditions],
            "dct:subject": [{"@id": condition.disease_iri} for condition in conditions if condition.disease_iri]}


def _distribution(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """How the data is obtained: the access procedure on the landing page, under the dataset's licenses."""
    landing = landing_url(ctx.config, dataset.doi)
    licenses = license_text.build(dataset, ctx, with_texts=False)
    usage = [text for text in licenses if not text.controlled_access] or licenses
    node: dict[str, Any] = {
        "@id": landing + "#distribution",
        "@type": "dcat:Distribution",
        "dct:title": "Access to the data",
        "dct:description": ("The data is not a public download. Access is given on request, as the landing page's "
                            "Access section describes." if access_right(dataset, ctx) == "RESTRICTED"
                            else "How to obtain the data is described in the landing page's Access section."),
        "dcat:accessURL": {"@id": landing + "#access"},
        "dct:license": _typed(usage[0].url, "dct:LicenseDocument"),
        "dct:rights": [_typed(text.url, "dct:RightsStatement") for text in licenses if text is not usage[0]],
        "dcatap:applicableLegislation": _legislation(ctx),
    }
    policy = _use_conditions(dataset, ctx)
    if policy:
        node["odrl:hasPolicy"] = policy
    if dataset.size_bytes is not None:
        node["dcat:byteSize"] = _count(dataset.size_bytes)
    if dataset.status == "withdrawn":
        node["adms:status"] = _concept(EU + "distribution-status/WITHDRAWN", "Withdrawn")
    else:  # a registered DOI keeps its landing page and access procedure
        node["dcatap:availability"] = _concept(EU + "planned-availability/STABLE", "Stable")
    return node


def _provenance(dataset: Dataset) -> list[dict[str, str]]:
    """Where the data comes from, as far as the record says: synthetic, and how it was made anonymous."""
    statements = [SYNTHETIC] if dataset.synthetic else []
    statement = deidentification_text(dataset)
    if statement:
        statements.append(statement)
    return [{"@type": "dct:ProvenanceStatement", "rdfs:label": text} for text in statements]


def _health(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """HealthDCAT-AP properties that a record or the register's settings state (counts and ages are never guessed)."""
    node: dict[str, Any] = {
        "healthdcatap:healthCategory": [_concept(f"{HEALTH_EU}healthcategories/{code}", HEALTH_CATEGORIES[code])
                                        for code in ctx.config.health_categories],
        # The publisher answers questions about access (its contact point is the hub's contact address).
        "healthdcatap:hdab": {"@id": ctx.config.site_url + "#publisher"},
        "healthdcatap:hasCodingSystem": [_concept(iri, label, "dct:Standard") for iri, label, used in (
            (*SNOMED_CT, bool(dataset.organs)), (*DICOM_CT, bool(dataset.modalities))) if used],
        # The codes themselves, as the literals HealthDCAT-AP wants: SNOMED CT concept ids, DICOM modality terms.
        "healthdcatap:hasCodeValues": list(dict.fromkeys([*(organ.snomed for organ in dataset.organs), *dataset.modalities])),
    }
    kept = dataset.deidentification.kept if dataset.deidentification else []
    node["dpv:hasPersonalData"] = [_typed(PERSONAL_DATA[item], "dpv:PersonalData") for item in kept if item in PERSONAL_DATA]
    if dataset.counts and dataset.counts.patients is not None:
        node["healthdcatap:numberOfUniqueIndividuals"] = _count(dataset.counts.patients)
    if dataset.counts and dataset.counts.scans is not None:
        node["healthdcatap:numberOfRecords"] = _count(dataset.counts.scans)
    if dataset.age_span:
        youngest, oldest = dataset.age_span.split("-")
        node["healthdcatap:minTypicalAge"] = _count(int(youngest))
        node["healthdcatap:maxTypicalAge"] = _count(int(oldest))
    return {key: value for key, value in node.items() if value != []}


def dataset_node(dataset: Dataset, ctx: RenderContext) -> dict[str, Any]:
    """One record as the catalog's dcat:Dataset node."""
    code = access_right(dataset, ctx)
    node: dict[str, Any] = {
        "@id": doi_url(dataset.doi),
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.doi,
        "dct:title": dataset.title,
        "dct:description": " ".join(dataset.description.split()),
        "dcat:keyword": list(dataset.keywords),
        "dcat:theme": [_concept(f"{THEMES}/{code}", DATA_THEMES[code]) for code in ctx.config.themes],
        "dct:issued": _date(dataset.published),
        "dcat:landingPage": _typed(landing_url(ctx.config, dataset.doi), "foaf:Document"),
        "dct:publisher": {"@id": ctx.config.site_url + "#publisher"},
        "dct:creator": [_agent(author) for author in dataset.authors],
        "dct:accessRights": _concept(ACCESS_RIGHTS + code, ACCESS_LABELS[code], "dct:RightsStatement"),
        "dcat:contactPoint": [_contact(contact) for contact in dataset.contacts],
        "dcat:distribution": _distribution(dataset, ctx),
        "dcatap:applicableLegislation": _legislation(ctx),
        "dct:provenance": _provenance(dataset),
        **_health(dataset, ctx),
    }
    if dataset.synthetic:
        node["dct:type"] = _concept(EU + "dataset-type/SYNTHETIC_DATA", "Synthetic data")
    if dataset.modified:
        node["dct:modified"] = _date(dataset.modified)
    if dataset.version:
        node["dcat:version"] = dataset.version
    return node


def _publisher(ctx: RenderContext) -> dict[str, Any]:
    """The publisher, with the hub's contact address as the contact point HealthDCAT-AP requires of it."""
    node: dict[str, Any] = {"@id": ctx.config.site_url + "#publisher", "@type": "foaf:Agent", "foaf:name": ctx.config.publisher}
    if ctx.config.contact_email:
        node["cv:contactPoint"] = {"@type": "cv:ContactPoint", "cv:email": ctx.config.contact_email}
    return node


def catalog(datasets: list[Dataset], ctx: RenderContext) -> dict[str, Any]:
    """catalog.jsonld: one dcat:Dataset per public record, sorted by DOI."""
    nodes = [dataset_node(dataset, ctx) for dataset in sorted(datasets, key=lambda ds: ds.doi)]
    return {**catalog_frame(datasets, ctx), "dcat:dataset": nodes}


def catalog_parts(dataset: Dataset, ctx: RenderContext) -> dict[str, str]:
    """A dataset's parts of catalog.jsonld (its node, as dump_json writes it) and catalog.ttl (its blocks, as JSON),
    which the build keeps in the render cache and joins (catalog_jsonld_joined, catalog_turtle_joined)."""
    node = dataset_node(dataset, ctx)
    return {"catalog.jsonld": dump_json(node), "catalog.ttl.json": json.dumps(dataset_blocks(node), ensure_ascii=False)}


def catalog_jsonld_joined(frame: dict[str, Any], parts: Iterable[str], count: int) -> Iterator[str]:
    """catalog.jsonld from catalog_frame and the `count` datasets' parts in DOI order, each as list_entry of the
    text catalog_parts stored: dump_json(catalog(...))."""
    return json_with_list(frame, "dcat:dataset", parts, count)


def catalog_turtle_joined(frame: dict[str, Any], datasets: list[Dataset],
                          parts: Iterable[list[tuple[str, str]]]) -> Iterator[str]:
    """catalog.ttl from catalog_frame, the datasets in DOI order and their parts (turtle_part): turtle(catalog(...))."""
    references = {**frame, "dcat:dataset": [{"@id": doi_url(dataset.doi)} for dataset in datasets]}
    return turtle_joined(references, parts)


def turtle_part(text: str) -> list[tuple[str, str]]:
    """A dataset's blocks of catalog.ttl from the text catalog_parts stored them as."""
    return [(str(subject), str(block)) for subject, block in json.loads(text)]


def catalog_frame(datasets: list[Dataset], ctx: RenderContext) -> dict[str, Any]:
    """The catalog node without its datasets (under "dcat:dataset", empty): the build joins their nodes in."""
    site = ctx.config.site_url
    dates = [dataset.published for dataset in datasets]
    changes = [dataset.modified or dataset.published for dataset in datasets]
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": site + "catalog",
        "@type": "dcat:Catalog",
        "dct:title": ctx.config.site_name,
        "dct:description": f"Datasets of {ctx.config.publisher}, with DOIs and license terms.",
        "foaf:homepage": _typed(site, "foaf:Document"),
        "dct:publisher": _publisher(ctx),
        "dct:language": _concept(EU + "language/ENG", "English", "dct:LinguisticSystem"),
        "dct:license": _typed(METADATA_LICENSE, "dct:LicenseDocument"),
        "dcat:themeTaxonomy": {"@id": THEMES, "@type": "skos:ConceptScheme", "dct:title": SCHEMES[THEMES]},
        "dcatap:applicableLegislation": _legislation(ctx),
        "dcat:dataset": [],
    }
    if dates:
        node["dct:issued"] = _date(min(dates))
        node["dct:modified"] = _date(max(changes))
    return node


# --- Turtle -------------------------------------------------------------------------------------

def _term(value: Any) -> str:
    """A Turtle term: an IRI, a typed literal, a compact name, or a string."""
    if isinstance(value, dict) and "@value" in value:
        return f"{_string(value['@value'])}^^{value['@type']}"
    if isinstance(value, dict) and set(value) == {"@id"}:
        return f"<{value['@id']}>"
    if isinstance(value, dict):
        return "[ " + " ; ".join(f"{_predicate(key)} {item if key == '@type' else _term(item)}"
                                 for key, item in _pairs(value)) + " ]"
    return _string(str(value))


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON string escapes are valid Turtle string escapes


def _predicate(key: str) -> str:
    return "a" if key == "@type" else key


def _pairs(node: dict[str, Any]) -> list[tuple[str, Any]]:
    pairs = []
    for key, value in node.items():
        if key in ("@id", "@context"):
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    return pairs


def _subject(node: dict[str, Any], more: collections.deque[dict[str, Any]]) -> str:
    """One subject's block; nested nodes that have an @id of their own are queued in `more`."""
    lines = [f"<{node['@id']}>"]
    pairs = _pairs(node)
    for index, (key, value) in enumerate(pairs):
        if key == "@type":
            text = value
        elif isinstance(value, dict) and "@id" in value and len(value) > 1:
            more.append(value)
            text = f"<{value['@id']}>"
        else:
            text = _term(value)
        lines.append(f"    {_predicate(key)} {text} {';' if index < len(pairs) - 1 else '.'}")
    return "\n".join(lines)


def turtle(graph: dict[str, Any]) -> str:
    """catalog.ttl: the same graph as catalog.jsonld, in Turtle."""
    return "".join(turtle_chunks(graph))


def turtle_chunks(graph: dict[str, Any]) -> Iterator[str]:
    """catalog.ttl in pieces, one subject at a time, for a register too large to hold the file as one string."""
    datasets = graph.get("dcat:dataset", [])
    frame = {**graph, "dcat:dataset": [{"@id": node["@id"]} for node in datasets]}
    return turtle_joined(frame, (dataset_blocks(node) for node in datasets))


def dataset_blocks(node: dict[str, Any]) -> list[tuple[str, str]]:
    """A dataset's part of catalog.ttl: its subject's block, then those of the nodes it holds that have an @id of
    their own (its landing page, its terms, authors with an ORCID …), breadth first, each as (@id, block)."""
    blocks = []
    queue: collections.deque[dict[str, Any]] = collections.deque([node])
    while queue:
        subject = queue.popleft()
        blocks.append((subject["@id"], _subject(subject, queue)))
    return blocks


def turtle_joined(frame: dict[str, Any], parts: Iterable[list[tuple[str, str]]]) -> Iterator[str]:
    """catalog.ttl from the catalog node (its datasets given by @id only) and each dataset's blocks, in DOI order.

    The prefixes come first, then the catalog and the nodes it holds, then each dataset with its own. A node
    that several hold (a theme, a legal act, an author of several datasets) is written once, where it first
    appears; the build takes each dataset's blocks from the render cache.
    """
    yield "\n".join(f"@prefix {prefix}: <{iri}> ." for prefix, iri in frame["@context"].items()) + "\n"
    done: set[str] = set()
    catalog_node = {key: value for key, value in frame.items() if key != "@context"}
    for blocks in itertools.chain([dataset_blocks(catalog_node)], parts):  # one dataset's blocks at a time
        for subject, block in blocks:
            if subject not in done:
                done.add(subject)
                yield "\n" + block + "\n"
