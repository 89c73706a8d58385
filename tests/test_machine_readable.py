"""What machines read in the built pages: JSON-LD (checked with extruct), reference-manager meta tags,
FAIR Signposting links and linkset, and the citation downloads."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import extruct
import pytest

BASE = "https://datahub.aida.scilifelab.se/"
PUBLIC = ["10.23698/aida/ctpa", "10.23698/aida/brln", "10.23698/aida/drske", "10.23698/aida/example-full"]


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "meta" and "content" in values and ("name" in values or "property" in values):
            self.meta.append((values.get("name") or values["property"], values["content"]))
        if tag == "link":
            self.links.append(values)


def page(site: Path, doi: str) -> str:
    return (site / doi / "index.html").read_text(encoding="utf-8")


def head(site: Path, doi: str) -> _Head:
    parser = _Head()
    parser.feed(page(site, doi))
    return parser


def dataset_jsonld(site: Path, doi: str) -> dict:
    found = extruct.extract(page(site, doi), base_url=BASE + doi + "/", syntaxes=["json-ld"])["json-ld"]
    datasets = [item for item in found if item.get("@type") == "Dataset"]
    assert len(datasets) == 1
    return datasets[0]


@pytest.mark.parametrize("doi", PUBLIC)
def test_json_ld_meets_google_dataset_search(site: Path, doi: str):
    data = dataset_jsonld(site, doi)
    assert data["@id"] == data["identifier"] == f"https://doi.org/{doi}"
    assert data["url"] == f"{BASE}{doi}/"
    assert 50 <= len(data["description"]) <= 5000
    assert data["name"] and data["keywords"] and data["datePublished"]
    assert data["publisher"] == {"@type": "Organization", "name": "AIDA Data Hub"}
    assert data["includedInDataCatalog"]["@type"] == "DataCatalog"
    for creator in data["creator"]:
        assert creator["@type"] in ("Person", "Organization")
        if "identifier" in creator:
            assert re.fullmatch(r"https://(orcid|ror)\.org/\S+", creator["identifier"])
    for license_url in data["license"]:
        path = license_url.removeprefix(BASE).split("#")[0]  # a dataset's own license text is on its page
        assert (site / path / "index.html").is_file(), license_url
    assert data["isAccessibleForFree"] is False
    assert "#access" in data["conditionsOfAccess"]
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", json.dumps(data)), "an e-mail address reached the JSON-LD"
    assert json.loads((site / doi / "schema.jsonld").read_text(encoding="utf-8")) == data


def test_json_ld_carries_citations_funders_and_images(site: Path):
    drske = dataset_jsonld(site, "10.23698/aida/drske")
    assert drske["citation"][0]["@id"] == "https://doi.org/10.1007/s10278-020-00384-4"
    full = dataset_jsonld(site, "10.23698/aida/example-full")
    assert full["funder"] == [{"@type": "Organization", "name": "Vinnova", "@id": "https://doi.org/10.13039/501100001858"}]
    image = full["image"][0].removeprefix(BASE)
    assert (site / image).is_file()
    assert full["creator"][0]["@id"] == "https://orcid.org/0000-0001-7982-0754"


def test_a_withdrawn_dataset_says_so_to_machines(site: Path):
    data = dataset_jsonld(site, "10.23698/aida/example-withdrawn")
    assert data["creativeWorkStatus"] == "Withdrawn"
    parsed = head(site, "10.23698/aida/example-withdrawn")
    assert ("citation_doi", "10.23698/aida/example-withdrawn") in parsed.meta
    assert not [link for link in parsed.links if link.get("rel") == "item"]


# The rules of Zotero's translators (zotero/translators: "Embedded Metadata.js" of 2024-06-13 and
# "RDF.js") that decide what a landing page becomes:
# 1. The item type is OpenGraph's before DC's (RDF.js detectType: t.zotero || t.bib || t.prism || t.eprints
#    || t.og || t.dc || ...): og:type "website" gives a web page, so a dataset page has no og:type at all.
# 2. DC.type "Dataset" is a Zotero item type, so it gives a dataset.
# 3. citation_journal_title, citation_technical_report_institution, citation_conference(_title),
#    citation_book_title, citation_inbook_title and citation_dissertation_institution force a type of
#    their own (hwType), which overrides the RDF type: none may appear.
# 4. Fields: citation_title -> title, citation_author (one tag per person, "Family, Given" split at the
#    comma) -> creators, citation_publication_date -> date, citation_doi -> DOI, citation_publisher ->
#    publisher, prism.edition -> edition/version.
FORCED_TYPES = ("citation_journal_title", "citation_technical_report_institution", "citation_conference",
                "citation_conference_title", "citation_book_title", "citation_inbook_title",
                "citation_dissertation_institution")


@pytest.mark.parametrize("doi", PUBLIC)
def test_zotero_saves_every_landing_page_as_a_dataset(site: Path, doi: str):
    meta = head(site, doi).meta
    names = [key for key, _ in meta]
    assert "og:type" not in names  # rule 1
    assert [content for key, content in meta if key == "DC.type"] == ["Dataset"]  # rule 2
    assert not set(names) & set(FORCED_TYPES)  # rule 3
    for field in ("citation_title", "citation_publication_date", "citation_doi", "citation_publisher"):  # rule 4
        assert names.count(field) == 1, field
    assert names.count("citation_author") >= 1


def test_reference_managers_find_a_dataset_with_its_authors_and_doi(site: Path):
    """The tags Zotero's Embedded Metadata translator reads, read the same way."""
    meta = head(site, "10.23698/aida/brln").meta
    values = lambda name: [content for key, content in meta if key == name]  # noqa: E731
    assert values("citation_author") == ["Jarkman, Sofia", "Lindvall, Martin", "Hedlund, Joel", "Treanor, Darren",
                                         "Lundström, Claes", "van der Laak, Jeroen"]
    assert values("citation_doi") == ["10.23698/aida/brln"]
    assert values("citation_title") == ["Axillary lymph nodes in breast cancer cases"]
    assert values("DC.type") == ["Dataset"]
    assert values("DC.identifier") == ["https://doi.org/10.23698/aida/brln"]
    assert values("citation_journal_title") == []  # it would make Zotero save a journal article
    assert values("og:type") == []  # OpenGraph's type would win over DC.type
    assert values("prism.edition") == ["1.0.2"]


