"""DataCite metadata: valid against the official XSD and the package's schema, located errors, no e-mail."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from datacite import schema45
from lxml import etree

from generator import config
from generator.build import verify
from generator.build.site import context
from generator.paths import landing_url
from generator.render import datacite

from conftest import MINIMAL, ROOT, case_settings

XSD = etree.XMLSchema(etree.parse(str(ROOT / "tests/reference/datacite-4.5-xsd/metadata.xsd")))
GOLDEN = sorted((ROOT / "tests/golden").glob("*/datacite.xml"))
SETTINGS = case_settings()

# The copyright statement: the page's own line, or the license texts when they state it (the page says it once).
COPYRIGHT = "//p[@class='dr-copyright'] | //div[@class='dr-license-text']"


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
    register = verify.load_catalog(SETTINGS)
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
    assert [str(p) for p in verify.check(config.load(yml))[1]] == [
        "datasets/good.yaml:1:6: doi: its landing page https://register.example.org/10.23698/good/ is on "
        "register.example.org, which DataCite does not accept for this repository; allowed hosts "
        "(allowed_hosts in mkdocs.yml): *.example.com"
    ]


# --- one truth: what DataCite receives is what the landing page shows ------------------------------------

PAIR_AND_CITATION = {
    "v1.yaml": MINIMAL.format(name="v1").replace("title: A minimal dataset", "title: Phantom CT, version 1"),
    "v2.yaml": MINIMAL.format(name="v2").replace("title: A minimal dataset", "title: Phantom CT, version 2").replace(
        "licenses:", """version: "2.0"
short_name: PCT
field: Radiology
keywords: [phantom, lesion]
file_formats: [DICOM, NIfTI]
counts:
  patients: 4462
  scans: 12
