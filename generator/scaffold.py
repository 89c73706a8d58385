"""`register new`: a new record with a fresh DOI, filled in from a few answers, the rest marked FILL IN."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date

from generator.check.catalog import expected_file_stem
from generator.check.validate import PLACEHOLDER
from generator.config import SiteConfig
from generator.model.licenses import default_version, load_library

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"  # DataCite's advice: lower-case letters, digits, hyphens


@dataclass
class Answers:
    """What the contributor told `register new`."""

    title: str | None = None
    authors: list[tuple[str, str, str | None]] = field(default_factory=list)  # family, given, ORCID
    licenses: list[str] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # name, e-mail


def fresh_suffix(taken: set[str], rng: random.Random) -> str:
    """An opaque suffix of two blocks of four Crockford base32 characters that no record has."""
    while True:
        text = "".join(rng.choice(CROCKFORD) for _ in range(8))
        suffix = f"{text[:4]}-{text[4:]}"
        if suffix not in taken:
            return suffix


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string, quotes and all


def _fill(hint: str) -> str:
    return _q(f"{PLACEHOLDER}: {hint}")


def license_versions(config: SiteConfig) -> dict[str, str]:
    """The version of each license a new record is written with: the site's license_versions, else the newest."""
    library = load_library(config.licenses_dir)
    return {name: default_version(template, config.new_license_versions) for name, template in library.templates.items()}


# Keys most datasets have, written as comments: remove the '# ' of those that apply and fill them in.
OPTIONAL_KEYS = [
    "# What is known about the data; remove the '# ' of a line to use it (docs/record-format.md lists them all):",
    "# short_name: CTPA",
    "# version: \"1.0\"",
    "# field: Radiology",
    "# origin: Clinical",
    "# keywords: [Computed tomography, Thorax]",
    "# modalities: [CT]  # DICOM modality codes",
    "# organs:",
    "#   - name: Lung",
    "#     snomed: \"39607008\"  # the SNOMED CT concept id",
    "# age_span: 45-93",
    "# counts:",
    "#   patients: 30",
    "#   scans: 30",
    "# size_bytes: 4500000000",
    "# file_formats: [DICOM]",
    "# usage_notes: |",
    "#   How the files are organised and how to read them (Markdown).",
]


def record(doi: str, answers: Answers, today: date, versions: dict[str, str] | None = None) -> str:
    """The text of the new record, with a comment above each group of keys."""
    authors = answers.authors or [("", "", None)]
    lines = [
        "# yaml-language-server: $schema=../schema/dataset.schema.json",
        "# A new dataset record. Replace every FILL IN, then run: register check",
        "# The record format: docs/record-format.md; an example with every key: datasets/aida-example-full.yaml",
        f"doi: {doi}",
        f"title: {_q(answers.title) if answers.title else _fill('the full title of the dataset')}",
        "status: ongoing  # ongoing, completed or withdrawn",
        f"published: {today.isoformat()}  # the date the dataset is published in the register",
        "hidden: true  # a preview until it is reviewed: remove this line to publish the dataset",
        f"description: {_fill('what the dataset holds, in a few sentences (Markdown)')}",
        "authors:",
    ]
    for family, given, orcid in authors:
        lines.append(f"  - family_name: {_q(family) if family else _fill('family name, with particles such as van der')}")
        lines.append(f"    given_name: {_q(given) if given else _fill('given name')}")
        if orcid:
            lines.append(f"    orcid: {orcid}")
        else:
            lines.append("    # orcid: 0000-0000-0000-0000  (add the author's ORCID iD when there is one)")
    lines += [
        "copyright:",
        f"  year: {today.year}",
        "  holders:",
        f"    - organization: {_fill('the institution holding the copyright, from the ethical approval')}",
        "contacts:",
    ]
    for name, email in answers.contacts or [("", "")]:
        lines.append(f"  - name: {_q(name) if name else _fill('a contact for questions and access requests')}")
        lines.append(f"    email: {email if email else _fill('their e-mail address')}")
    lines += OPTIONAL_KEYS
    lines.append("licenses:")
    for license_id in answers.licenses or ["controlled-access"]:
        lines.append(f"  - id: {license_id}")
        version = (versions or {}).get(license_id)
        if version:  # the terms the dataset is published under: a newer version of the license never changes them
            lines.append(f"    version: {_q(version)}")
    return "\n".join(lines) + "\n"


def file_name(doi: str) -> str:
    return expected_file_stem(doi) + ".yaml"
