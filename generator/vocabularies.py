"""The controlled lists a record's privacy and use-condition statements are checked against, shipped as data.

- GA4GH Data Use Ontology (DUO) terms, from the official release in assets/duo/ (with its source).
- The de-identification options of DICOM PS3.15 Annex E (the Basic Application Level Confidentiality
  Profile and its options, with their DCM codes of CID 7050).
- What the AIDA Data Sharing Policy (1.2.4, Appendix 3) lists as associated data kept with the images.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DUO_FILE = Path(__file__).resolve().parent / "assets" / "duo" / "duo.csv"
DUO_RELEASE = "2021-02-23"
DUO_SCHEME = "http://purl.obolibrary.org/obo/duo.owl"


@dataclass(frozen=True)
class DuoTerm:
    """One term of the Data Use Ontology."""

    code: str  # DUO:0000006
    shorthand: str  # HMB
    label: str  # health or medical or biomedical research
    description: str

    @property
    def iri(self) -> str:
        return "http://purl.obolibrary.org/obo/" + self.code.replace(":", "_")


@functools.cache
def duo_terms() -> dict[str, DuoTerm]:
    """Every DUO term of the shipped release, by code."""
    with DUO_FILE.open(encoding="utf-8", newline="") as source:
        return {row["id"]: DuoTerm(row["id"], row["shorthand"], row["label"], row["description"]) for row in csv.DictReader(source)}


def duo_error(code: str) -> str | None:
    """Why `code` is not a DUO term of the shipped release, or None."""
    if code in duo_terms():
        return None
    by_shorthand = {term.shorthand: term for term in duo_terms().values() if term.shorthand}
    if code.upper() in by_shorthand:
        term = by_shorthand[code.upper()]
        return f"write the term's code: {code} is {term.code} ({term.label})"
    return (f"not a term of the Data Use Ontology (release {DUO_RELEASE}); use a code such as DUO:0000006 "
            "(health or medical or biomedical research) or DUO:0000021 (ethics approval required)")


# DICOM PS3.15 Annex E, Table E.1-1: the profile and its options, with their codes (DCM, CID 7050).
DICOM_DEIDENTIFICATION = {
    "basic-profile": ("113100", "Basic Application Confidentiality Profile"),
    "clean-pixel-data": ("113101", "Clean Pixel Data Option"),
    "clean-recognizable-visual-features": ("113102", "Clean Recognizable Visual Features Option"),
    "clean-graphics": ("113103", "Clean Graphics Option"),
    "clean-structured-content": ("113104", "Clean Structured Content Option"),
    "clean-descriptors": ("113105", "Clean Descriptors Option"),
    "retain-longitudinal-full-dates": ("113106", "Retain Longitudinal Temporal Information Full Dates Option"),
    "retain-longitudinal-modified-dates": ("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
    "retain-patient-characteristics": ("113108", "Retain Patient Characteristics Option"),
    "retain-device-identity": ("113109", "Retain Device Identity Option"),
    "retain-uids": ("113110", "Retain UIDs Option"),
    "retain-safe-private": ("113111", "Retain Safe Private Option"),
    "retain-institution-identity": ("113112", "Retain Institution Identity Option"),
}

# The associated data the policy's scale names (1 images; 2 + scanner model; 3 + time period;
# 4 + examination type; 5 + diagnosis; 6 further characterizing data), and what a level-6 dataset
# commonly adds.
KEPT_DATA = {
    "scanner-model": "scanner models",
    "time-period": "the time period of the examinations",
    "examination-type": "the type of examination",
    "diagnosis": "the diagnosis",
    "age": "the patients' ages or age span",
    "sex": "the patients' sex",
    "annotations": "annotations made for the dataset",
    "other": "other characterizing data (described in the motivation)",
}


# What each level of the policy's scale keeps with the images (Appendix 3): each level adds one kind of
# data; anything else (ages, sex, annotations, other) is "even further characterizing data", level 6.
LEVEL_KEEPS = {1: frozenset(), 2: frozenset({"scanner-model"}), 3: frozenset({"scanner-model", "time-period"}),
               4: frozenset({"scanner-model", "time-period", "examination-type"}),
               5: frozenset({"scanner-model", "time-period", "examination-type", "diagnosis"}), 6: frozenset(KEPT_DATA)}


LEVEL_MEANING = {1: "the images only", 2: "the images and the scanner model",
                 3: "the images, the scanner model and the time period",
                 4: "the images, the scanner model, the time period and the type of examination",
                 5: "the images, the scanner model, the time period, the type of examination and the diagnosis",
                 6: "the images with even further characterizing data, motivated case by case"}


def lowest_level(kept: str) -> int:
    """The lowest level of the policy's scale that keeps this kind of data."""
    return min(level for level, keeps in LEVEL_KEEPS.items() if kept in keeps)


def choice_error(value: str, choices: dict[str, object], what: str) -> str | None:
    """Why `value` is not one of `choices`, listing them, or None."""
    if value in choices:
        return None
    return f"not {what}; choose one of: {', '.join(choices)}"
