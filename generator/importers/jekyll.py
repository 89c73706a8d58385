"""`register import jekyll`: an AIDA-style Jekyll register (`_datasets/<doi>.md`) into records of this format.

Every value is carried over as the old record has it, or left for a person: what cannot be mapped
without guessing becomes a note with the old record's line, or a `FILL IN` that `register check`
reports. Nothing is invented to make a record pass.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.catalog import MAX_IMAGE_BYTES, expected_file_stem
from generator.errors import KeyPath, display_path
from generator.identifiers import doi_error
from generator.importers import license_match
from generator.importers.yaml_writer import dump
from generator.licenses import LicenseLibrary, load_library
from generator.loader import MAX_RECORD_BYTES, SourceDoc, parse_text
from generator.render import join_names
from generator.validate import PLACEHOLDER

LICENSES = {"controlled access": "controlled-access", "aida license": "aida", "aida by license": "aida-by",
            "aida ca license": "aida-ca", "aida by ca license": "aida-by-ca"}
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "af", "la", "le", "ten", "ter"}
HEADER = "# yaml-language-server: $schema=../schema/dataset.schema.json\n# Imported from {source}\n"


@dataclass
class Converted:
    """One old record: its new text and what a person must know about it."""

    source: Path
    doi: str | None = None
    text: str | None = None
    notes: list[str] = field(default_factory=list)
    images: list[tuple[Path, str]] = field(default_factory=list)  # (old file, new name relative to datasets/)


def find_records(source: Path) -> list[Path]:
    """The `_datasets/**/*.md` files of a Jekyll site folder (or of its `_datasets` folder itself)."""
    folder = source if source.name == "_datasets" else source / "_datasets"
    return sorted(folder.rglob("*.md")) if folder.is_dir() else []


def convert(path: Path, site_root: Path, library: LicenseLibrary | None = None) -> Converted:
    """Convert one old record; `site_root` is where the old site's /assets live, `library` the licenses to match."""
    result = Converted(path)
    text = _read_record(path, site_root, result)
    if text is None:
        return result
    match = re.match(r"---\n(.*?\n)---\n?(.*)", text, re.DOTALL)
    if not match:
        result.notes.append(f"{display_path(path)}:1: not converted: no front matter between '---' lines")
        return result
    doc = parse_text("\n" + match.group(1), SourceDoc(path, display_path(path)))  # "\n": line numbers as in the file
    if doc.problems or not isinstance(doc.data, dict):
        result.notes += [f"{p.path}:{p.line}: not converted: {p.message}" for p in doc.problems] or [
            f"{display_path(path)}:1: not converted: the front matter is not a mapping"]
        return result
    shape = _shape_problems(doc)
    if shape:
        result.notes += [f"{doc.display}:{doc.mark(key_path)[0]}: not converted: {message}" for key_path, message in shape]
        return result
    mapper = _Mapper(doc, result, match.group(2), site_root, body_line=match.group(1).count("\n") + 3)
    mapper.library = library or LicenseLibrary(Path("licenses"))
    mapper.run()
    _stale_modification(match.group(1), doc, result)
    return result


def _read_record(path: Path, site_root: Path, result: Converted) -> str | None:
    """The text of an old record, or None with a note: only regular UTF-8 files inside the old site are read."""
    where = f"{display_path(path)}:1: not converted"
    if path.is_symlink() or not path.resolve().is_relative_to(site_root.resolve()):
        result.notes.append(f"{where}: it is a symbolic link, or lies outside the old site; copy the file itself there")
        return None
    if not path.is_file():
        result.notes.append(f"{where}: it is not a regular file")
        return None
    with path.open("rb") as file:  # read at most one byte more than allowed, whatever the size the file claims
        raw = file.read(MAX_RECORD_BYTES + 1)
    if len(raw) > MAX_RECORD_BYTES:
        result.notes.append(f"{where}: the file is larger than {MAX_RECORD_BYTES:,} bytes")
        return None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")  # newlines as read_text reads them
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        result.notes.append(f"{display_path(path)}:{line}: not converted: the file is not UTF-8 text "
                            f"(byte 0x{raw[error.start]:02x}); save it as UTF-8 and import again")
        return None


# The parts of an old record the mapper reads, with the shape it needs them in; other keys are not read.
_LISTS_OF_MAPPINGS = {("datacite", "author"), ("datacite", "provider"), ("datacite", "copyrightHolder"),
                      ("datacite", "license"), ("datacite", "citation"), ("other", "organ"), ("other", "exampleImage")}
