"""`register import jekyll`: an AIDA-style Jekyll register (`_datasets/<doi>.md`) into records of this format.

Every value is carried over as the old record has it, or left for a person: what cannot be mapped
without guessing becomes a note with the old record's line, or a `FILL IN` that `register check`
reports. Nothing is invented to make a record pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.check.catalog import MAX_IMAGE_BYTES, expected_file_stem
from generator.check.validate import PLACEHOLDER
from generator.errors import KeyPath, display_path
from generator.identifiers import doi_error, suffix_error
from generator.importers import base, license_match
from generator.importers.base import Converted
from generator.importers.git_history import History
from generator.importers.yaml_writer import scalar
from generator.model.licenses import LicenseLibrary, load_library
from generator.paths import ORCID_RESOLVER, ROR_RESOLVER
from generator.render import join_names
from generator.source.loader import MAX_RECORD_BYTES, SourceDoc, parse_text

LICENSES = {"controlled access": "controlled-access", "aida license": "aida", "aida by license": "aida-by",
            "aida ca license": "aida-ca", "aida by ca license": "aida-by-ca"}
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "af", "la", "le", "ten", "ter"}
HEADER = "# yaml-language-server: $schema=../schema/dataset.schema.json\n# Imported from {source}\n"


def find_records(source: Path) -> list[Path]:
    """The `_datasets/**/*.md` files of a Jekyll site folder (or of its `_datasets` folder itself)."""
    folder = source if source.name == "_datasets" else source / "_datasets"
    return sorted(folder.rglob("*.md")) if folder.is_dir() else []


def convert(path: Path, site_root: Path, library: LicenseLibrary | None = None,
            history: History | None = None, collections: dict[str, CollectionFound] | None = None) -> Converted:
    """Convert one old record; `site_root` is where the old site's /assets live, `library` the licenses to match,
    `history` the old repository's commits, if it is one; `collections` receives the collections it is in."""
    result = Converted(path, display_path(path))
    text = _read_record(path, site_root, result)
    if text is None:
        return result
    match = re.match(r"---\n(.*?\n)---\n?(.*)", text, re.DOTALL)
    if not match:
        result.note(1, "not converted: no front matter between '---' lines")
        return result
    doc = parse_text("\n" + match.group(1), SourceDoc(path, display_path(path)))  # "\n": line numbers as in the file
    if doc.problems or not isinstance(doc.data, dict):
        result.notes += [base.Note(p.line, f"not converted: {p.message}") for p in doc.problems] or [
            base.Note(1, "not converted: the front matter is not a mapping")]
        return result
    shape = _shape_problems(doc)
    if any(len(key_path) == 1 for key_path, _ in shape):  # a whole block is of the wrong kind: nothing to map
        result.notes += [base.Note(doc.mark(key_path)[0], f"not converted: {message}") for key_path, message in shape]
        return result
    for key_path, message in shape:  # one wrong value never costs the record: it is left out, at its line
        result.note(doc.mark(key_path)[0], f"left out: {message}; add it by hand")
        del doc.data[key_path[0]][key_path[1]]
    mapper = _Mapper(doc, result, match.group(2), site_root, body_line=match.group(1).count("\n") + 3)
    mapper.library = library or LicenseLibrary(Path("licenses"))
    mapper.run()
    if collections is not None:
        for name, found in mapper.collections.items():
            collections.setdefault(name, found)
    _stale_modification(match.group(1), doc, result)
    if result.record is not None and history is not None:
        _modified_from_history(history, path, doc, result)
    if result.record is not None:
        result.old_facts = _old_facts(doc, match.group(2), mapper.body_line)
        base.account(result, NOT_CARRIED_BECAUSE)
        result.text = base.record_text(result, HEADER.format(source=doc.display))
    return result


# Why the register does not carry some old values: it makes them itself, or they are markup of the old site.
NOT_CARRIED_BECAUSE = {
    r"(datacite\.)?(@context|@type)|.*\.@type": "schema.org markup of the old page; the register writes its own",
    r"datacite\.url": "the landing page address follows from the DOI and the site's address (site_url)",
    r"datacite\.publisher\..*": "the publisher is the register's setting (publisher in mkdocs.yml); the import "
                                 "says which value keeps what DataCite holds",
    r"datacite\.license\[\d+\]\.id": "an anchor of the old page; the register links each license itself",
    r"datacite\.license\[\d+\]\.(name|abstract)": "the license is taken from the page's license text, see there",
    r"other\.image": "the register makes the thumbnail from the first example image",
    r"other\.exampleImage\[\d+\]\.thumbnail-url": "the register makes each thumbnail from its image",
    r"layout": "the old site's page template; the register lays out every landing page alike",
}


