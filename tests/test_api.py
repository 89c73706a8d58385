"""The register for machines: JSON API against its published schema, DCAT read with rdflib, Atom, sitemap, robots."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import ROOT, search_index

GOLDEN = ROOT / "tests" / "golden" / "site"
PUBLIC = ["10.23698/aida/brln", "10.23698/aida/ctpa", "10.23698/aida/drske", "10.23698/aida/example-full",
          "10.23698/aida/example-withdrawn", "10.23698/case-names", "10.23698/case-xss"]
MACHINE_FILES = ["api/v1/datasets.json", "catalog.jsonld", "catalog.ttl", "feed.xml"]


@pytest.mark.parametrize("name", MACHINE_FILES)
def test_golden_machine_files(site: Path, name: str, golden):
    golden(GOLDEN / name.replace("/", "-"), (site / name).read_text(encoding="utf-8"))


def test_previews_appear_in_no_machine_file(site: Path):
    for name in [*MACHINE_FILES, "sitemap.xml"]:
        assert "example-preview" not in (site / name).read_text(encoding="utf-8"), name
    assert not [path for path in search_index(site) if "example-preview" in path]
    assert not (site / "api/v1/datasets/10.23698/aida/example-preview.json").exists()


def test_the_json_api_follows_its_published_schema(site: Path):
    schema = json.loads((site / "api/v1/schema.json").read_text(encoding="utf-8"))
    listing = json.loads((site / "api/v1/datasets.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(listing)
    assert [item["doi"] for item in listing["datasets"]] == PUBLIC and listing["count"] == len(PUBLIC)
    one = {**schema, "$ref": "#/$defs/dataset", "required": [], "properties": {}, "additionalProperties": True}
    for doi in PUBLIC:
        item = json.loads((site / f"api/v1/datasets/{doi}.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(one).validate(item)
        assert item == next(entry for entry in listing["datasets"] if entry["doi"] == doi)
        for url in item["metadata"].values():
            assert (site / url.removeprefix("https://datahub.aida.scilifelab.se/")).is_file(), url
    assert "@" not in json.dumps(listing).replace("https://", "")  # no e-mail addresses


@pytest.mark.parametrize("count", [0, 1, len(PUBLIC)])
def test_the_files_joined_from_each_datasets_part_are_the_files_built_whole(count: int):
    """The build joins datasets.json, catalog.jsonld and catalog.ttl from each dataset's part, as the render cache holds them."""
    from generator.build import site as site_builder
    from generator.build import verify
    from generator.render import api, dcat, dump_json, list_entry

    from conftest import case_settings

    catalog = verify.load_catalog(case_settings())
    ctx = site_builder.context(catalog)
    public = sorted((entry.dataset for entry in catalog.public), key=lambda dataset: dataset.doi)[:count]
    joined = "".join(api.datasets_chunks((list_entry(dump_json(api.record(dataset, ctx))) for dataset in public), count, ctx))
    assert joined == dump_json(api.datasets_document(public, ctx))
    parts = [dcat.catalog_parts(dataset, ctx) for dataset in public]
    frame = dcat.catalog_frame(public, ctx)
    whole = dcat.catalog(public, ctx)
    assert "".join(dcat.catalog_jsonld_joined(frame, (list_entry(part["catalog.jsonld"]) for part in parts), count)) == dump_json(whole)
    assert "".join(dcat.catalog_turtle_joined(
        frame, public, (dcat.turtle_part(part["catalog.ttl.json"]) for part in parts))) == dcat.turtle(whole)


def test_the_schema_check_can_fail(site: Path):
    schema = json.loads((site / "api/v1/schema.json").read_text(encoding="utf-8"))
    listing = json.loads((site / "api/v1/datasets.json").read_text(encoding="utf-8"))
    listing["datasets"][0]["status"] = "lost"
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(listing))