_LISTS_OF_TEXT = {("other", "modality"), ("other", "scanner"), ("other", "countries-shared")}
_TEXTS = {("datacite", key) for key in ("@id", "url", "name", "version", "dateCreated", "datePublished",
                                          "dateModified", "about", "description", "copyrightYear")} | {
         ("other", key) for key in ("shortName", "status", "origin", "annotation", "stain", "phase", "resolution",
                                     "age-span", "bytes", "numberOfScans", "numberOfAnnotations", "numberOfPatients")}


def _shape_problems(doc: SourceDoc) -> list[tuple[KeyPath, str]]:
    """Values of the wrong kind (a list where text belongs, text where a list belongs), each with its key."""
    problems: list[tuple[KeyPath, str]] = []
    for block in ("datacite", "other"):
        values = doc.data.get(block)
        if values is None:
            continue
        if not isinstance(values, dict):
            problems.append(((block,), f"{block} must be a mapping of keys"))
            continue
        for key, value in values.items():
            where, shown = (block, key), f"{block}.{key}"
            if value is None:
                continue
            if where in _LISTS_OF_MAPPINGS and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
                problems.append((where, f"{shown} must be a list of mappings (- name: ...)"))
            elif where in _LISTS_OF_TEXT | {("datacite", "keywords")} and isinstance(value, list):
                if not all(isinstance(v, str) for v in value):
                    problems.append((where, f"{shown} must be a list of texts"))
            elif (where in _TEXTS | _LISTS_OF_TEXT | {("datacite", "keywords")}) and not isinstance(value, str):
                problems.append((where, f"{shown} must be {'a list of texts' if where in _LISTS_OF_TEXT else 'text'}"))
    return problems


def _stale_modification(front: str, doc: SourceDoc, result: Converted) -> None:
    """A version comment dated after dateModified (`# v1.0.2 2020-07-05: ...`) means the date was not kept up."""
    modified = str(((doc.data or {}).get("datacite") or {}).get("dateModified") or "")
    try:
        date.fromisoformat(modified)
    except ValueError:
        return  # an invalid date is reported on its own
    for number, line in enumerate(front.splitlines(), start=2):
        found = re.search(r"#\s*v?\d+(\.\d+)*\s+(\d{4}-\d{2}-\d{2})", line)
        if found and modified and found.group(2) > modified:
            result.notes.append(f"{doc.display}:{number}: dateModified {modified} is older than the change noted here "
                                f"({found.group(2)}); the new record keeps {modified}: update modified if the data changed")