BEFORE_HEADINGS = "(the text before its first heading)"


def _old_facts(doc: SourceDoc, body: str, body_line: int) -> list[base.OldFact]:
    """Every leaf of the front matter and every section of the page text, with its line."""
    facts = [base.OldFact(base.key_text(path), doc.mark(path)[0], "" if value is None else str(value))
             for path, value in base.leaves(doc.data) if path]
    heading, start, chunk = BEFORE_HEADINGS, body_line, list[str]()
    for number, line in enumerate([*body.split("\n"), "# end"], start=body_line):
        if re.match(r"#{1,6} ", line):
            if any(part.strip() for part in chunk) or heading != BEFORE_HEADINGS:
                facts.append(base.OldFact(f"text: {heading}", start, "\n".join(chunk).strip()))
            heading, start, chunk = " ".join(line.split()), number, []
        else:
            chunk.append(line)
    return facts


def _read_record(path: Path, site_root: Path, result: Converted) -> str | None:
    """The text of an old record, or None with a note: only regular UTF-8 files inside the old site are read."""
    where = "not converted"
    if path.is_symlink() or not path.resolve().is_relative_to(site_root.resolve()):
        result.note(1, f"{where}: it is a symbolic link, or lies outside the old site; copy the file itself there")
        return None
    if not path.is_file():
        result.note(1, f"{where}: it is not a regular file")
        return None
    with path.open("rb") as file:  # read at most one byte more than allowed, whatever the size the file claims
        raw = file.read(MAX_RECORD_BYTES + 1)
    if len(raw) > MAX_RECORD_BYTES:
        result.note(1, f"{where}: the file is larger than {MAX_RECORD_BYTES:,} bytes")
        return None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")  # newlines as read_text reads them
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        result.note(line, f"not converted: the file is not UTF-8 text "
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
            result.note(number, f"dateModified {modified} is older than the change noted here "
                                f"({found.group(2)}); the new record keeps {modified}: update modified if the data changed")


def _front_matter(text: str) -> str:
    found = re.match(r"---\r?\n(.*?\n)---", text, re.DOTALL)
    return found.group(1) if found else ""


def _modified_from_history(history: History, path: Path, doc: SourceDoc, result: Converted) -> None:
    """`modified` from the last commit that changed the record's metadata, when that is later than dateModified."""
    found = history.last_change(path, _front_matter)
    record = result.record or {}
    if found is None or (record.get("modified") and found[0] <= record["modified"]):
        return
    day, commit = found
    old = (doc.data.get("datacite") or {}).get("dateModified")
    placed = dict(record)
    record.clear()
    for key, value in placed.items():  # modified stays beside the other dates
        if key != "modified":
            record[key] = value
        if key == "published":
            record["modified"] = day
    record.setdefault("modified", day)
    result.place("datacite.dateModified", "modified", f"{day}, from the old repository's history")
    result.note(doc.mark(("datacite", "dateModified"))[0],
                f"modified is {day}, the date of commit {commit}, the last change to this record's metadata in the "
                f"old repository; dateModified said {old or 'nothing'}: check the date")


class _Mapper:
    def __init__(self, doc: SourceDoc, result: Converted, body: str, site_root: Path, *, body_line: int = 1) -> None:
        self.doc, self.result, self.body, self.site_root = doc, result, body, site_root
        self.body_line = body_line  # the file line of the body's first line, for notes about the page text
        self.cited: list[str] = []  # DOIs and links the old license texts ask publications to cite
        self.library = LicenseLibrary(Path("licenses"))  # the register's licenses, to find each text's version
        self.old_paths: list[str] = []  # where the old site showed the record, when that is not its DOI
        self.access: dict[str, str] = {}  # how to apply, from the old page's shared texts
        self.collections: dict[str, CollectionFound] = {}  # the collections the record is a member of
        data = doc.data
        self.meta: dict[str, Any] = data.get("datacite") or {}
        self.other: dict[str, Any] = data.get("other") or {}

    def note(self, path: KeyPath, message: str) -> None:
        self.result.note(self.doc.mark(path)[0], message)

    def get(self, block: str, key: str) -> Any:
        value = (self.meta if block == "datacite" else self.other).get(key)
        return value if value not in (None, "", []) else None

    def run(self) -> None:
        doi = self._doi()
        if doi is None:
            return
        # In the order of the record format, so that the new record reads like the reference page.
        record: dict[str, Any] = {"doi": doi} | self._about() | self._texts() | self._people()
        record |= self._imaging()
        record["licenses"] = self._licenses()
        if self.access:
            record["access"] = self.access
        related = self._related(record["licenses"])
        if related:
            record["related"] = related
        images = self._images(doi)
        if images:
            record["images"] = images
        if self.old_paths:
            record["old_paths"] = list(dict.fromkeys(self.old_paths))
        self.result.record = record

    def _about(self) -> dict[str, Any]:
        """Title, names, version, status, dates, visibility and where the dataset belongs."""
        record: dict[str, Any] = {}
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
            self.result.place("hidden", "hidden", str(record["hidden"]).lower())
        if str(self.get("other", "origin") or "").lower() == "synthetic":
            record["synthetic"] = True
        collections = self._collections()
        if collections:
            record["collections"] = collections
        for key, block, old in (("field", "datacite", "about"), ("origin", "other", "origin")):
            if self.get(block, old):
                record[key] = self.get(block, old)
        return record

    def _texts(self) -> dict[str, Any]:
        """Keywords, the description, the annotation and the usage notes."""
        record: dict[str, Any] = {}
        keywords = self.get("datacite", "keywords")
        if keywords:
            record["keywords"] = [k.strip() for k in (keywords.split(",") if isinstance(keywords, str) else keywords) if k.strip()]
        record["description"] = (self.get("datacite", "description") or self._fill(("datacite", "description"), "what the dataset holds")).strip() + "\n"
        if self.get("other", "annotation"):
            record["annotation"] = self.get("other", "annotation").strip() + "\n"
        usage = self._usage_notes()
        if usage:
            record["usage_notes"] = usage
        return record

    def _people(self) -> dict[str, Any]:
        """Authors, copyright holders and contacts; a FILL IN where the old record names none."""
        authors = [self._agent(("datacite", "author", i), a) for i, a in enumerate(self.meta.get("author") or [])]
        return {
            "authors": authors or [{"organization": self._fill(("datacite",), "the authors")}],
            "copyright": self._copyright(),
            "contacts": [self._contact(i, p) for i, p in enumerate(self.meta.get("provider") or [])] or [
                {"name": self._fill(("datacite",), "a contact")}],
        }

    def _collections(self) -> list[str]:
        """The collections the old record is a member of: its flags (`scapis: yes`) and its page layout
        (`layout: dataset-scapis`), each with what the old site's collection page says of it."""
        found: list[str] = []

        def member(name: str, old_key: str, how: str) -> None:
            if name not in found:
                found.append(name)
            self.result.place(old_key, f"collections[{found.index(name)}]", how)
            if name not in self.collections:
                self.collections[name] = _collection_page(self.site_root, name)

        for key, value in self.doc.data.items():
            if key in NOT_COLLECTION_FLAGS or isinstance(value, (dict, list)) or value is None:
                continue
            flag = str(value).strip().lower()
            name = _collection_name(str(key))
            if flag in ("yes", "true", "on") and name:
                member(name, str(key), f"member of the collection {name} ({key}: {value})")
            elif flag in ("no", "false", "off") and name:
                self.result.place(str(key), "collections", f"not a member of the collection {name} ({key}: {value})")
        layout = re.fullmatch(r"dataset-(.+)", str(self.doc.data.get("layout") or "").strip().lower())
        if layout and _collection_name(layout.group(1)):
            name = _collection_name(layout.group(1)) or ""
            member(name, "layout", f"the old page layout of the collection {name}")
        for name in found:
            for link in re.finditer(r"\]\((/[^)\s]*?/" + re.escape(name) + r"/?(?:#[\w-]*)?)\)", self.body):
                self.note_line(self._section_line(link.start()),
                               f"the page text links to the old site's page of the collection {name} ({link.group(1)}); "
                               f"on this site it is collections/{name}/ (its access procedure at #access): change the link")
        return found

    def _section_line(self, position: int) -> int:
        """The file line of the heading of the body section holding `position`: the line its fact is reported at."""
        before = self.body[:position].split("\n")
        headings = [number for number, line in enumerate(before) if re.match(r"#{1,6} ", line)]
        return self.body_line + (headings[-1] if headings else 0)

    def _fill(self, path: KeyPath, hint: str) -> str:
        self.note(path, f"left as FILL IN: {hint}")
        return f"{PLACEHOLDER}: {hint}"

    def _doi(self) -> str | None:
        """The DOI the record is (or would be) registered with: its @id; the url's or the file path's only without one.

        Where the three disagree, the record is converted under that DOI, the disagreement is reported
        at the @id line, and the other paths become old_paths, so the old page addresses keep working.
        """
        parts = self.doc.path.with_suffix("").parts
        path_doi = "/".join(parts[parts.index("_datasets") + 1:]).lower() if "_datasets" in parts else ""
        identifier = str(self.meta.get("@id") or "")
        url_path = re.sub(r"^https?://[^/]+/", "", str(self.meta.get("url") or "")).strip("/").lower()
        sources = [("@id", re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", identifier).strip().lower(), ("datacite", "@id")),
                   ("the url", url_path, ("datacite", "url")), ("the file path", path_doi, ())]
        usable = [(what, value, key) for what, value, key in sources if value.startswith("10.") and not doi_error(value)]
        if not usable:
            id_doi = sources[0][1]
            why = doi_error(id_doi) if id_doi.startswith("10.") else "it is not a DOI"
            self.note(("datacite", "@id"), f"not converted: @id {identifier!r} cannot be used ({why}), and neither "
                                           "the url nor the file path gives a DOI: write the dataset's DOI in @id")
            return None
        what, doi, key = usable[0]
        disagree = [(other, value) for other, value, _ in usable if value != doi]
        if what != "@id":
            self.note(("datacite", "@id"), f"@id {identifier!r} is not a DOI this register can use; converted under "
                                          f"{doi}, which {what} gives: check that this is the DOI registered at DataCite")
        if disagree:
            said = " and ".join(f"{other} says {value}" for other, value in disagree)
            self.note(key or ("datacite", "@id"), f"the record is converted under its DOI {doi}, but {said}; the old page "
                                                  f"addresses are kept as old_paths, which redirect to the new page")
            self.old_paths = [value for _, value in disagree if not suffix_error(value)]
        self.result.doi = doi
        publisher = (self.meta.get("publisher") or {}).get("name") if isinstance(self.meta.get("publisher"), dict) else None
        if publisher:
            self.result.registered["publisher"] = str(publisher).strip()
        url = str(self.meta.get("url") or "").strip()
        if url_path == doi:  # the url is this DOI's landing page: with or without the "/" DataCite holds
            self.result.registered["landing_url_slash"] = url.endswith("/")
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
        """The page text outside its `## License` part (file formats, attribution, how to work with the data).

        Every section keeps its place and its heading, one level down, as the page shows them under
        "Usage notes"; the license part becomes the record's licenses.
        """
        text = re.sub(r"^## License\b.*?(?=^## |\Z)", "", self.body, flags=re.MULTILINE | re.DOTALL).strip()
        for heading in ["", *re.findall(r"^#{1,6} .*", text, flags=re.MULTILINE)]:
            self.result.place(f"text: {' '.join(heading.split())}" if heading else f"text: {BEFORE_HEADINGS}",
                              "usage_notes", "kept in its place, under its heading one level down")
        text = re.sub(r"^(#{1,5}) ", r"#\1 ", text, flags=re.MULTILINE)
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
            if identifier.startswith(ROR_RESOLVER):
                agent["ror"] = identifier
            return agent
        agent = self._split_name(path, name)
        if "orcid.org" in identifier:
            agent["orcid"] = identifier.replace(ORCID_RESOLVER, "")
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
        contact: dict[str, Any] = {"name": str(old.get("name") or "").strip() or self._fill(
            ("datacite", "provider", i), "the contact's name")}
        if old.get("email"):
            contact["email"] = old["email"]
        identifier = str(old.get("@id") or old.get("url") or "").strip()
        if "orcid.org" in identifier:
            contact["orcid"] = identifier.replace(ORCID_RESOLVER, "")
        elif re.match(r"https?://", identifier):
            contact["url"] = identifier  # an organisation's web address
        return contact

    def _organ(self, i: int, old: dict[str, Any]) -> dict[str, Any]:
        """An organ with its SNOMED CT id; a missing one is asked for, never written as "None"."""
        name = str(old.get("name") or "").strip() or self._fill(("other", "organ", i), "the organ's name")
        sctid = str(old.get("sctid") or "").strip()
        return {"name": name, "snomed": sctid or self._fill(("other", "organ", i), f"the SNOMED CT id of {name}")}

    def _imaging(self) -> dict[str, Any]:
        other, found = self.other, dict[str, Any]()
        lists = (("modalities", "modality"), ("scanners", "scanner"), ("countries_shared", "countries-shared"))
        for key, old in lists:
            if other.get(old):
                found[key] = [str(value) for value in other[old]]
        if other.get("organ"):
            found["organs"] = [self._organ(i, organ) for i, organ in enumerate(other["organ"])]
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
        self.result.note(line, message)

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
                self._place_section(section, len(licenses) - 1, licenses[-1])
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
                self._place_section(section, len(licenses) - 1, licenses[-1])
        if not licenses:
            licenses.append({"id": self._fill(("datacite",), "the dataset's licenses")})
        return licenses

    def _access_from_include(self, section: license_match.Section, include: str) -> None:
        """What an old shared text (`{% include rems-link.md %}`) showed on this page: the link to apply for
        access and the access requirements, read from the old site's _includes folder."""
        text = _old_include(self.site_root, include)
        if text is None:
            self.note_line(section.line, f"the old page shows the old site's shared text {include} here, which was "
                                         "not found in the old site's _includes folder; the register shows its own "
                                         "general access explanation instead: check that the dataset's terms do not "
                                         "depend on it")
            return
        text = re.sub(r"\{\{\s*page\.datacite\.?\[\s*[\"']@id[\"']\s*\]\s*\}\}", str(self.meta.get("@id") or ""), text)
        links = re.findall(r"<a\b[^>]*href=\"([^\"]+)\"[^>]*>(.*?)</a>", text, re.DOTALL)
        apply = [url for url, label in links if re.search(r"\bapply\b", label, re.IGNORECASE)]
        if apply and "{" not in apply[0]:
            self.access["rems_url"] = apply[0]
            self.note_line(section.line, f"the 'Apply for access' link of the old site's {include} is kept as "
                                         f"access.rems_url: {apply[0]}")
        elif not links:
            prose = " ".join(text.split())
            if prose and "{" not in prose:
                self.access["eligibility"] = (self.access.get("eligibility", "") + "\n\n" + text.strip()).strip() + "\n"
                self.note_line(section.line, f"the access requirements of the old site's {include} are kept as "
                                             "access.eligibility, as the old page showed them")

    def _place_section(self, section: license_match.Section, index: int, entry: dict[str, Any]) -> None:
        how = (f"{entry['id']} {entry.get('version')}, the same wording" if "text" not in entry
               else "kept word for word as the dataset's own license text")
        self.result.place(f"text: ### {' '.join(section.name.split())}", f"licenses[{index}]", how)

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
            self._access_from_include(section, include)
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
        images: list[dict[str, Any]] = []
        for i, old in enumerate(self.other.get("exampleImage") or []):
            url = str(old.get("url") or "")
            name = f"images/{expected_file_stem(doi)}/{Path(url).name}"
            source, problem = _old_image(self.site_root, url)
            if source is None:
                self.note(("other", "exampleImage", i, "url"), f"image {url} {problem}; copy it to datasets/{name}")
            else:
                self.result.images.append((source, name))
                self.result.place(f"other.exampleImage[{i}].url", f"images[{len(images)}].file", f"copied to datasets/{name}")
            images.append({"file": name, "title": str(old.get("title") or "").strip() or self._fill(
                ("other", "exampleImage", i), "a caption")})
        return images


# Top-level keys of an old record that are not collection-membership flags.
NOT_COLLECTION_FLAGS = {"hidden", "synthetic", "published", "sitemap", "layout", "datacite", "other", "permalink",
                        "title", "redirect_from", "search"}


@dataclass
class CollectionFound:
    """What the old site says of a collection, for the `collections:` setting the import proposes."""

    title: str
    source: str = ""  # the old site's page it comes from, if any
    description: str = ""
    url: str | None = None
    access: str | None = None


def _collection_name(key: str) -> str | None:
    """A flag's name as a collection name (lung_cohort -> lung-cohort), or None if it cannot be one."""
    name = re.sub(r"[\s_]+", "-", key.strip().lower())
    return name if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) else None


def _collection_page(site_root: Path, name: str) -> CollectionFound:
    """The old site's own page of a collection (datasets/<name>/index.md, or datasets/<name>.md): its title,
    description, web address (its first https link) and access procedure (its Access section's link to apply,
    or that section's text)."""
    for relative in (f"datasets/{name}/index.md", f"datasets/{name}.md", f"{name}/index.md", f"{name}.md"):
        text = _old_text(site_root, relative)
        if text is not None:
            break
    else:
        return CollectionFound(name.replace("-", " ").capitalize())  # the title the register gives it without a setting
    front = re.match(r"---\n(.*?\n)---\n?(.*)", text, re.DOTALL)
    meta = parse_text("\n" + front.group(1), SourceDoc(site_root / relative, relative)).data if front else None
    meta = meta if isinstance(meta, dict) else {}
    body = front.group(2) if front else text
    found = CollectionFound(" ".join(str(meta.get("title") or name).split()), relative,
                            " ".join(str(meta.get("description") or "").split()))
    # The web address: a link of the text before the first heading, the one named after the collection first.
    intro = re.split(r"^#{1,6} ", body, maxsplit=1, flags=re.MULTILINE)[0]
    links = re.findall(r"\[([^\]]*)\]\((https?://[^)\s]+)\)", intro)
    named = [url for label, url in links if label.strip().lower() in (name, found.title.lower())]
    found.url = (named or [url for _, url in links] or [None])[0]
    section = re.search(r"^#{2,3} Access\b.*?\n(.*?)(?=^#{1,2} |\Z)", body, re.MULTILINE | re.DOTALL)
    if section:
        apply = [url for label, url in re.findall(r"\[([^\]]*)\]\((https?://[^)\s]+)\)", section.group(1))
                 if re.search(r"\bappl(y|ication)\b", label, re.IGNORECASE)]
        if apply:
            found.access = apply[0]
        elif "{" not in section.group(1):
            found.access = section.group(1).strip()
    return found


def collection_setting(found: dict[str, CollectionFound]) -> str:
    """The `collections:` setting for mkdocs.yml that the import proposes, as YAML to paste under dataset-register."""
    lines = ["# The collections the old records are members of, as register import jekyll found them.",
             "# Check each title, then put this under dataset-register in mkdocs.yml (docs/collection-settings.md).",
             "collections:"]
    for name, collection in sorted(found.items()):
        where = f"from the old site's {collection.source}" if collection.source else \
                "made from the flag's name: the old site has no page of this collection"
        lines += [f"  {name}:", f"    title: {scalar(collection.title)}  # {where}"]
        lines += [f"    description: {scalar(collection.description)}"] if collection.description else []
        lines += [f"    url: {scalar(collection.url)}"] if collection.url else []
        lines += [f"    access: {scalar(collection.access)}"] if collection.access else []
    return "\n".join(lines) + "\n"


def _old_text(site_root: Path, relative: str) -> str | None:
    """A regular UTF-8 file of the old site, not larger than a record may be."""
    root = site_root.resolve()
    source = (root / relative).resolve()
    if not source.is_relative_to(root) or not source.is_file() or source.stat().st_size > MAX_RECORD_BYTES:
        return None
    try:
        return source.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def _old_include(site_root: Path, name: str) -> str | None:
    """The text of the old site's _includes/<name>, if it is a regular UTF-8 file inside that folder."""
    folder = site_root.resolve() / "_includes"
    return _old_text(site_root, f"_includes/{name}") if (folder / name).resolve().is_relative_to(folder) else None


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


def run(source: Path, into: Path, *, force: bool = False, licenses: Path = Path("licenses"),
        collections: dict[str, CollectionFound] | None = None) -> base.Report:
    """Convert every record under `source` into `into`; writes nothing when `source` is not a Jekyll register.

    `collections` receives the collections the records are members of, for the setting to propose.
    """
    site_root = source.parent if source.name == "_datasets" else source
    library = load_library(licenses)
    history = History.of(site_root)
    found = collections if collections is not None else {}
    return base.write_records([convert(path, site_root, library, history, found) for path in find_records(source)],
                              into, force=force)