def test_the_dcat_catalog_reads_the_same_in_turtle_and_json_ld(site: Path):
    turtle = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    json_ld = rdflib.Graph().parse(site / "catalog.jsonld", format="json-ld")
    assert isomorphic(turtle, json_ld)
    dcat, dct = rdflib.Namespace("http://www.w3.org/ns/dcat#"), rdflib.Namespace("http://purl.org/dc/terms/")
    datasets = set(turtle.subjects(rdflib.RDF.type, dcat.Dataset))
    assert datasets == {rdflib.URIRef(f"https://doi.org/{doi}") for doi in PUBLIC}
    ctpa = rdflib.URIRef("https://doi.org/10.23698/aida/ctpa")
    assert turtle.value(ctpa, dct.accessRights) == rdflib.URIRef(
        "http://publications.europa.eu/resource/authority/access-right/RESTRICTED")
    assert str(turtle.value(ctpa, dcat.landingPage)) == "https://datahub.aida.scilifelab.se/10.23698/aida/ctpa/"


SHAPES = [*sorted((ROOT / "tests" / "reference" / "dcat-ap-3.0.1-shacl").glob("*shapes*.ttl")), ROOT / "tests" / "reference" / "dcat-ap-3.0.1-shacl" / "shacl_dcat-ap-SHACL.ttl"]
# Recommended properties the records have no value for; docs/dcat.md says what a data steward would add.
NOT_YET_FILLED = {"dct:format", "dct:spatial", "dct:temporal", "dct:type", "dcat:keyword", "dcatap:availability"}


def dcat_ap_results(catalog: Path) -> tuple[list[str], set[str]]:
    """(violations, paths of the warnings) of the official DCAT-AP 3.0.1 shapes, mandatory and recommended."""
    import pyshacl

    shapes = rdflib.Graph()
    for path in SHAPES:
        shapes.parse(path, format="turtle")
    _, report, _ = pyshacl.validate(rdflib.Graph().parse(catalog, format="turtle"), shacl_graph=shapes, allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations, warnings = [], set()
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        path = _curie(str(report.value(result, sh.resultPath)))
        if report.value(result, sh.resultSeverity) == sh.Violation:
            violations.append(f"{report.value(result, sh.focusNode)} {path}: {report.value(result, sh.resultMessage)}")
        else:
            warnings.add(path)
    return violations, warnings


def _curie(iri: str) -> str:
    from generator.render.dcat import CONTEXT

    return next((f"{prefix}:{iri.removeprefix(base)}" for prefix, base in CONTEXT.items() if iri.startswith(base)), iri)


def test_the_catalog_passes_the_dcat_ap_3_shapes(site: Path):
    violations, warnings = dcat_ap_results(site / "catalog.ttl")
    assert violations == []
    assert warnings <= NOT_YET_FILLED, warnings - NOT_YET_FILLED


def test_the_dcat_ap_check_can_fail(site: Path, tmp_path: Path):
    broken = (site / "catalog.ttl").read_text(encoding="utf-8").replace(" a foaf:Document", " a foaf:Agent")
    (tmp_path / "catalog.ttl").write_text(broken, encoding="utf-8")
    assert dcat_ap_results(tmp_path / "catalog.ttl")[0] != []


def test_the_catalog_carries_licences_access_and_health_facts(site: Path):
    graph = rdflib.Graph().parse(site / "catalog.ttl", format="turtle")
    dcat, dct = rdflib.Namespace("http://www.w3.org/ns/dcat#"), rdflib.Namespace("http://purl.org/dc/terms/")
    health = rdflib.Namespace("http://healthdataportal.eu/ns/health#")
    ctpa = rdflib.URIRef("https://doi.org/10.23698/aida/ctpa")
    distribution = graph.value(ctpa, dcat.distribution)
    assert str(graph.value(distribution, dcat.accessURL)) == "https://datahub.aida.scilifelab.se/10.23698/aida/ctpa/#access"
    # CTPA's license is its own text (its old page's wording), shown on its landing page
    assert str(graph.value(distribution, dct.license)) == "https://datahub.aida.scilifelab.se/10.23698/aida/ctpa/#licenses"
    assert str(graph.value(distribution, dct.rights)).startswith("https://datahub.aida.scilifelab.se/licenses/controlled-access/")
    assert graph.value(ctpa, health.numberOfRecords).toPython() == 30
    assert (graph.value(ctpa, health.minTypicalAge).toPython(), graph.value(ctpa, health.maxTypicalAge).toPython()) == (45, 93)
    assert graph.value(ctpa, health.numberOfUniqueIndividuals) is None  # the record does not say
    withdrawn = rdflib.URIRef("https://doi.org/10.23698/aida/example-withdrawn")
    assert str(graph.value(withdrawn, dct.accessRights)).endswith("/access-right/NON_PUBLIC")
    assert str(graph.value(graph.value(withdrawn, dcat.distribution), rdflib.URIRef("http://www.w3.org/ns/adms#status"))).endswith(
        "/distribution-status/WITHDRAWN")
    contact = graph.value(ctpa, dcat.contactPoint)
    assert str(graph.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))) == "mailto:aida-data@nbis.se"


