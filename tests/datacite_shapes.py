"""DOIs of varied shapes, as an institution's DataCite prefix holds them, for the DataCite import's tests and benchmark.

`varied(prefix, count)` makes deterministic attribute sets (the REST API's JSON, 4.5 shape):
persons and organisations, affiliations with and without ROR, ORCID iDs, related identifiers of
several relation and identifier types, SPDX, register and custom rights, funding with funder ids
and award numbers, geo locations, subjects with schemes, sizes and formats, several description
types, Created/Issued/Updated/Copyrighted/Withdrawn and other dates. Most fit the record format
exactly (written as the register writes them); the others carry what it has no place for, in
every field, so that the import's report must name each difference.
"""

from __future__ import annotations

import random
from typing import Any

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
SITE = "https://register.example.org/"
ORGANS = [("Lung", "39607008"), ("Breast", "76752008"), ("Heart", "80891009"), ("Kidney", "64033007"),
          ("Liver", "10200004")]
FIELDS = ["Radiology", "Pathology", "Cardiology", None]
KEYWORDS = ["CT", "Whole slide imaging", "Lymph nodes", "Cancer", "Annotated", "Screening", "Deep learning",
            "Segmentation", "Sentinel nodes", "Cohort"]
FAMILY = ["Lindman", "Lundström", "van der Laak", "Jamtheim Gustafsson", "Öberg", "Nguyen", "O'Brien", "Smith-Jones"]
GIVEN = ["Karin", "Claes", "Jeroen", "Ana María", "Li", "Siobhán", "Per-Olof", "Ada"]
ORGANISATIONS = ["Linköping University", "Region Östergötland", "Uppsala University", "Karolinska Institutet",
                 "AIDA Data Hub", "Sectra AB"]


DUO = "http://purl.obolibrary.org/obo/duo.owl"
AIDA_BY_DUO = [("0000006", "health or medical or biomedical research"), ("0000012", "research specific restrictions"),
               ("0000028", "institution specific restriction")]  # licenses/aida-by/license.yaml `duo:`


def orcid(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(15))
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    full = digits + ("X" if check == 10 else str(check))
    return "-".join(full[i:i + 4] for i in range(0, 16, 4))


def ror(rng: random.Random) -> str:
    body = "0" + "".join(rng.choice(CROCKFORD) for _ in range(6))
    number = 0
    for char in body:
        number = number * 32 + CROCKFORD.index(char)
    return f"{body}{98 - (number * 100) % 97:02d}"


