"""A dataset's conditions of use as Data Use Ontology terms: those its licenses imply, then the record's own.

One list for the page, the JSON API, DataCite, the DCAT catalog and Croissant. Which terms a license
implies is declared in its license.yaml; docs/use-conditions.md explains each mapping, and says
where it is a judgment rather than a fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import Dataset
from generator.render import RenderContext
from generator.vocabularies import DuoTerm, duo_terms


@dataclass(frozen=True)
class Condition:
    """One condition of use, with where it comes from."""

    term: DuoTerm
    source: str  # the license's title, or "this dataset" for the record's own
    disease: str | None = None  # a MONDO id, for disease specific research
    note: str | None = None

    @property
    def disease_iri(self) -> str | None:
        return "http://purl.obolibrary.org/obo/" + self.disease.replace(":", "_") if self.disease else None


def use_conditions(dataset: Dataset, ctx: RenderContext) -> list[Condition]:
    """Every condition of use, each term once: from the licenses in record order, then the record's own."""
    terms = duo_terms()
    found: list[Condition] = []
    seen: set[tuple[str, str | None]] = set()

    def add(condition: Condition) -> None:
        key = (condition.term.code, condition.disease)
        if key not in seen:
            seen.add(key)
            found.append(condition)

    for license in dataset.licenses:
        template = ctx.licenses.templates.get(license.id or "")
        for code in template.duo if template else ():
            add(Condition(terms[code], template.title if template else ""))
    for own in dataset.use_conditions:
        add(Condition(terms[own.code], "this dataset", own.disease, own.note))
    return found


def deidentification_text(dataset: Dataset) -> str | None:
    """The de-identification statement as plain text, for DataCite's Methods and Croissant; None if there is none."""
    from generator.render.markdown import plain_text
    from generator.vocabularies import DICOM_DEIDENTIFICATION, KEPT_DATA

    statement = dataset.deidentification
    if statement is None:
        return None
    parts = []
    if statement.level is not None:
        parts.append(f"Associated data kept with the images: level {statement.level} of 6 of the AIDA Data Sharing Policy's scale.")
    if statement.kept:
        parts.append("Kept: " + "; ".join(KEPT_DATA[item] for item in statement.kept) + ".")
    if statement.removed:
        parts.append("Removed: " + "; ".join(statement.removed) + ".")
    if statement.modified:
        parts.append("Modified: " + "; ".join(statement.modified) + ".")
    if statement.dicom:
        parts.append("DICOM PS3.15: " + "; ".join(DICOM_DEIDENTIFICATION[item][1] for item in statement.dicom) + ".")
    if statement.where:
        parts.append(f"Where: {statement.where.rstrip('.')}.")
    for label, text in (("Motivation", statement.motivation), ("Method", statement.method),
                        ("Slides", statement.pathology), ("Notes", statement.notes)):
        if text:
            parts.append(f"{label}: {plain_text(text)}")
    if statement.assessed_by or statement.assessed_on:
        who = f" by {statement.assessed_by}" if statement.assessed_by else ""
        when = f" on {statement.assessed_on.isoformat()}" if statement.assessed_on else ""
        parts.append(f"Assessed as anonymous{who}{when}.")
    return "De-identification. " + " ".join(parts)
