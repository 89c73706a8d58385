"""A dataset's conditions of use as Data Use Ontology terms: those its licenses imply, then the record's own.

One list for the page, the JSON API, DataCite, the DCAT catalog and Croissant. Which terms a license
implies is declared in its license.yaml; docs/use-conditions.md explains each mapping, and says
where it is a judgment rather than a fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.record import Dataset
from generator.render import RenderContext
from generator.render.markdown import plain_text
from generator.vocabularies import DICOM_DEIDENTIFICATION, KEPT_DATA, LEVEL_MEANING, DuoTerm, duo_terms


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
    return list(ctx.resolve(dataset, "use conditions", lambda: _use_conditions(dataset, ctx)))


def _use_conditions(dataset: Dataset, ctx: RenderContext) -> list[Condition]:
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


NON_COMMERCIAL = {"DUO:0000046", "DUO:0000018", "DUO:0000045"}  # NCU, NPUNCU, NPU
ETHICS_APPROVAL = "DUO:0000021"  # IRB


@dataclass(frozen=True)
class StatementPart:
    """One part of a de-identification statement, as the page's list shows it: a label and what it says."""

    label: str
    text: str = ""  # plain text
    items: tuple[str, ...] = ()  # a list, one line each
    markdown: str = ""  # Markdown: rendered on the page, as plain text in DataCite and Croissant


def _sentence_case(text: str) -> str:
    """The first letter upper case, the rest as written (Jinja's capitalize would lower "CTPA")."""
    return text[:1].upper() + text[1:]


def deidentification_parts(dataset: Dataset) -> list[StatementPart]:
    """The de-identification statement, part by part, in the order the page shows it; [] if there is none."""
    statement = dataset.deidentification
    if statement is None:
        return []
    parts: list[StatementPart] = []
    if statement.level is not None:
        parts.append(StatementPart("Associated data kept", f"Level {statement.level} of 6 on the AIDA Data Sharing "
                                                          f"Policy's scale: {LEVEL_MEANING[statement.level]}"))
    if statement.kept:
        parts.append(StatementPart("Kept with the images", _sentence_case("; ".join(KEPT_DATA[item] for item in statement.kept))))
    if statement.motivation:
        parts.append(StatementPart("Why it is still anonymous", markdown=statement.motivation))
    if statement.removed:
        parts.append(StatementPart("Removed", items=tuple(statement.removed)))
    if statement.modified:
        parts.append(StatementPart("Changed", items=tuple(statement.modified)))
    if statement.dicom:
        parts.append(StatementPart("DICOM PS3.15 de-identification", "; ".join(
            f"{DICOM_DEIDENTIFICATION[option][1]} ({DICOM_DEIDENTIFICATION[option][0]})" for option in statement.dicom)))
    if statement.where:
        parts.append(StatementPart("Where", _sentence_case(statement.where)))
    if statement.method:
        parts.append(StatementPart("How", markdown=statement.method))
    if statement.pathology:
        parts.append(StatementPart("Slide labels and file metadata", markdown=statement.pathology))
    if statement.assessed_by or statement.assessed_on:
        who = f"by {statement.assessed_by}" if statement.assessed_by else ""
        when = f"on {statement.assessed_on.isoformat()}" if statement.assessed_on else ""
        parts.append(StatementPart("Assessed as anonymous", " ".join(part for part in (who, when) if part)))
    if statement.notes:
        parts.append(StatementPart("Notes", markdown=statement.notes))
    return parts


DEIDENTIFICATION_HEADING = "How the data was made anonymous"


def deidentification_text(dataset: Dataset) -> str | None:
    """The statement as plain text, with the page's heading and labels, for DataCite's Methods and Croissant."""
    parts = deidentification_parts(dataset)
    if not parts:
        return None
    sentences = [f"{DEIDENTIFICATION_HEADING}."]
    for part in parts:
        body = part.text or "; ".join(item.rstrip(".") for item in part.items) or plain_text(part.markdown)
        sentences.append(f"{part.label}: {body.rstrip('.')}.")
    return "\n\n".join(sentences)


def restricts_commercial_use(found: list[Condition]) -> bool:
    """Whether the conditions of use exclude commercial research (DUO's non-commercial and not-for-profit terms)."""
    return any(condition.term.code in NON_COMMERCIAL for condition in found)


def needs_ethics_approval(found: list[Condition]) -> bool:
    """Whether the conditions of use ask for an ethics approval (DUO:0000021, IRB)."""
    return any(condition.term.code == ETHICS_APPROVAL for condition in found)
