"""The DCAT catalog against the official HealthDCAT-AP shapes (release 8), each dataset with the shapes of its access level.

The shapes are the HealthData@EU validator's (tests/reference/healthdcat-ap-r8/SOURCE.md). What the
records cannot fill yet stays a violation here, listed in UNFILLED; docs/dcat.md names the field a data
steward would add for each.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import rdflib

from conftest import ROOT, case_settings

REFERENCE = ROOT / "tests" / "reference" / "healthdcat-ap-r8"
SHAPE_FILES = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
HEALTH = rdflib.Namespace("http://healthdataportal.eu/ns/health#")
NO_CONTACT = "Provide at least one of vcard:hasURL or vcard:hasEmail as an IRI."
# Mandatory in HealthDCAT-AP, and not in the records: whether a dataset holds structured data (variables)
# is not recorded; the withdrawn example has no keywords; one test contact has neither e-mail nor web address.
UNFILLED = {"healthdcatap:hasStructuredData"}
UNFILLED_BY_DATASET = {"10.23698/aida/example-withdrawn": {"dcat:keyword"}, "10.23698/case-names": {NO_CONTACT}}


@functools.cache
def shapes(level: str) -> rdflib.Graph:
    """The validator's shape files for one access level, as its config.properties lists them (imports aside)."""
    name = SHAPE_FILES[level]
    graph = rdflib.Graph()
    for path in ("shapes/graph-guard.ttl", "ranges/range.ttl", f"shapes/{name}-shapes.ttl",
                 "controlled-vocabularies/mdr-vocabularies.shape.ttl", f"recommended/{name}-shapes_recommended.ttl"):
        graph.parse(REFERENCE / path, format="turtle")
    # One property shape of the Dataset shape has an sh:or and no sh:path, which SHACL does not allow and
    # pyshacl refuses; its evident meaning (every dataset satisfies one of the alternatives) is a node shape.
    for shape, prop in list(graph.subject_objects(SH.property)):
        if graph.value(prop, SH.path) is None:
            graph.remove((shape, SH.property, prop))
            graph.add((prop, rdflib.RDF.type, SH.NodeShape))
            graph.add((prop, SH.targetClass, DCAT.Dataset))
    return graph


def _reachable(graph: rdflib.Graph, start: rdflib.term.Node, skip: set[rdflib.term.Node]) -> rdflib.Graph:
    found, queue, seen = rdflib.Graph(), [start], {start}
    while queue:
        node = queue.pop()
        for predicate, value in graph.predicate_objects(node):
            if value in skip:
                continue
            found.add((node, predicate, value))
            if value not in seen and not isinstance(value, rdflib.Literal):
                seen.add(value)
                queue.append(value)
    return found


def one_dataset(catalog: rdflib.Graph, dataset: rdflib.URIRef) -> rdflib.Graph:
    """The catalog with only `dataset` in it: what a harvester validates for that dataset."""
    others = set(catalog.subjects(rdflib.RDF.type, DCAT.Dataset)) - {dataset}
    root = next(catalog.subjects(rdflib.RDF.type, DCAT.Catalog))
    return _reachable(catalog, root, others) + _reachable(catalog, dataset, others)


def _curie(node: rdflib.term.Node | None) -> str:
    from generator.render.dcat import CONTEXT

    iri = str(node)
    return next((f"{prefix}:{iri.removeprefix(base)}" for prefix, base in CONTEXT.items() if iri.startswith(base)), iri)


def health_results(catalog: rdflib.Graph, dataset: rdflib.URIRef) -> tuple[set[str], set[str]]:
    """(violations, warnings) of the HealthDCAT-AP shapes of the dataset's access level: a path, or a message."""
    import pyshacl

    level = str(catalog.value(dataset, DCT.accessRights)).rsplit("/", 1)[1]
    _, report, _ = pyshacl.validate(one_dataset(catalog, dataset), shacl_graph=shapes(level), allow_warnings=True)
    violations, warnings = set(), set()
    for result in report.objects(None, SH.result):  # the results themselves, not the details of nested shapes
        path = report.value(result, SH.resultPath)
        what = _curie(path) if isinstance(path, rdflib.URIRef) else str(report.value(result, SH.resultMessage))
        (violations if report.value(result, SH.resultSeverity) == SH.Violation else warnings).add(what)
    return violations, warnings


def _datasets(catalog: rdflib.Graph) -> list[rdflib.URIRef]:
    return sorted(rdflib.URIRef(str(node)) for node in catalog.subjects(rdflib.RDF.type, DCAT.Dataset))


def test_each_dataset_passes_the_healthdcat_ap_shapes_of_its_access_level(site: Path):
    catalog = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    levels = set()
    for dataset in _datasets(catalog):
        levels.add(str(catalog.value(dataset, DCT.accessRights)).rsplit("/", 1)[1])
        doi = str(dataset).removeprefix("https://doi.org/")
        violations, _ = health_results(catalog, dataset)
        assert violations == UNFILLED | UNFILLED_BY_DATASET.get(doi, set()), doi
    assert levels == {"RESTRICTED", "NON_PUBLIC"}  # the test register has no open dataset: see the next test