def _person(rng: random.Random, *, exact: bool) -> dict[str, Any]:
    family, given = rng.choice(FAMILY), rng.choice(GIVEN)
    entry: dict[str, Any] = {"name": f"{family}, {given}", "nameType": "Personal", "givenName": given,
                             "familyName": family}
    if rng.random() < 0.7:
        entry["nameIdentifiers"] = [{"nameIdentifier": f"https://orcid.org/{orcid(rng)}",
                                     "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}]
    if rng.random() < 0.6:
        entry["affiliation"] = [{"name": rng.choice(ORGANISATIONS), "affiliationIdentifier": f"https://ror.org/{ror(rng)}",
                                 "affiliationIdentifierScheme": "ROR", "schemeUri": "https://ror.org"}]
        if rng.random() < 0.3:
            entry["affiliation"].append({"name": rng.choice(ORGANISATIONS)})  # no ROR id
    if not exact:
        shape = rng.randrange(4)
        if shape == 0:  # only the name, as many repositories send it
            entry = {"name": entry["name"], "nameType": "Personal"}
        elif shape == 1 and "nameIdentifiers" in entry:  # an ISNI besides the ORCID
            entry["nameIdentifiers"].append({"nameIdentifier": "0000 0001 2146 438X", "nameIdentifierScheme": "ISNI"})
        elif shape == 2:
            entry["affiliation"] = [{"name": rng.choice(ORGANISATIONS), "affiliationIdentifier": "grid.5640.7",
                                     "affiliationIdentifierScheme": "GRID"}]
        else:
            entry["lang"] = "sv"
    return entry


def _organisation(rng: random.Random) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": rng.choice(ORGANISATIONS), "nameType": "Organizational"}
    if rng.random() < 0.6:
        entry["nameIdentifiers"] = [{"nameIdentifier": f"https://ror.org/{ror(rng)}", "nameIdentifierScheme": "ROR",
                                     "schemeUri": "https://ror.org"}]
    return entry


def _description(rng: random.Random, i: int) -> str:
    texts = [f"Images of {rng.randrange(10, 900)} cases, anonymised at the caregiver.",
             f"Dataset {i}: CT scans & annotations (<5 mm slices), see *notes*.\n\nSecond paragraph [draft].",
             "Cases of 2019-2020 with outcome data; 45% positive.",
             "A list:\n\n- first item\n- second item"]
    return rng.choice(texts)


def one(prefix: str, i: int, rng: random.Random) -> tuple[str, dict[str, Any], str]:
    """(doi, attributes, state) of DOI number i."""
    exact = rng.random() < 0.6  # written as the register writes it: the round trip must give it back unchanged
    suffix = rng.choice([f"ds-{i:04d}", f"aida/set-{i:04d}", f"{i:04d}-{rng.randrange(1000):03d}x"])
    doi = f"{prefix}/{suffix}"
    year = rng.randrange(2015, 2026)
    issued = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    authors = [_person(rng, exact=exact) if rng.random() < 0.75 else _organisation(rng)
               for _ in range(rng.randrange(1, 5))]
    field = rng.choice(FIELDS)
    attributes: dict[str, Any] = {
        "url": f"{SITE}{doi}/",
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": f"{field} dataset" if field else "Dataset"},
        "creators": authors,
        "titles": [{"title": f"Dataset number {i} of {rng.choice(KEYWORDS).lower()} images", "lang": "en"}],
        "publisher": {"name": "Test Data Hub"},
        "publicationYear": str(year),
        "language": "en",
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }
    if rng.random() < 0.5:
        attributes["titles"].append({"title": f"DS{i}", "titleType": "AlternativeTitle", "lang": "en"})
    keywords = rng.sample(KEYWORDS, rng.randrange(0, 4))
    subjects: list[dict[str, Any]] = [{"subject": keyword, "lang": "en"} for keyword in keywords]
    if rng.random() < 0.5:
        subjects.append({"subject": rng.choice(["CT", "MR", "SM"]), "subjectScheme": "DICOM Modality",
                         "schemeUri": "https://dicom.nema.org/medical/dicom/current/output/chtml/part03/sect_C.7.3.html"})
    if rng.random() < 0.5:
        organ, code = rng.choice(ORGANS)
        subjects.append({"subject": organ, "subjectScheme": "SNOMED CT", "schemeUri": "http://snomed.info/sct",
                         "valueUri": f"http://snomed.info/id/{code}", "classificationCode": code})
    holders = [_organisation(rng) if rng.random() < 0.7 else _person(rng, exact=True)]
    contact = rng.choice([*authors, *holders])
    contributors = [{**holder, "contributorType": "RightsHolder"} for holder in holders]
    contributors.append({**contact, "contributorType": "ContactPerson"})
    dates = [{"date": issued, "dateType": "Issued"}, {"date": str(year), "dateType": "Copyrighted"}]
    if rng.random() < 0.5:
        dates.insert(0, {"date": f"{year - 1}-03-01", "dateType": "Created"})
    if rng.random() < 0.4:
        dates.append({"date": f"{min(year + 1, 2026)}-01-15", "dateType": "Updated"})
    descriptions = [{"description": _description(rng, i), "descriptionType": "Abstract", "lang": "en"}]
    if rng.random() < 0.3:
        descriptions.append({"description": "Annotated by two radiologists.", "descriptionType": "Methods", "lang": "en"})
    if rng.random() < 0.3:
        descriptions.append({"description": "DICOM files, one folder per patient.", "descriptionType": "TechnicalInfo",
                             "lang": "en"})
    state = "findable"
    if rng.random() < 0.05:
        reason = "Withdrawn at the request of the rights holder"
        dates.append({"date": f"{min(year + 1, 2026)}-06-01", "dateType": "Withdrawn", "dateInformation": reason})
        descriptions.append({"description": f"This dataset has been withdrawn: {reason}", "descriptionType": "Other",
                             "lang": "en"})
        state = "registered"
    rights = rng.choice([
        [{"rights": "Creative Commons Attribution 4.0 International", "rightsIdentifier": "cc-by-4.0",
          "rightsIdentifierScheme": "SPDX", "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode",
          "schemeUri": "https://spdx.org/licenses/", "lang": "en"}],
        [{"rights": "Creative Commons Zero v1.0 Universal", "rightsIdentifier": "CC0-1.0", "rightsIdentifierScheme": "SPDX"}],
        [{"rights": "AIDA BY license 1.0", "rightsUri": f"{SITE}licenses/aida-by/1.0/", "lang": "en"}],
    ])
    if rights[0]["rights"].startswith("AIDA BY"):  # its conditions of use, as DUO subjects after the others
        subjects += [{"subject": label, "subjectScheme": "Data Use Ontology (DUO)", "schemeUri": DUO,
                      "valueUri": f"http://purl.obolibrary.org/obo/DUO_{code}", "classificationCode": f"DUO:{code}",
                      "lang": "en"} for code, label in AIDA_BY_DUO]
    sizes = []
    if rng.random() < 0.5:
        sizes.append(rng.choice(["4.5 GB", "2.4 TB", "812 MB", "1,234 bytes"]))
    if rng.random() < 0.5:
        sizes.append(f"{rng.randrange(1, 5000):,} patients")
    related = []
    if rng.random() < 0.5:
        related.append({"relatedIdentifier": f"10.1007/s10278-{i:03d}", "relatedIdentifierType": "DOI",
                        "relationType": "IsDescribedBy", "resourceTypeGeneral": "JournalArticle"})
    if rng.random() < 0.3:
        related.append({"relatedIdentifier": f"https://example.org/paper/{i}", "relatedIdentifierType": "URL",
                        "relationType": "IsCitedBy", "resourceTypeGeneral": "Preprint"})
    if rng.random() < 0.2:
        related.append({"relatedIdentifier": f"10.5281/zenodo.{i}", "relatedIdentifierType": "DOI",
                        "relationType": "IsDerivedFrom", "resourceTypeGeneral": "Dataset"})
    funding = []
    if rng.random() < 0.4:
        funding.append({"funderName": "Vinnova", "funderIdentifier": "https://ror.org/01v7r4v08",
                        "funderIdentifierType": "ROR", "awardNumber": f"2017-0{i:04d}", "awardTitle": "AIDA"})
    if rng.random() < 0.2:
        funding.append({"funderName": "Swedish Research Council", "funderIdentifier": "https://doi.org/10.13039/501100004359",
                        "funderIdentifierType": "Crossref Funder ID"})
    attributes |= {"subjects": subjects, "contributors": contributors, "dates": dates, "descriptions": descriptions,
                   "rightsList": rights, "sizes": sizes, "relatedIdentifiers": related, "fundingReferences": funding}
    if rng.random() < 0.3:
        attributes["formats"] = rng.choice([["DICOM"], ["image/tiff", "CSV"]])
    if rng.random() < 0.3:
        attributes["version"] = rng.choice(["1.0", "1.0.2", "2"])
    if not exact:
        _vary(attributes, rng, i)
    return doi, attributes, state


def _vary(attributes: dict[str, Any], rng: random.Random, i: int) -> None:
    """What real prefixes hold and the record format has no place for, or holds otherwise (two or three per DOI)."""
    for _ in range(rng.randrange(2, 4)):
        shape = rng.randrange(16)
        if shape == 0:
            attributes["geoLocations"] = [{"geoLocationPlace": "Linköping, Sweden",
                                           "geoLocationPoint": {"pointLatitude": 58.41, "pointLongitude": 15.62}}]
        elif shape == 1:
            attributes["subjects"].append({"subject": "FOS: Clinical medicine",
                                           "subjectScheme": "Fields of Science and Technology (FOS)",
                                           "schemeUri": "http://www.oecd.org/science/inno/38235147.pdf"})
        elif shape == 2:
            attributes["subjects"].append({"subject": "Lymphatic Metastasis", "subjectScheme": "MeSH",
                                           "schemeUri": "https://id.nlm.nih.gov/mesh/", "valueUri": "https://id.nlm.nih.gov/mesh/D008207"})
        elif shape == 3:
            attributes["contributors"].append({"name": "Data Office", "nameType": "Organizational",
                                               "contributorType": "DataCurator"})
        elif shape == 4:
            attributes["dates"].append({"date": "2021-01-01/2021-12-31", "dateType": "Collected"})
        elif shape == 5:
            attributes["rightsList"] = [{"rights": "Institutional data licence", "rightsUri": "https://example.org/licence"}]
        elif shape == 6:
            attributes["relatedIdentifiers"].append({"relatedIdentifier": f"2101.{i:05d}", "relatedIdentifierType": "arXiv",
                                                     "relationType": "IsReferencedBy"})
        elif shape == 7:
            attributes["relatedIdentifiers"].append({"relatedIdentifier": "10.23698/aida/collection", "relatedIdentifierType": "DOI",
                                                     "relationType": "IsPartOf", "resourceTypeGeneral": "Collection"})
        elif shape == 8:
            attributes["fundingReferences"].append({"funderName": "Wallenberg", "awardNumber": "KAW 2018.0123",
                                                    "awardUri": "https://example.org/award/1"})
        elif shape == 9:
            attributes["descriptions"].append({"description": "Part of the AIDA series.",
                                               "descriptionType": "SeriesInformation"})
        elif shape == 10:
            attributes["titles"].append({"title": "Ett dataset", "titleType": "TranslatedTitle", "lang": "sv"})
        elif shape == 11:
            attributes["alternateIdentifiers"] = [{"alternateIdentifier": f"local-{i}", "alternateIdentifierType": "Local"}]
        elif shape == 12:
            attributes["publisher"] = {"name": "AIDA", "publisherIdentifier": "https://ror.org/05ynxx418",
                                       "publisherIdentifierScheme": "ROR"}
        elif shape == 13:
            attributes["url"] = attributes["url"].rstrip("/")
        elif shape == 14:
            attributes["sizes"].append(f"{rng.randrange(2, 90)} files")
        else:
            attributes["dates"] = [d for d in attributes["dates"] if d["dateType"] != "Copyrighted"]
            attributes["contributors"] = [c for c in attributes["contributors"] if c["contributorType"] != "RightsHolder"]


def varied(prefix: str, count: int, seed: int = 14) -> list[tuple[str, dict[str, Any], str]]:
    rng = random.Random(seed)
    found: dict[str, tuple[str, dict[str, Any], str]] = {}
    for i in range(count):
        doi, attributes, state = one(prefix, i, rng)
        found[doi.lower()] = (doi, attributes, state)
    return list(found.values())
