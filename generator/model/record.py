"""The record format: one pydantic model per part of a dataset record, documented field by field.

The model checks shape and syntax; rules that span several keys are in `check/validate.py` and
rules that span several records, licenses and files in `check/catalog.py`. Field descriptions are
the reference documentation and the published JSON Schema, so edit them with contributors in mind.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from generator import identifiers, vocabularies
from generator.paths import SITE_FOLDERS


def _rule(check: Callable[[str], tuple[Any, str | None]]) -> BeforeValidator:
    """A before-validator from an identifiers function returning (normalised value, error)."""

    def validate(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the declared type reports what was found instead
        normalised, error = check(value)
        if error:
            raise PydanticCustomError("register", error)
        return normalised

    return BeforeValidator(validate)


def _error_only(check: Callable[[str], str | None]) -> Callable[[str], tuple[Any, str | None]]:
    return lambda value: (value, check(value))


def _doi(value: Any, info: ValidationInfo) -> Any:
    """A full DOI, or a suffix completed with the register's prefix from the site configuration."""
    if not isinstance(value, str):
        return value
    prefix = (info.context or {}).get("doi_prefix")
    if prefix and not value.startswith("10.") and ":" not in value:
        value = f"{prefix}/{value}"
    error = identifiers.doi_error(value)
    if error:
        raise PydanticCustomError("register", error)
    return value.lower()  # DOIs are case-insensitive and DataCite answers in lower case


def _age_span(value: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"(\d{1,3})-(\d{1,3})", value)
    if not match or int(match.group(1)) > int(match.group(2)):
        return value, "expected an age span in years such as 45-93 (youngest-oldest); leave it out if unknown"
    return value, None


def _slug(value: str) -> tuple[str, str | None]:
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        return value, None
    return value, "expected a name of lower-case letters, digits and hyphens, such as lung-cohort"


def _old_path(value: str) -> tuple[str, str | None]:
    """A page path of an earlier site, e.g. 10.23698/aida/brln-old: safe path segments, as a DOI suffix is."""
    path = value.strip("/").lower()
    error = identifiers.suffix_error(path)
    if error:
        return path, f"an old page path becomes a folder of the site, and {error}"
    if path.split("/")[0] in SITE_FOLDERS:
        return path, (f"{path.split('/')[0]}/ holds the register's own pages, so an old page cannot be kept there; "
                      "remove this path (links to it will not be redirected)")
    return path, None