def test_an_open_dataset_passes_the_public_shapes():
    from generator.build import verify
    from generator.build.site import context
    from generator.model.record import LicenseRef
    from generator.render import dcat

    register = verify.load_catalog(case_settings())
    drske = next(entry.dataset for entry in register.entries if entry.dataset.doi == "10.23698/aida/drske")
    opened = drske.model_copy(update={"licenses": [LicenseRef(spdx="CC-BY-4.0")]})
    graph = rdflib.Graph().parse(data=dcat.turtle(dcat.catalog([opened], context(register))), format="turtle")
    dataset = rdflib.URIRef("https://doi.org/10.23698/aida/drske")
    assert str(graph.value(dataset, DCT.accessRights)).endswith("/access-right/PUBLIC")
    assert health_results(graph, dataset)[0] == UNFILLED


def test_the_healthdcat_ap_check_can_fail(site: Path):
    catalog = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    ctpa = rdflib.URIRef("https://doi.org/10.23698/aida/ctpa")
    catalog.remove((ctpa, HEALTH.healthCategory, None))
    catalog.add((ctpa, HEALTH.numberOfRecords, rdflib.Literal(31, datatype=rdflib.XSD.nonNegativeInteger)))
    violations, _ = health_results(catalog, ctpa)
    assert {"healthdcatap:healthCategory", "healthdcatap:numberOfRecords"} <= violations


def test_health_terms_are_those_of_the_official_vocabularies(site: Path):
    from generator.config import HEALTH_CATEGORIES

    catalog = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    official = rdflib.Graph()
    for path in sorted((REFERENCE / "vocabularies").glob("*.ttl")):
        official.parse(path, format="turtle")
    skos = rdflib.namespace.SKOS
    used = set(catalog.objects(None, HEALTH.healthCategory)) | set(catalog.objects(None, HEALTH.hasCodingSystem))
    assert len(used) == 3  # EHRS; SNOMED CT for organs, DICOM for modalities
    for term in used:
        assert official.value(term, skos.inScheme) == catalog.value(term, skos.inScheme), term
        assert official.value(term, skos.prefLabel).toPython() == catalog.value(term, skos.prefLabel).toPython(), term
    categories = {str(official.value(term, DCT.identifier)): str(official.value(term, skos.prefLabel))
                  for term in official.subjects(skos.inScheme, rdflib.URIRef(
                      "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories"))}
    assert categories == HEALTH_CATEGORIES


@pytest.mark.parametrize(("option", "value", "error"), [
    ("health_categories", ["IMAGES"], "IMAGES is not an EHDS health category"),
    ("applicable_legislation", ["EHDS"], "expected the European Legislation Identifier"),
])
def test_the_healthdcat_settings_are_checked(option: str, value: list[str], error: str):
    from generator.config import SiteConfig
    from generator.errors import RegisterError

    with pytest.raises(RegisterError, match=error):
        SiteConfig.from_options(ROOT, "Register", None, {option: value})


def test_the_catalog_says_what_the_records_state_for_health(site: Path):
    catalog = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    ctpa = rdflib.URIRef("https://doi.org/10.23698/aida/ctpa")
    dpv = rdflib.Namespace("https://w3id.org/dpv#")
    provenance = catalog.value(ctpa, DCT.provenance)
    assert str(catalog.value(provenance, rdflib.RDFS.label)).startswith("How the data was made anonymous.\n\nKept with the images: ")
    assert set(catalog.objects(ctpa, dpv.hasPersonalData)) == {rdflib.URIRef("https://w3id.org/dpv/dpv-pd#MedicalHealth")}
    assert {str(code) for code in catalog.objects(ctpa, HEALTH.hasCodeValues)} == {"CT", "39607008"}  # modality, lung
    publisher = catalog.value(ctpa, HEALTH.hdab)
    assert publisher == catalog.value(ctpa, DCT.publisher)
    contact = catalog.value(publisher, rdflib.URIRef("http://data.europa.eu/m8g/contactPoint"))
    assert str(catalog.value(contact, rdflib.URIRef("http://data.europa.eu/m8g/email"))) == "aida-data@nbis.se"
    policy = catalog.value(catalog.value(ctpa, DCAT.distribution), rdflib.URIRef("http://www.w3.org/ns/odrl/2/hasPolicy"))
    duo = set(catalog.objects(policy, DCT.type))
    assert rdflib.URIRef("http://purl.obolibrary.org/obo/DUO_0000026") in duo  # controlled access: approved users only
    assert "(DUO:0000026), from " in str(catalog.value(policy, rdflib.RDFS.label))
    withdrawn = rdflib.URIRef("https://doi.org/10.23698/aida/example-withdrawn")
    assert str(catalog.value(withdrawn, DCT.type)).endswith("/dataset-type/SYNTHETIC_DATA")