def test_the_preview_image_is_a_real_file(site: Path):
    meta = dict(head(site, "10.23698/aida/example-full").meta)
    assert meta["twitter:card"] == "summary_large_image"
    assert (site / meta["og:image"].removeprefix(BASE)).is_file()


@pytest.mark.parametrize("doi", PUBLIC)
def test_signposting_links_and_linkset_agree(site: Path, doi: str):
    links = head(site, doi).links
    rels = {(link["rel"], link["href"]) for link in links}
    assert ("cite-as", f"https://doi.org/{doi}") in rels
    assert ("type", "https://schema.org/Dataset") in rels
    described = [link for link in links if link["rel"] == "describedby"]
    assert {link["type"] for link in described} == {"application/vnd.datacite.datacite+xml", "application/vnd.datacite.datacite+json",
                                                     "application/ld+json", "application/vnd.citationstyles.csl+json"}
    for link in described:
        assert (site / link["href"].removeprefix(BASE)).is_file()
    linkset = json.loads((site / doi / "linkset.json").read_text(encoding="utf-8"))["linkset"][0]
    assert linkset["anchor"] == f"{BASE}{doi}/"
    from_linkset = {(rel, target["href"]) for rel, targets in linkset.items() if rel != "anchor" for target in targets}
    assert from_linkset == {(link["rel"], link["href"]) for link in links
                            if link["rel"] in ("cite-as", "describedby", "license", "author", "type")}
    assert any(link["rel"] == "canonical" and link["href"] == f"{BASE}{doi}/" for link in links)


def test_citation_downloads_are_published_and_keys_are_unique(site: Path):
    keys = []
    for doi in [*PUBLIC, "10.23698/aida/example-withdrawn", "10.23698/aida/example-preview"]:
        bib = (site / doi / "citation.bib").read_text(encoding="utf-8")
        keys.append(re.match(r"@misc\{([^,]+),", bib).group(1))
        assert f"doi          = {{{doi}}}," in bib
        assert (site / doi / "citation.biblatex.bib").read_text(encoding="utf-8").startswith("@dataset{")
        assert (site / doi / "citation.ris").read_bytes().startswith(b"TY  - DATA\r\n")
        item = json.loads((site / doi / "csl.json").read_text(encoding="utf-8"))[0]
        assert item["type"] == "dataset" and item["DOI"] == doi
    assert len(set(keys)) == len(keys)
    assert 'href="citation.bib"' in page(site, "10.23698/aida/ctpa")


BIB_RECORDS = sorted((Path(__file__).parent / "golden").glob("*/citation.bib"))


@pytest.mark.parametrize("bib", BIB_RECORDS, ids=lambda path: path.parent.name)
def test_citation_bib_compiles_with_classic_bibtex(bib: Path, tmp_path: Path):
    import subprocess

    key = re.match(r"@misc\{([^,]+),", bib.read_text(encoding="utf-8")).group(1)
    (tmp_path / "citation.bib").write_bytes(bib.read_bytes())
    (tmp_path / "paper.aux").write_text(f"\\relax\n\\citation{{{key}}}\n\\bibstyle{{plain}}\n\\bibdata{{citation}}\n")
    result = subprocess.run(["bibtex", "paper"], cwd=tmp_path, capture_output=True, text=True)
    log = (tmp_path / "paper.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log
    assert "Warning--" not in log and "error message" not in log, log
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8")
    assert f"\\bibitem{{{key}}}" in bbl and "[Data set]" in bbl
    assert "https://doi.org/" in bbl  # classic styles print the note: the DOI reaches the reference list