def _modality(value: str) -> tuple[str, str | None]:
    if value in identifiers.DICOM_MODALITIES:
        return value, None
    if value.upper() in identifiers.DICOM_MODALITIES:
        return value, f"DICOM modality codes are written in capitals: {value.upper()!r}"
    close = difflib.get_close_matches(value.upper(), sorted(identifiers.DICOM_MODALITIES), n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    return value, f"{hint}expected a DICOM modality code (DICOM PS3.3 C.7.3.1.1.1) such as CT, MR, DX, MG, US, PT or SM"


Doi = Annotated[str, BeforeValidator(_doi)]
Orcid = Annotated[str, _rule(identifiers.orcid)]
Ror = Annotated[str, _rule(identifiers.ror)]
Email = Annotated[str, _rule(_error_only(identifiers.email_error))]
Url = Annotated[str, _rule(_error_only(identifiers.url_error))]
IsoDate = Annotated[date, _rule(identifiers.parse_date)]
Country = Annotated[str, _rule(_error_only(identifiers.country_error))]
SnomedId = Annotated[str, _rule(_error_only(identifiers.snomed_error))]
Modality = Annotated[str, _rule(_modality)]
Slug = Annotated[str, _rule(_slug)]
AgeSpan = Annotated[str, _rule(_age_span)]
OldPath = Annotated[str, _rule(_old_path)]
Line = Annotated[str, Field(min_length=1, max_length=500)]
Markdown = Annotated[str, Field(min_length=1, max_length=50_000)]
# At most 2**53 - 1: the largest whole number every JSON reader (JavaScript too) keeps exact.
Count = Annotated[int, Field(ge=0, le=2**53 - 1)]


# The set of field names each model instance keeps (pydantic's model_fields_set), one per distinct set in a
# process (the workers' results, pickled in pieces, come back with one per piece); a register has a few hundred.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


class _Shared(BaseModel):
    """A frozen model whose record of the fields given in the record is shared with the other models that were
    given the same fields. pydantic keeps one set per instance, and a record's dozen parts held some 8 KB of
    them, a third of what a checked record held in memory (some 160 MB at 20,000 records). Frozen models never
    add to it, and pydantic copies it before changing it (model_copy), so one shared set can stand for all."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # A model that could change its fields would change the shared set of every other one.
        assert cls.model_config.get("frozen"), f"{cls.__name__} shares its set of given fields, so it must be frozen"

    def model_post_init(self, context: Any, /) -> None:
        fields = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(frozenset(fields), fields))


class Part(_Shared):
    """Every part of a record refuses unknown keys, so that a typo is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Affiliation(Part):
    """An institution a person belongs to."""

    name: Line = Field(description="Name of the institution, e.g. Uppsala University.")
    ror: Ror | None = Field(None, description="ROR id of the institution, e.g. https://ror.org/048a87296.")


class Agent(Part):
    """A person (family_name, given_name) or an organization (organization); never both."""

    given_name: Line | None = Field(None, description="Given name(s) of a person, e.g. Jeroen.")
    family_name: Line | None = Field(
        None, description="Family name of a person, with particles, e.g. van der Laak or Jamtheim Gustafsson."
    )
    organization: Line | None = Field(None, description="Name of an organization, when the agent is not a person.")
    orcid: Orcid | None = Field(None, description="ORCID iD of a person, e.g. 0000-0002-1825-0097.")
    ror: Ror | None = Field(None, description="ROR id of an organization.")
    url: Url | None = Field(None, description="Web address of an organization.")
    affiliations: list[Affiliation] = Field([], description="Institutions a person belongs to.")

    @property
    def is_person(self) -> bool:
        return self.organization is None

    @property
    def display_name(self) -> str:
        """`Given Family` for persons, the name for organizations."""
        if self.organization is not None:
            return self.organization
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class Contact(Part):
    """Someone to ask about the dataset or about access to it."""

    name: Line = Field(description="Name of the person or office.")
    email: Email | None = Field(None, description="E-mail address; shown on the page, never sent to DataCite.")
    role: Line | None = Field(None, description="Role, e.g. data steward, first author, copyright holder.")
    orcid: Orcid | None = Field(None, description="ORCID iD of a person.")
    url: Url | None = Field(None, description="Web address of an organisation, e.g. https://datahub.aida.scilifelab.se/.")


class Copyright(Part):
    """Who holds the copyright, from the approved ethical review application."""

    year: Annotated[int, Field(ge=1900, le=2200)] = Field(description="Year of the copyright, e.g. 2019.")
    holders: list[Agent] = Field(min_length=1, description="Copyright holders: organizations or persons.")


class Withdrawal(Part):
    """Why and when a dataset was withdrawn; its DOI and a tombstone page remain."""

    date: IsoDate = Field(description="Date of the withdrawal, YYYY-MM-DD.")
    reason: Line = Field(description="Reason, shown on the tombstone page and sent to DataCite.")
    successor: Doi | None = Field(None, description="DOI of a dataset in this register that replaces it.")


class Organ(Part):
    """An organ or body structure, with its SNOMED CT concept."""

    name: Line = Field(description="Name of the organ, e.g. Lung.")
    snomed: SnomedId = Field(description="SNOMED CT concept id, e.g. 39607008.")


class Counts(Part):
    """How much there is in the dataset."""

    patients: Count | None = Field(None, description="Number of patients.")
    scans: Count | None = Field(None, description="Number of scans, studies or slides.")
    annotations: Count | None = Field(None, description="Number of annotations.")


class LicenseRef(_Shared):
    """A license of the dataset: a template from licenses/ (with its parameters), an SPDX license, or the
    dataset's own license text (title and text), kept word for word as its copyright holder wrote it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    # Any text: an unknown name is reported against the licenses that exist (catalog._licenses).
    id: Line | None = Field(None, description="Name of a license template in licenses/, e.g. aida-by.")
    version: Annotated[str, Field(pattern=r"^\d+(\.\d+)*$")] | None = Field(
        None, description="Version of the template, e.g. \"1.1\"; every published dataset names it, so that its terms never change by accident."
    )
    spdx: Annotated[str, _rule(identifiers.spdx_license)] | None = Field(
        None, description="SPDX id of a standard license, e.g. CC-BY-4.0, instead of a template."
    )
    title: Line | None = Field(None, description="Name of the dataset's own license, shown above its text.")
    text: Markdown | None = Field(
        None, description="The dataset's own license text, word for word (Markdown), when no template has its wording."
    )
    summary: Line | None = Field(None, description="A one-line summary of the dataset's own license.")
    nearest: Line | None = Field(
        None, description="The template version closest to the dataset's own text, e.g. aida-by 1.1 (for reference only)."
    )
    cites: bool = Field(False, description="The dataset's own license text asks publications to cite works.")

    @property
    def custom(self) -> bool:
        """The dataset's own text rather than a template or SPDX license."""
        return self.text is not None

    @property
    def parameters(self) -> dict[str, Any]:
        """The template parameters given in the record (every key besides the ones above)."""
        return dict(self.model_extra or {})


class Access(Part):
    """How to get access to a controlled-access dataset."""

    eligibility: Markdown | None = Field(None, description="Who may apply and on what conditions (Markdown).")
    rems_url: Url | None = Field(None, description="Link to the application in REMS (Apply for access).")
    email: Email | None = Field(None, description="Address for access requests; the first contact when left out.")


Relation = Literal[
    "is-described-by", "is-cited-by", "is-supplement-to", "is-derived-from", "references",
    "is-new-version-of", "is-previous-version-of",
]


class RelatedWork(Part):
    """A paper or dataset related to this one. Read the relation as "this dataset *is described by* the work"."""

    relation: Relation = Field(description="How this dataset relates to the work.")
    doi: Doi | None = Field(None, description="DOI of the work, e.g. 10.1007/s10278-020-00384-4.")
    url: Url | None = Field(None, description="Web address of the work when it has no DOI.")
    title: Line | None = Field(None, description="Title of the work, shown on the landing page as its link; for a "
                               "dataset of this register, its own title is shown.")
    citation: Markdown | None = Field(None, description="The work's citation as text.")
    type: Literal["article", "preprint", "dataset", "software", "other"] = Field(
        "article", description="What kind of work it is."
    )
    must_cite: bool = Field(False, description="Publications using this dataset must cite this work (license terms).")


class Funding(Part):
    """A grant that paid for the dataset."""

    funder: Line = Field(description="Name of the funder, e.g. Vinnova.")
    funder_id: Url | None = Field(None, description="ROR or Crossref Funder id of the funder, as a URL.")
    award_number: Line | None = Field(None, description="Grant number.")
    award_title: Line | None = Field(None, description="Title of the grant.")


class ExampleImage(Part):
    """An example image shown in the gallery; the first is the dataset's thumbnail."""

    file: Annotated[str, Field(pattern=r"^[^/\\][^\\]*\.(png|jpe?g|gif|webp)$")] = Field(
        description="Image file, relative to the record file, e.g. images/aida-ctpa/axial.jpg."
    )
    title: Line = Field(description="Caption of the image.")
    alt: Line | None = Field(None, description="Text for screen readers; the title when left out.")


def _mondo(value: str) -> tuple[str, str | None]:
    if re.fullmatch(r"MONDO:\d{7}", value):
        return value, None
    return value, "expected a MONDO disease id such as MONDO:0005070 (look it up at https://monarchinitiative.org)"


DuoCode = Annotated[str, _rule(_error_only(vocabularies.duo_error))]
DicomOption = Annotated[str, _rule(_error_only(lambda value: vocabularies.choice_error(
    value, vocabularies.DICOM_DEIDENTIFICATION, "a DICOM PS3.15 de-identification option")))]
KeptData = Annotated[str, _rule(_error_only(lambda value: vocabularies.choice_error(
    value, vocabularies.KEPT_DATA, "a kind of associated data")))]
MondoId = Annotated[str, _rule(_mondo)]


class Deidentification(Part):
    """How the data was made anonymous: what was kept, removed and changed, how, and who assessed it.

    The levels are the scale of associated data of the AIDA Data Sharing Policy (Appendix 3):
    1 images; 2 + scanner model; 3 + time period; 4 + examination type; 5 + diagnosis; 6 even further
    characterizing data, which needs a motivation.
    """

    level: Annotated[int, Field(ge=1, le=6)] | None = Field(
        None, description="The policy's level of associated data kept with the images, 1 to 6; leave it out if not assessed.")
    kept: list[KeptData] = Field([], description="Associated data kept, e.g. scanner-model, examination-type, diagnosis.")
    motivation: Markdown | None = Field(None, description="Why the data kept is still anonymous; needed at level 6 (Markdown).")
    removed: list[Line] = Field([], description="What was removed, one item each, e.g. names and personal identity numbers.")
    modified: list[Line] = Field([], description="What was changed, one item each, e.g. dates shifted by a random number of days.")
    dicom: list[DicomOption] = Field(
        [], description="DICOM PS3.15 Annex E profile and options applied, e.g. basic-profile, retain-longitudinal-modified-dates.")
    method: Markdown | None = Field(None, description="How it was done: tools and their versions, review steps (Markdown).")
    where: Line | None = Field(None, description="Where it was done, e.g. at the caregiver before disclosure.")
    assessed_by: Line | None = Field(None, description="Who assessed that the data is anonymous.")
    assessed_on: IsoDate | None = Field(None, description="When it was assessed, YYYY-MM-DD.")
    pathology: Markdown | None = Field(None, description="For slides: what was done to labels and file metadata (Markdown).")
    notes: Markdown | None = Field(None, description="Anything else about the de-identification (Markdown).")


class UseCondition(Part):
    """A condition of use of the data, as a GA4GH Data Use Ontology (DUO) term, besides those its licenses imply."""

    code: DuoCode = Field(description="DUO term, e.g. DUO:0000007 (disease specific research) or DUO:0000021 (ethics approval).")
    disease: MondoId | None = Field(None, description="For disease specific research (DUO:0000007): the MONDO id of the disease.")
    note: Line | None = Field(None, description="What the condition names, e.g. the time limit, institution or project.")


Status = Literal["ongoing", "completed", "withdrawn"]


class Dataset(Part):
    """One dataset of the register."""

    doi: Doi = Field(description="The dataset's DOI, e.g. 10.23698/aida/ctpa, or only its suffix. The suffix is also "
                     "the page's path: parts separated by /, each a letter or digit followed by letters, digits "
                     "and -._;()~$=*:")
    title: Line = Field(description="Full title of the dataset.")
    short_name: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        None, description="Short name, e.g. CTPA."
    )
    version: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        None, description="Version of the dataset, e.g. 1.0.2 (quote it: \"1.10\")."
    )
    status: Status = Field(description="ongoing (data collection goes on), completed or withdrawn.")
    withdrawal: Withdrawal | None = Field(None, description="Date and reason, when status is withdrawn.")
    created: IsoDate | None = Field(None, description="Date the dataset was created, YYYY-MM-DD.")
    published: IsoDate = Field(description="Date the dataset was published in the register, YYYY-MM-DD.")
    modified: IsoDate | None = Field(None, description="Date of the last change to the dataset or record.")
    hidden: bool = Field(False, description="Preview only: the page is built but listed nowhere and not indexed.")
    synthetic: bool = Field(False, description="The data is synthetic, not from real patients.")
    collections: list[Slug] = Field([], description="Collections the dataset belongs to, e.g. lung-cohort.")
    field: Line | None = Field(None, description="Field, e.g. Radiology or Pathology.")
    origin: Line | None = Field(None, description="Where the data comes from, e.g. Clinical.")
    keywords: list[Line] = Field([], description="Keywords, one per item.")
    description: Markdown = Field(description="What the dataset holds (Markdown).")
    annotation: Markdown | None = Field(None, description="How the data was annotated (Markdown).")
    usage_notes: Markdown | None = Field(None, description="File formats and how to work with the data (Markdown).")
    authors: list[Agent] = Field(min_length=1, description="Persons or organizations credited with the dataset.")
    copyright: Copyright = Field(description="Copyright year and holders.")
    contacts: list[Contact] = Field(min_length=1, description="Contact points for information and access requests.")
    modalities: list[Modality] = Field([], description="DICOM modality codes, e.g. CT, MR, SM.")
    organs: list[Organ] = Field([], description="Organs with their SNOMED CT ids.")
    scanners: list[Line] = Field([], description="Scanner models.")
    stain: Line | None = Field(None, description="Staining, for pathology.")
    phase: Line | None = Field(None, description="Contrast phase, for radiology.")
    resolution: Line | None = Field(None, description="Resolution, e.g. 20x or 0.625 mm.")
    age_span: AgeSpan | None = Field(None, description="Age span of the patients in years, e.g. 45-93.")
    counts: Counts | None = Field(None, description="Numbers of patients, scans and annotations.")
    size_bytes: Count | None = Field(None, description="Size of the data in bytes.")
    file_formats: list[Line] = Field([], description="File formats, e.g. DICOM.")
    countries_shared: list[Country] = Field([], description="Countries the data has been shared with (ISO codes).")
    licenses: list[LicenseRef] = Field(min_length=1, description="Licenses, e.g. controlled-access and aida-by.")
    access: Access | None = Field(None, description="How to get access.")
    related: list[RelatedWork] = Field([], description="Related papers and datasets.")
    funding: list[Funding] = Field([], description="Grants that paid for the dataset.")
    images: list[ExampleImage] = Field([], description="Example images; the first is the thumbnail.")
    deidentification: Deidentification | None = Field(
        None, description="How the data was made anonymous; required for published data of clinical origin.")
    use_conditions: list[UseCondition] = Field(
        [], description="Conditions of use as DUO terms, besides those the licenses imply (listed on each license's page).")
    old_paths: list[OldPath] = Field([], description="Paths where an earlier site showed this dataset, e.g. "
                                     "10.23698/aida/brln-old; each becomes a page that redirects to this one.")

    @property
    def year(self) -> int:
        """Publication year."""
        return self.published.year