def test_the_atom_feed_lists_the_newest_first(site: Path):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert [entry.find(f"{atom}id").text for entry in entries][:2] == [
        "https://doi.org/10.23698/aida/example-full", "https://doi.org/10.23698/aida/example-withdrawn"]
    assert len(entries) == len(PUBLIC)


def test_robots_and_sitemap_point_at_the_landing_pages(site: Path):
    assert (site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n\nSitemap: https://datahub.aida.scilifelab.se/sitemap.xml\n"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for doi in PUBLIC:
        assert f"<loc>https://datahub.aida.scilifelab.se/{doi}/</loc>" in sitemap


def test_one_access_rule_reads_what_the_licenses_declare():
    from generator.build import verify
    from generator.build.site import context
    from generator.model.record import LicenseRef
    from generator.render import access

    from conftest import case_settings

    register = verify.load_catalog(case_settings())
    ctx = context(register)
    base = next(entry.dataset for entry in register.entries if entry.dataset.doi == "10.23698/aida/drske")

    def label(*licenses: LicenseRef, status: str = "completed") -> tuple[str, str]:
        rule = access.classify(base.model_copy(update={"licenses": list(licenses), "status": status}), ctx)
        return rule.level, rule.label

    cc_by, aida_by = LicenseRef(spdx="CC-BY-4.0"), LicenseRef(id="aida-by", version="1.1")
    own = LicenseRef(title="Own terms", text="Use it kindly.")
    assert label(cc_by) == ("open", "Open (CC BY 4.0)")
    assert label(cc_by, LicenseRef(spdx="MIT")) == ("open", "Open (CC BY 4.0, MIT)")
    assert label(own, cc_by) == ("own-terms", "Under its own license terms")
    assert label(cc_by, aida_by, own) == ("partners", "AIDA partners, on request")  # every license applies: the strictest
    assert label(aida_by, LicenseRef(id="controlled-access", version="1.1")) == ("controlled", "Controlled, on request")
    assert label(cc_by, status="withdrawn") == ("withdrawn", "Not available: withdrawn")


def test_the_sitemap_dates_a_landing_page_by_its_record(site: Path):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    entry = sitemap[sitemap.index("/10.23698/aida/example-full/</loc>"):]
    assert "<lastmod>2024-06-30</lastmod>" in entry[:entry.index("</url>")]  # the record's modified, not the build date


def test_each_metadata_file_describes_the_landing_page(site: Path):
    linkset = json.loads((site / "10.23698/aida/ctpa/linkset.json").read_text(encoding="utf-8"))["linkset"]
    landing = "https://datahub.aida.scilifelab.se/10.23698/aida/ctpa/"
    described = {entry["anchor"] for entry in linkset[1:] if entry["describes"] == [{"href": landing, "type": "text/html"}]}
    assert described == {item["href"] for item in linkset[0]["describedby"]}