annotation: |
  Masks were **generated**, see [the method](https://example.org/method).

  - one mask per lesion
  - exact by construction
usage_notes: |
  ### Reading the files

  Use a DICOM reader.
related:
  - relation: is-new-version-of
    type: dataset
    doi: 10.23698/v1
  - relation: is-described-by
    url: https://example.org/paper
    citation: Lovelace A. *A paper*. 2020.
funding:
  - funder: Vinnova
    award_number: 2019-1
deidentification:
  level: 5
  kept: [scanner-model, diagnosis]
  removed: [names and personal identity numbers, images of dose reports]
  modified: [dates, shifted by a random number of days per patient]
  dicom: [basic-profile, retain-longitudinal-modified-dates]
  method: |
    Exported with **CTP** 1.2, then *every* series reviewed by hand.

    One in 100 studies was checked again.
  assessed_by: the data protection officer
  assessed_on: 2020-02-01
use_conditions:
  - code: DUO:0000007
    disease: MONDO:0005070
  - code: DUO:0000021
licenses:""").replace("""contacts:
  - name: Data steward""", """contacts:
  - name: Ada Lovelace
    orcid: 0000-0002-1825-0097
  - name: AIDA Data Hub
    url: https://datahub.aida.scilifelab.se/
  - name: Data steward""").replace("    family_name: Lovelace\n", "    family_name: Lovelace\n    orcid: 0000-0002-1825-0097\n"),
    "cited.yaml": MINIMAL.format(name="cited").replace("title: A minimal dataset", "title: The cited one"),
    # A tombstone: the page still shows everything DataCite holds for the DOI.
    "gone.yaml": MINIMAL.format(name="gone").replace("status: completed", """status: withdrawn
withdrawal:
  date: 2021-06-01
  reason: Consent was withdrawn.
  successor: 10.23698/v2
annotation: Masks drawn by *two* readers.
funding:
  - funder: Vinnova"""),
    "citing.yaml": MINIMAL.format(name="citing").replace("licenses:", """related:
  - relation: references
    type: dataset
    doi: 10.23698/cited
licenses:"""),
}
CHECKED = {"doi", "prefix", "suffix", "url", "types", "creators", "titles", "publisher", "publicationYear", "subjects",
           "contributors", "dates", "language", "version", "sizes", "formats", "rightsList", "descriptions",
           "relatedIdentifiers", "fundingReferences", "schemaVersion"}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_every_field_datacite_receives_is_on_the_landing_page_and_the_other_way(register):
    from lxml import html as lxml_html

    from generator.paths import page_path
    from generator.render import landing

    root = register(PAIR_AND_CITATION)
    register_catalog = verify.load_catalog(config.load(root / "mkdocs.yml"))
    ctx = context(register_catalog)
    assert len(register_catalog.entries) == 5
    linked_to_ours = 0
    for entry in register_catalog.entries:
        dataset = entry.dataset
        sent = datacite.build(dataset, ctx)
        assert set(sent) <= CHECKED, f"{dataset.doi}: a field without a page check: {set(sent) - CHECKED}"
        page = lxml_html.fromstring(landing.render(dataset, ctx).body)

        def text(path: str, page: Any = page) -> str:
            return " ".join(" ".join(node.text_content().split()) for node in page.xpath(path))

        facts = {" ".join(row.xpath("th")[0].text_content().split()): " ".join(row.xpath("td")[0].text_content().split())
                 for row in page.xpath("//table[@class='dr-facts']//tr")}
        assert sent["url"].endswith("/" + page_path(dataset.doi)) and facts["DOI"] == sent["doi"]
        assert sent["titles"][0]["title"] == " ".join(page.xpath("//h1/text()")).strip()
        assert text("//h1/span[@class='dr-title-mark']") == ("Withdrawn:" if dataset.status == "withdrawn" else "")
        assert [t["title"] for t in sent["titles"][1:]] == ([text("//span[@class='dr-short-name']")] if dataset.short_name else [])
        subtitle = text("//p[@class='dr-subtitle']")
        assert subtitle.endswith(f"{sent['publisher']['name']}, {sent['publicationYear']}")
        assert ("version" in sent) == ("Version" in facts) and (sent.get("version") is None or f"Version {sent['version']}" in subtitle)
        assert sent["types"]["resourceType"] == (f"{facts['Field']} dataset" if "Field" in facts else "Dataset")

        # People: one name form, the page's name is the given and family name DataCite has.
        authors = page.xpath("//ul[@class='dr-authors']/li")
        assert len(authors) == len(sent["creators"])
        for li, creator in zip(authors, sent["creators"], strict=True):
            shown = " ".join(part for part in (creator.get("givenName"), creator.get("familyName")) if part) or creator["name"]
            assert li.text_content().startswith(shown)
            assert [i["nameIdentifier"] for i in creator.get("nameIdentifiers", [])] == li.xpath(".//a[@class='dr-orcid']/@href")
            assert creator["nameType"] == "Personal" and creator["name"] == f"{creator['familyName']}, {creator['givenName']}"
        contacts = page.xpath("//ul[@class='dr-contacts']/li")
        sent_contacts = [c for c in sent["contributors"] if c["contributorType"] == "ContactPerson"]
        assert len(contacts) == len(sent_contacts)
        for li, contact in zip(contacts, sent_contacts, strict=True):
            shown = " ".join(part for part in (contact.get("givenName"), contact.get("familyName")) if part) or contact["name"]
            assert li.text_content().startswith(shown)
            assert [i["nameIdentifier"] for i in contact.get("nameIdentifiers", [])] == li.xpath("a[@class='dr-orcid']/@href")
            if "givenName" in contact:
                assert contact["name"] == f"{contact['familyName']}, {contact['givenName']}" and contact["nameType"] == "Personal"
        for holder in (c for c in sent["contributors"] if c["contributorType"] == "RightsHolder"):
            assert holder["name"] in text(COPYRIGHT)

        # Texts: the same words in the same order; every link DataCite spells out is a link on the page.
        # Each description is one part of the page: a section after its heading, the de-identification
        # statement with its heading, the withdrawal notice.
        parts = {"description": ("Abstract", "//section[@aria-labelledby='description']/*[not(self::h2)]"),
                 "annotation": ("Methods", "//section[@aria-labelledby='annotation']/*[not(self::h2)]"),
                 "usage-notes": ("TechnicalInfo", "//section[@aria-labelledby='usage-notes']/*[not(self::h2)]"),
                 "privacy": ("Methods", "//div[@class='dr-deidentification']"),
                 "withdrawn": ("Other", "//p[@class='dr-banner']")}
        shown = [(kind, path) for kind, path in parts.values() if page.xpath(path)]
        assert [d["descriptionType"] for d in sent["descriptions"]] == [kind for kind, _ in shown]
        for description, (kind, path) in zip(sent["descriptions"], shown, strict=True):
            urls = re.findall(r" \((https?://[^)]+)\)", description["description"])
            without_urls = re.sub(r" \(https?://[^)]+\)", "", description["description"])
            if kind == "Other":  # "This dataset has been withdrawn: <reason>"; the notice gives the date too
                assert dataset.withdrawal and dataset.withdrawal.reason in text(path)
                assert description["description"] == f"This dataset has been withdrawn: {dataset.withdrawal.reason}"
                continue
            assert _words(without_urls) == _words(" ".join(t for node in page.xpath(path) for t in node.itertext()))
            assert set(urls) <= set(page.xpath(f"{path}//a/@href"))
            assert "**" not in description["description"] and "](" not in description["description"]
            assert not description["description"].startswith("#")

        # Conditions of use: the page's list is DataCite's DUO subjects (and the disease's MONDO id).
        duo_on_page = page.xpath("//ul[@class='dr-conditions']/li/a/text()")
        assert list(dict.fromkeys(duo_on_page)) == [s["classificationCode"] for s in sent.get("subjects", [])
                               if s.get("subjectScheme", "").endswith(("(DUO)", "(MONDO)"))]

        # Links, both ways: the page's "Related works" list is DataCite's relatedIdentifiers, each
        # shown by the DOI or URL DataCite receives; a dataset of this register by its title, linking to its page.
        shown_links = []
        for li in page.xpath("//ul[@class='dr-related']/li"):
            relation = "".join(word.capitalize() for word in li.xpath("span[@class='dr-relation']")[0].text_content().split())
            (shown,) = li.xpath("a[@class='dr-related-id']")
            assert shown.text_content() == shown.get("href")  # the identifier, written out
            identifier = shown.get("href").removeprefix("https://doi.org/")
            shown_links.append((relation, identifier))
            ours = register_catalog.find(identifier)
            names = li.xpath("a[@class='dr-related-name']")
            if ours is not None:
                assert [name.text_content() for name in names] == [ours.dataset.title]
                assert urljoin(sent["url"], names[0].get("href")) == landing_url(ctx.config, identifier)
                linked_to_ours += 1
        assert sorted(shown_links) == sorted((r["relationType"], r["relatedIdentifier"]) for r in sent.get("relatedIdentifiers", []))

        # Facts: numbers formatted alike, formats, keywords, dates.
        counts = {f"{facts[label]} {label.lower()}" for label in ("Patients", "Scans", "Annotations") if label in facts}
        assert set(sent.get("sizes", [])) == counts | ({facts["Size"]} if "Size" in facts else set())
        assert sent.get("formats", []) == (facts["File formats"].split(", ") if "File formats" in facts else [])
        keywords = [s["subject"] for s in sent.get("subjects", []) if "subjectScheme" not in s]
        assert keywords == (facts["Keywords"].split(", ") if "Keywords" in facts else [])
        dates = {d["dateType"]: d["date"] for d in sent["dates"]}
        assert dates["Issued"] == facts["Published"] and dates.get("Created") == facts.get("Created")
        assert dates.get("Updated") == facts.get("Modified") and dates["Copyrighted"] in text(COPYRIGHT)
        for grant in sent.get("fundingReferences", []):
            assert grant["funderName"] in text("//section[@aria-labelledby='funding']")
            assert grant.get("awardNumber", "") in text("//section[@aria-labelledby='funding']")
        license_titles = [" ".join(h.text_content().split()) for h in page.xpath("//article[@class='dr-license']/h3")]
        assert len(sent["rightsList"]) == len(license_titles)
        assert all(rights["rights"].startswith(title) for rights, title in zip(sent["rightsList"], license_titles, strict=True))

    # v2 -> v1, v1 -> v2, citing -> cited, cited -> citing, gone -> v2 (its successor), v2 -> gone: each by its title
    assert linked_to_ours == 6

    # The register added the inverse links: the old version and the cited record know of the others.
    payloads = {entry.dataset.doi: datacite.build(entry.dataset, ctx) for entry in register_catalog.entries}
    assert {"relatedIdentifier": "10.23698/v2", "relatedIdentifierType": "DOI", "relationType": "IsPreviousVersionOf",
            "resourceTypeGeneral": "Dataset"} in payloads["10.23698/v1"]["relatedIdentifiers"]
    assert {"relatedIdentifier": "10.23698/citing", "relatedIdentifierType": "DOI", "relationType": "IsReferencedBy",
            "resourceTypeGeneral": "Dataset"} in payloads["10.23698/cited"]["relatedIdentifiers"]
    assert payloads["10.23698/v2"]["sizes"] == ["4,462 patients", "12 scans"]
