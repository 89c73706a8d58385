"""DataCite metadata: valid against the official XSD and the package's schema, located errors, no e-mail."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from datacite import schema45
from lxml import etree

from generator import catalog, config
from generator.render import datacite
from generator.site import context

from conftest import MINIMAL, ROOT, case_settings

XSD = etree.XMLSchema(etree.parse(str(ROOT / "tests/reference/datacite-4.5-xsd/metadata.xsd")))
GOLDEN = sorted((ROOT / "tests/golden").glob("*/datacite.xml"))
SETTINGS = case_settings()


@pytest.mark.parametrize("xml", GOLDEN, ids=lambda path: path.parent.name)
def test_generated_xml_is_valid_against_the_official_xsd(xml: Path):
    document = etree.parse(str(xml))
    assert XSD.validate(document), XSD.error_log
    assert document.getroot().find("{http://datacite.org/schema/kernel-4}identifier").text == json.loads(
        (xml.parent / "datacite.json").read_text(encoding="utf-8"))["doi"]


def test_the_xsd_check_can_fail():
    broken = etree.fromstring(GOLDEN[0].read_bytes())
    broken.remove(broken.find("{http://datacite.org/schema/kernel-4}titles"))
    assert not XSD.validate(etree.ElementTree(broken))


@pytest.fixture(scope="module")
def payloads() -> dict[str, dict]:
    register = catalog.load_catalog(SETTINGS)
    ctx = context(register)
    return {entry.dataset.doi: datacite.build(entry.dataset, ctx) for entry in register.entries}


def test_every_payload_passes_the_package_validator(payloads):
    for doi, attributes in payloads.items():
        assert list(schema45.validator.iter_errors(attributes)) == [], doi


def test_no_email_address_reaches_datacite(payloads):
    assert "@" not in json.dumps(payloads)


def test_version_links_go_both_ways(payloads):
    def links(doi: str) -> set[tuple[str, str]]:
        return {(r["relatedIdentifier"], r["relationType"]) for r in payloads[doi]["relatedIdentifiers"]}

    assert ("10.23698/aida/example-withdrawn", "IsNewVersionOf") in links("10.23698/aida/example-full")
    assert ("10.23698/aida/example-full", "IsPreviousVersionOf") in links("10.23698/aida/example-withdrawn")


def test_the_landing_url_and_license_pages_come_from_the_site(payloads):
    full = payloads["10.23698/aida/example-full"]
    assert full["url"] == "https://datahub.aida.scilifelab.se/10.23698/aida/example-full/"
    assert full["rightsList"][0] == {"lang": "en", "rights": "AIDA BY CA license 1.0",
                                     "rightsUri": "https://datahub.aida.scilifelab.se/licenses/aida-by-ca/1.0/"}
    assert all("rightsIdentifier" not in rights for rights in full["rightsList"])
    withdrawn = payloads["10.23698/aida/example-withdrawn"]
    assert {"date": "2024-03-15", "dateType": "Withdrawn",
            "dateInformation": "The lesion masks were shifted by one voxel."} in withdrawn["dates"]


BROKEN = [
    lambda a: a.pop("titles"),
    lambda a: a.update(publicationYear=2024),
    lambda a: a.update(publisher="AIDA"),
    lambda a: a.update(identifiers=[]),
    lambda a: a["creators"][0].update(orcid="0000-0002-1825-0097"),
    lambda a: a["contributors"][0].update(contributorType="Translator"),
    lambda a: a["relatedIdentifiers"][0].update(relationType="Other"),
    lambda a: a["dates"][0].update(dateType="Coverage"),
    lambda a: a.update(types={}),
]


@pytest.mark.parametrize("breaking", BROKEN)
def test_cached_validation_finds_exactly_what_the_package_validator_finds(payloads, breaking):
    attributes = copy.deepcopy(payloads["10.23698/aida/example-full"])
    breaking(attributes)
    whole = {(tuple(e.absolute_path), e.message) for e in schema45.validator.iter_errors(attributes)}
    assert whole
    assert {(tuple(path), message) for path, message in datacite.schema_errors(attributes)} == whole


def test_check_reports_a_landing_page_host_datacite_would_refuse(register):
    root = register({"good.yaml": MINIMAL.format(name="good")})
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace('publisher: Test Data Hub', 'publisher: Test Data Hub\n      allowed_hosts: ["*.example.com"]'))
    assert [str(p) for p in catalog.check(config.load(yml))[1]] == [
        "datasets/good.yaml:1:6: doi: its landing page https://register.example.org/10.23698/good/ is on "
        "register.example.org, which DataCite does not accept for this repository; allowed hosts "
        "(allowed_hosts in mkdocs.yml): *.example.com"
    ]