class _Mapper:
    def __init__(self, doc: SourceDoc, result: Converted, body: str, site_root: Path, *, body_line: int = 1) -> None:
        self.doc, self.result, self.body, self.site_root = doc, result, body, site_root
        self.body_line = body_line  # the file line of the body's first line, for notes about the page text
        self.cited: list[str] = []  # DOIs and links the old license texts ask publications to cite
        self.library = LicenseLibrary(Path("licenses"))  # the register's licenses, to find each text's version
        data = doc.data
        self.meta: dict[str, Any] = data.get("datacite") or {}
        self.other: dict[str, Any] = data.get("other") or {}

    def note(self, path: KeyPath, message: str) -> None:
        self.result.notes.append(f"{self.doc.display}:{self.doc.mark(path)[0]}: {message}")

    def get(self, block: str, key: str) -> Any:
        value = (self.meta if block == "datacite" else self.other).get(key)
        return value if value not in (None, "", []) else None

    def run(self) -> None:
        doi = self._doi()
        if doi is None:
            return
        record: dict[str, Any] = {"doi": doi}
        record["title"] = self.get("datacite", "name") or self._fill(("datacite", "name"), "the title (the old record has none)")
        if self.get("other", "shortName"):
            record["short_name"] = self.get("other", "shortName")
        if self.get("datacite", "version"):
            record["version"] = str(self.get("datacite", "version"))
        record["status"] = self._status()
        for key, old in (("created", "dateCreated"), ("published", "datePublished"), ("modified", "dateModified")):
            value = self._date(old, required=key == "published")
            if value:
                record[key] = value
        hidden = self.doc.data.get("hidden")
        if hidden is not None:
            record["hidden"] = str(hidden).lower() in ("yes", "true", "on")
        if str(self.get("other", "origin") or "").lower() == "synthetic":
            record["synthetic"] = True
        for key, block, old in (("field", "datacite", "about"), ("origin", "other", "origin")):
            if self.get(block, old):
                record[key] = self.get(block, old)
        keywords = self.get("datacite", "keywords")
        if keywords:
            record["keywords"] = [k.strip() for k in (keywords.split(",") if isinstance(keywords, str) else keywords) if k.strip()]
        record["description"] = (self.get("datacite", "description") or self._fill(("datacite", "description"), "what the dataset holds")).strip() + "\n"
        if self.get("other", "annotation"):
            record["annotation"] = self.get("other", "annotation").strip() + "\n"
        usage = self._usage_notes()
        if usage:
            record["usage_notes"] = usage
        record["authors"] = [self._agent(("datacite", "author", i), a) for i, a in enumerate(self.meta.get("author") or [])]
        if not record["authors"]:
            record["authors"] = [{"organization": self._fill(("datacite",), "the authors")}]
        record["copyright"] = self._copyright()
        record["contacts"] = [self._contact(i, p) for i, p in enumerate(self.meta.get("provider") or [])] or [
            {"name": self._fill(("datacite",), "a contact")}]
        record |= self._imaging()
        record["licenses"] = self._licenses()
        related = self._related(record["licenses"])
        if related:
            record["related"] = related
        images = self._images(doi)
        if images:
            record["images"] = images
        self.result.text = HEADER.format(source=self.doc.display) + dump(record)

    def _fill(self, path: KeyPath, hint: str) -> str:
        self.note(path, f"left as FILL IN: {hint}")
        return f"{PLACEHOLDER}: {hint}"

    def _doi(self) -> str | None:
        """The DOI, if the record's @id, its url and its file path agree on it; never a guess."""
        parts = self.doc.path.with_suffix("").parts
        path_doi = "/".join(parts[parts.index("_datasets") + 1:]).lower() if "_datasets" in parts else ""
        identifier = str(self.meta.get("@id") or "")
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", identifier).lower()
        url_path = re.sub(r"^https?://[^/]+/", "", str(self.meta.get("url") or "")).strip("/").lower()
        if not doi.startswith("10."):
            self.note(("datacite", "@id"), f"not converted: @id {identifier!r} is not a DOI")
            return None
        error = doi_error(doi)
        if error:
            self.note(("datacite", "@id"), f"not converted: @id {identifier!r} is not a DOI this register can use: {error}")
            return None
        disagree = [f"{what} says {value}" for what, value in (("the url", url_path), ("the file path", path_doi))
                    if value and value != doi]
        if disagree:
            self.note(("datacite", "@id"), f"not converted: @id says {doi}, but {' and '.join(disagree)}")
            return None
        self.result.doi = doi
        return doi

    def _status(self) -> str:
        status = str(self.get("other", "status") or "")
        if status.lower() in ("ongoing", "completed", "withdrawn"):
            return status.lower()
        return self._fill(("other", "status"), f"ongoing, completed or withdrawn (the old record says {status!r})")

    def _date(self, key: str, *, required: bool) -> str | None:
        value = self.get("datacite", key)
        if value is None:
            return self._fill(("datacite",), f"{key} is missing") if required else None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            try:
                date.fromisoformat(str(value))
                return str(value)
            except ValueError:
                pass
        if required:
            return self._fill(("datacite", key), f"the real date; the old record says {value!r}")
        self.note(("datacite", key), f"{key} {value!r} is not a real date; left out: add the real date")
        return None

    def _usage_notes(self) -> str | None:
        """The old body up to its license section: file formats and how to work with the data."""
        text = re.split(r"^## License", self.body, maxsplit=1, flags=re.MULTILINE)[0]
        text = re.sub(r"^## File formats\s*\n", "", text.strip(), flags=re.MULTILINE).strip()
        if "{%" in text or "{{" in text:
            self.note((), "the body's notes contain Liquid tags, which are not carried over")
            text = re.sub(r"\{[%{].*?[%}]\}", "", text).strip()
        return text + "\n" if text else None

    def _split_name(self, path: KeyPath, name: str) -> dict[str, str]:
        words = name.split()
        for i, word in enumerate(words[1:], start=1):
            if word.lower() in PARTICLES:
                return {"given_name": " ".join(words[:i]), "family_name": " ".join(words[i:])}
        if len(words) == 2:
            return {"given_name": words[0], "family_name": words[1]}
        self.note(path, f"the name {name!r} could not be split without guessing: fill in given_name and family_name")
        return {"given_name": f"{PLACEHOLDER}: given name(s) of {name}", "family_name": f"{PLACEHOLDER}: family name of {name}"}

    def _agent(self, path: KeyPath, old: dict[str, Any]) -> dict[str, Any]:
        name = str(old.get("name") or "").strip()
        identifier = str(old.get("@id") or "")
        if old.get("@type") == "Organization":
            agent: dict[str, Any] = {"organization": name}
            if old.get("url"):
                agent["url"] = old["url"]
            if identifier.startswith("https://ror.org/"):
                agent["ror"] = identifier
            return agent
        agent = self._split_name(path, name)
        if "orcid.org" in identifier:
            agent["orcid"] = identifier.replace("https://orcid.org/", "")
        elif path[1] == "author":
            self.note(path, f"{name} has no ORCID iD (FIXME in the old record): add it when known")
        return agent

    def _copyright(self) -> dict[str, Any]:
        holders = [self._agent(("datacite", "copyrightHolder", i), h) for i, h in enumerate(self.meta.get("copyrightHolder") or [])]
        if not holders:
            holders = [{"organization": self._fill(("datacite", "copyrightHolder"), "the copyright holders (the old record has none)")}]
        year = self.get("datacite", "copyrightYear")
        return {"year": int(year) if str(year or "").isdigit() else self._fill(("datacite",), "the copyright year"),
                "holders": holders}

    def _contact(self, i: int, old: dict[str, Any]) -> dict[str, Any]:
        contact: dict[str, Any] = {"name": str(old.get("name") or "")}
        if old.get("email"):
            contact["email"] = old["email"]
        identifier = str(old.get("@id") or "")
        if "orcid.org" in identifier:
            contact["orcid"] = identifier.replace("https://orcid.org/", "")
        return contact

    def _imaging(self) -> dict[str, Any]:
        other, found = self.other, {}
        lists = (("modalities", "modality"), ("scanners", "scanner"), ("countries_shared", "countries-shared"))
        for key, old in lists:
            if other.get(old):
                found[key] = [str(value) for value in other[old]]
        if other.get("organ"):
            found["organs"] = [{"name": organ.get("name"), "snomed": str(organ.get("sctid"))} for organ in other["organ"]]
        for key in ("stain", "phase", "resolution"):
            if other.get(key):
                found[key] = str(other[key])
        span = other.get("age-span")
        if span and re.fullmatch(r"\d+-\d+", str(span)):
            found["age_span"] = str(span)
        elif span:
            self.note(("other", "age-span"), f"age-span {span!r} is not an age span; left out")
        counts = {key: int(other[old]) for key, old in (("scans", "numberOfScans"), ("annotations", "numberOfAnnotations"),
                                                        ("patients", "numberOfPatients")) if str(other.get(old) or "").isdigit()}
        if counts:
            found["counts"] = counts
        if str(other.get("bytes") or "").isdigit():
            found["size_bytes"] = int(other["bytes"])
        return found

    def note_line(self, line: int, message: str) -> None:
        self.result.notes.append(f"{self.doc.display}:{line}: {message}")

    def _licenses(self) -> list[dict[str, Any]]:
        """Each license as the page's text has it: the version with its exact wording, or the text itself.

        The text under `## License` is what people agreed to; where the metadata says something else,
        the text is kept and the difference reported.
        """
        sections = license_match.page_sections(self.body, self.body_line, self.meta)
        by_name = {section.name.lower(): section for section in sections}
        licenses, used = [], set()
        for i, old in enumerate(self.meta.get("license") or []):
            name = str(old.get("name") or "").strip()
            section = by_name.get(name.lower())
            if section is not None and name.lower() not in used:
                used.add(name.lower())
                licenses.append(self._license_from_text(section, old, ("datacite", "license", i)))
            elif sections:
                shown = ", ".join(repr(section.name) for section in sections)
                self.note(("datacite", "license", i, "name"),
                          f"the metadata names {name!r}, but the page's license text has {shown}; the page's text "
                          "is what people agreed to, so the record takes it and leaves this name out")
            else:
                licenses.append(self._license_without_text(i, name))
        for section in sections:
            if section.name.lower() not in used:
                self.note_line(section.line, f"the page's text has a license {section.name!r} that the metadata "
                                             "does not name; the record keeps it, as the page shows it")
                licenses.append(self._license_from_text(section, None, None))
        if not licenses:
            licenses.append({"id": self._fill(("datacite",), "the dataset's licenses")})
        return licenses

    def _license_without_text(self, i: int, name: str) -> dict[str, Any]:
        license_id = LICENSES.get(name.lower())
        path = ("datacite", "license", i)
        if license_id is None:
            return {"id": self._fill(path, f"a license of licenses/ for {name!r}")}
        return {"id": license_id, "version": self._fill(
            path, f"the version of {license_id} the dataset was published under (the page shows no license text)")}

    def _license_from_text(self, section: license_match.Section, old: dict[str, Any] | None,
                           path: KeyPath | None) -> dict[str, Any]:
        for tag in section.unknown_tags:
            self.note_line(section.line, f"the license text has the Liquid tag {tag}, which cannot be rendered "
                                         "without the old site: replace it with what the old page showed")
        for include in section.includes:
            self.note_line(section.line, f"the old page shows the old site's shared text {include} here, which is "
                                         "not part of the record; the register shows its own general access "
                                         "explanation instead: check that the dataset's terms do not depend on it")
        heading_id = LICENSES.get(section.name.lower())
        if not section.text.strip():
            return {"id": heading_id or self._fill(path or (), f"a license of licenses/ for {section.name!r}"),
                    "version": self._fill(path or (), f"the page shows no text of its own under {section.name!r}, only "
                                          "the old site's shared text; choose the version whose text says the same")}
        values = license_match.liquid_values(self.meta)
        found = license_match.obligations(section.text)
        fill_values: dict[str, Any] = {
            "year": values["page.datacite.copyrightYear"],
            "holders": values['page.datacite.copyrightHolder | map: "name" | join: ", "'],
            "co_authors": join_names(found["co_authors"]) if found.get("co_authors") else None,
            "acknowledgement": found.get("acknowledgement"),
            "terms": section.text.strip(),
        }
        candidates = ["controlled-access"] if heading_id == "controlled-access" else ["aida", "aida-by", "aida-ca", "aida-by-ca"]
        match = license_match.identify(section.text, self.library, candidates, fill_values)
        block = license_match.works_block(section.text)
        if block is not None:
            links = license_match.cited_links(block)
            self.cited += links
            if match.template is not None and self.result.doi not in links:
                self.note_line(section.line, f"the text under {section.name!r} does not ask to cite the dataset itself, "
                                             f"as {match.template.id} {match.version} does: the record keeps it word "
                                             "for word as the dataset's own license text")
                match = license_match.Match(None, None, (match.template, match.version or ""), "")
        abstract = " ".join(str((old or {}).get("abstract") or "").split())
        if match.template is not None:
            entry: dict[str, Any] = {"id": match.template.id, "version": match.version}
            if heading_id and heading_id != match.template.id:
                self.note_line(section.line, f"the text under {section.name!r} has the wording of {match.template.title} "
                                             f"{match.version}, not of the {section.name}; the record takes the "
                                             "text's license")
            if match.template.id == "controlled-access":
                entry["terms"] = section.text.strip()
            for name in ("co_authors", "acknowledgement"):
                if name in found and name in match.template.parameters:
                    entry[name] = found[name]
            if match.template.asks_co_authorship and not found.get("co_authors"):
                entry["co_authors"] = self._fill(path or (), f"the co-authors: the text under {section.name!r} asks "
                                                 "for 'the authors of this dataset' without naming them")
            co_authorship = match.template.asks_co_authorship
        else:
            entry = {"title": section.name}
            if match.nearest:
                entry["nearest"] = f"{match.nearest[0].id} {match.nearest[1]}"
            if match.nearest and match.changes:
                template, version = match.nearest
                self.note_line(section.line, f"the text under {section.name!r} is no version of licenses/: the record "
                                             f"keeps it word for word as the dataset's own license text; the nearest "
                                             f"is {template.id} {version}, which differs: {match.changes}")
            if block is not None:
                entry["cites"] = True
            entry |= {name: found[name] for name in ("co_authors", "acknowledgement") if name in found}
            co_authorship = bool(found.get("co_authors"))
            if abstract and ("co-author" in abstract.lower()) == co_authorship and path:
                entry["summary"] = abstract
            entry["text"] = section.text  # last: the long part, word for word
        if abstract and path and heading_id != "controlled-access" and ("co-author" in abstract.lower()) != co_authorship:
            self.note((*path, "abstract"),
                      f"the summary {abstract!r} does not fit the {section.name}: its text "
                      f"{'asks' if co_authorship else 'does not ask'} for co-authorship; the summary is left out")
        return entry

    def _related(self, licenses: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The old citations; must_cite exactly where the license text asks to cite the work."""
        related = []
        listed = set()
        context = " ".join(str(self.meta.get("description") or "").split()) + " " + self.body
        for i, old in enumerate(self.meta.get("citation") or []):
            identifier = str(old.get("@id") or "")
            kind = str(old.get("@type") or "")
            work: dict[str, Any] = {"relation": self._relation(("datacite", "citation", i), kind, old, context),
                                    "type": "article" if kind in ("Article", "ScholarlyArticle") else
                                    "dataset" if kind == "Dataset" else "other"}
            doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", identifier)
            if doi.startswith("10."):
                work["doi"] = doi
            elif identifier:
                work["url"] = identifier
            link = doi.lower() if doi.startswith("10.") else identifier
            listed.add(link)
            if old.get("name"):
                work["citation"] = " ".join(str(old["name"]).split())
            if link and link in self.cited:
                work["must_cite"] = True  # the license text asks publications to cite it
            related.append(work)
        for link in dict.fromkeys(self.cited):
            if link in listed or link == self.result.doi:
                continue
            self.note(("datacite",), f"the license text asks publications to cite {link}, which the metadata does not "
                                     "list as a citation: added as a work to cite; give its citation and relation")
            key = "doi" if link.startswith("10.") else "url"
            related.append({"relation": f"{PLACEHOLDER}: how this dataset relates to {link}", key: link, "must_cite": True})
        return related

    def _relation(self, path: KeyPath, kind: str, old: dict[str, Any], context: str) -> str:
        """is-derived-from for a source dataset the text says the data comes from; a paper describes it; else ask."""
        name = " ".join(str(old.get("name") or "").split())
        derived = re.search(r"\b(derived|selected|extracted|taken|subset) (from|of)\b", context, re.IGNORECASE)
        if kind == "Dataset" and derived:
            return "is-derived-from"
        if kind in ("Article", "ScholarlyArticle", "Report", "Thesis"):
            return "is-described-by"
        self.note(path, f"how this dataset relates to {name or old.get('@id')!r} is not clear from the old record "
                        f"(@type {kind or 'missing'})")
        return f"{PLACEHOLDER}: how this dataset relates to the work (e.g. is-derived-from, references)"

    def _images(self, doi: str) -> list[dict[str, Any]]:
        images = []
        for i, old in enumerate(self.other.get("exampleImage") or []):
            url = str(old.get("url") or "")
            name = f"images/{expected_file_stem(doi)}/{Path(url).name}"
            source, problem = _old_image(self.site_root, url)
            if source is None:
                self.note(("other", "exampleImage", i, "url"), f"image {url} {problem}; copy it to datasets/{name}")
            else:
                self.result.images.append((source, name))
            images.append({"file": name, "title": str(old.get("title") or "").strip() or self._fill(
                ("other", "exampleImage", i), "a caption")})
        return images


def _old_image(site_root: Path, url: str) -> tuple[Path | None, str]:
    """The file of an old image URL (/assets/x.png is <site root>/assets/x.png), or None and why it is not copied.

    Only regular files inside the old site are copied: a URL such as /../../etc/passwd, or a link
    pointing out of the site, must not bring a file of this machine into the register.
    """
    root = site_root.resolve()
    source = (root / url.lstrip("/")).resolve()
    if not source.is_relative_to(root):
        return None, "points outside the old site, so it is not copied"
    if not source.is_file():
        return None, "was not found in the old site"
    if source.stat().st_size > MAX_IMAGE_BYTES:
        return None, f"is larger than {MAX_IMAGE_BYTES:,} bytes, so it is not copied"
    return source, ""


@dataclass
class Report:
    converted: list[Converted] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited since the last import: not overwritten


def run(source: Path, into: Path, *, force: bool = False, licenses: Path = Path("licenses")) -> Report:
    """Convert every record under `source` into `into`; writes nothing when `source` is not a Jekyll register."""
    records = find_records(source)
    site_root = source.parent if source.name == "_datasets" else source
    library = load_library(licenses)
    report = Report([convert(path, site_root, library) for path in records])
    for result in report.converted:
        if result.text is None or result.doi is None:
            continue
        target = into / (expected_file_stem(result.doi) + ".yaml")
        if target.exists() and target.read_text(encoding="utf-8") != result.text and not force:
            report.kept.append(target)
            continue
        into.mkdir(parents=True, exist_ok=True)
        target.write_text(result.text, encoding="utf-8")
        report.written.append(target)
        for old, name in result.images:
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(old, into / name)
    return report
