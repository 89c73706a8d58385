"""What every importer shares: the converted record, its notes, the fact ledger, the record text and the report.

An importer (one module per source: jekyll, datacite, …) only maps its source: it reads one old
record, builds the new record as a dict, and says which old facts it placed where (`Converted.place`,
`Converted.where`) and what a person must know (`Converted.note` at a line of an old file,
`Converted.note_at` at a key of an old document that has no lines). This module then

- accounts for every fact of the old record: every leaf of its metadata and every section of its
  text is *carried* (the same value), *changed* (old → new) or *not carried*, each with the new key
  or the reason: by finding each old value in the new record (`account`), or, where the new record
  can be turned back into the old format, by comparing the two leaf by leaf (`account_round_trip`);
- writes the record as YAML with each note as a `# import: …` comment at the line it concerns
  (`record_text`), which `register check` reports until a person removes it;
- writes `import-report.md` and `import-report.json` and sums them up for the terminal (`write_report`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from generator.check.catalog import expected_file_stem
from generator.importers.yaml_writer import dump

Status = Literal["carried", "changed", "not carried"]
CARRIED: Status = "carried"
CHANGED: Status = "changed"
NOT_CARRIED: Status = "not carried"
UNMAPPED = "no key of the new record holds it, and the importer gives no reason"  # a gap in the importer


@dataclass
class Note:
    """Something a person must know or do, at a line of the old record (0: the record as a whole), or at a key.

    `key` is an old key path (creators[0].name) for sources without lines; `at` is the new record's
    key the `# import:` comment goes above, when the importer knows it better than the facts do.
    """

    line: int
    message: str
    key: str = ""
    at: str = ""


@dataclass
class Fact:
    """One value of an old record and what became of it."""

    key: str  # where it was: a key path such as datacite.author[0].name, or "text: ## File formats"
    line: int
    old: str
    status: Status
    new_key: str | None = None
    new: str | None = None
    why: str | None = None


@dataclass
class OldFact:
    """A value read from the old record, before the accounting."""

    key: str
    line: int
    value: str


@dataclass
class Converted:
    """One old record: the new record, its text, and what a person must know about it."""

    source: Path | str  # the old file, or the address of the old document
    display: str = ""
    doi: str | None = None
    record: dict[str, Any] | None = None
    text: str | None = None
    notes: list[Note] = field(default_factory=list)
    images: list[tuple[Path, str]] = field(default_factory=list)  # (old file, new name relative to datasets/)
    old_facts: list[OldFact] = field(default_factory=list)
    placed: dict[str, tuple[str, str]] = field(default_factory=dict)  # old key -> (new key, how), said by the mapper
    # Old key (or the start of one: creators[2]) -> the new key it went to (authors[2]), said by the mapper.
    where: dict[str, str] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    # Values DataCite holds for the DOI that this register takes from its settings (publisher, landing_url_slash).
    registered: dict[str, Any] = field(default_factory=dict)

    def note(self, line: int, message: str) -> None:
        self.notes.append(Note(line, message))

    def note_at(self, key: str, message: str, at: str = "") -> None:
        """A note about the old key `key` (a source without lines); its comment goes above `at` or where `key` went."""
        self.notes.append(Note(0, message, key, at))

    def new_key_of(self, old_key: str) -> str | None:
        """Where the mapper put `old_key` or the item holding it (the longest start of it that `where` names)."""
        key = old_key
        while key:
            if key in self.where:
                return self.where[key]
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else ""
        return None

    def place(self, old_key: str, new_key: str, how: str) -> None:
        """The mapper says where an old fact went when its value changed form (a text matched to a license version)."""
        self.placed[old_key] = (new_key, how)

    @property
    def note_lines(self) -> list[str]:
        return [f"{self.display}: {note.key}: {note.message}" if note.key else
                f"{self.display}: {note.message}" if not note.line and not isinstance(self.source, Path) else
                f"{self.display}:{note.line or 1}: {note.message}" for note in self.notes]


def key_text(path: tuple[str | int, ...]) -> str:
    """('authors', 0, 'orcid') -> authors[0].orcid"""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def leaves(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every scalar of nested dicts and lists with its key path; an empty list or mapping is a leaf too."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def _plain(value: Any) -> str:
    return " ".join(str(value).split())


def _similarity(old_key: str, new_key: str) -> float:
    """How alike the last names of two keys are, to pick between equal values (0 under counts, 0 under annotations)."""
    return _name_similarity(_last_name(old_key), _last_name(new_key))


@lru_cache(maxsize=4096)
def _place_score(old_key: str, new_key: str) -> float:
    """How alike two places are: the last names, the names of the mappings above (author, authors; weighed
    most), and the shape (as many list levels). Picks author[0].name's "Ada Lovelace" from authors[0],
    not from contacts[1].name; an old top-level "about" from field, not keywords[0]."""
    old_parts = re.sub(r"\[\d+\]", "", old_key).split(".")
    new_parts = re.sub(r"\[\d+\]", "", new_key).split(".")
    parents = [part.lower() for part in old_parts[:-1] if part not in ("datacite", "other")]
    parent = max((_name_similarity(part, new_parts[0].lower()) for part in parents), default=0.0)
    shape = 1.0 if old_key.count("[") == new_key.count("[") else 0.0
    return _similarity(old_key, new_key) + 2 * parent + shape


def _last_name(key: str) -> str:
    return re.sub(r"\[\d+\]", "", key).rsplit(".", 1)[-1].lower()


@lru_cache(maxsize=4096)
def _name_similarity(old: str, new: str) -> float:
    return SequenceMatcher(None, old, new).ratio()


class _NewValues:
    """The leaves of the new record, indexed by value, so that each old fact is looked up, not searched for."""

    def __init__(self, record: Mapping[str, Any]) -> None:
        self.leaves = [(key_text(path), _plain(value)) for path, value in leaves(record) if value not in (None, "", [], {})]
        self.value_of = dict(self.leaves)
        self.by_value: dict[str, list[str]] = {}
        self.by_fold: dict[str, list[str]] = {}
        for key, value in self.leaves:
            self.by_value.setdefault(value, []).append(key)
            self.by_fold.setdefault(value.casefold(), []).append(key)
        # Values a mapping holds together: a person's given and family names make the old "name".
        for key, value in _joined_names(record):
            self.by_value.setdefault(value, []).append(key)
        self.used: set[str] = set()

    def matches(self, old_key: str, value: str) -> tuple[list[str], Status]:
        """The new keys holding `value` as it is (carried) or in another form (changed)."""
        def alike(key: str) -> bool:  # a short value (NO, 0, 2019) is the same fact only under a key of a like name
            return len(value) > 4 or _similarity(old_key, key) >= 0.4

        exact = [key for key in self.by_value.get(value, []) if alike(key)]
        if exact:
            return exact, CARRIED
        loose = [key for key in self.by_fold.get(value.casefold(), []) if alike(key)]
        for at in [i for i, char in enumerate(value) if char == "/"]:  # https://doi.org/10.1/x -> 10.1/x
            if len(value) - at > 8:
                loose += self.by_value.get(value[at + 1:], [])
        if len(value) >= 40:  # a text kept inside a longer one
            loose += [key for key, new in self.leaves if value in new]
        return loose, CHANGED

    def take(self, old_key: str, keys: list[str]) -> str:
        """The best of `keys` for `old_key`: one not yet taken, of the most alike place."""
        unused = [key for key in keys if key not in self.used] or keys
        best = max(unused, key=lambda key: _place_score(old_key, key))
        self.used.add(best)
        return best


def account(result: Converted, reasons: Mapping[str, str]) -> list[Fact]:
    """What became of each old fact: found in the new record (carried or changed), placed by the mapper, or why not.

    `reasons` maps a pattern of old keys (a regular expression over the key text) to why the register
    does not carry such a value; a fact that nothing explains is reported as UNMAPPED.
    """
    new = _NewValues(result.record or {})
    notes_by_line: dict[int, list[str]] = {}
    for note in result.notes:
        if not note.key:
            notes_by_line.setdefault(note.line, []).append(note.message)
    notes_by_key = _notes_by_key(result)
    result.facts = [_account_one(old, new, result.placed, notes_by_line, reasons, notes_by_key.get(old.key))
                    for old in result.old_facts]
    return result.facts


def _notes_by_key(result: Converted) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for note in result.notes:
        if note.key:
            found.setdefault(note.key, []).append(note.message)
    return {key: "; ".join(messages) for key, messages in found.items()}


def _account_one(old: OldFact, new: _NewValues, placed: Mapping[str, tuple[str, str]],
                 notes_by_line: Mapping[int, list[str]], reasons: Mapping[str, str], noted: str | None = None) -> Fact:
    value = _plain(old.value)
    fact = Fact(old.key, old.line, old.value, NOT_CARRIED)
    if old.key in placed:
        fact.new_key, how = placed[old.key]
        fact.status, fact.new = CHANGED, how
        return fact
    if value:
        keys, status = new.matches(old.key, value)
        if keys:
            fact.status, fact.new_key = status, new.take(old.key, keys)
            fact.new = new.value_of.get(fact.new_key, value) if status == CHANGED else None
            return fact
        parts = [part.strip() for part in value.split(",")]
        split = [re.sub(r"\[\d+\]$", "", key) for part in parts for key in new.by_value.get(part, [])
                 if re.search(r"\[\d+\]$", key)] if len(parts) > 1 else []
        if len(split) >= len(parts):  # "a, b, c" became a list
            fact.status, fact.new_key, fact.new = CHANGED, max(set(split), key=split.count), f"a list of {len(parts)}"
            return fact
    if noted or (old.line and old.line in notes_by_line):
        fact.why = noted or "; ".join(notes_by_line[old.line])
        return fact
    if not value:
        fact.why = "empty in the old record"
        return fact
    for pattern, why in reasons.items():
        if re.fullmatch(pattern, old.key):
            fact.why = why
            return fact
    fact.why = UNMAPPED
    return fact


_MISSING = object()
_INDEX = re.compile(r"\[\d+\]")


def account_round_trip(result: Converted, old: Mapping[str, Any], rebuilt: Mapping[str, Any], same: set[str],
                       reasons: Mapping[str, str]) -> list[Fact]:
    """What became of each leaf of an old document, by comparing it with the document made back from the new record.

    For a source the register also writes (DataCite's attributes: `rebuilt` is what the register
    would send), the same value at the same place is *carried*, another value there is *changed*,
    and no value there is *not carried*, with the reason (a note at the key, else `reasons`). Lists
    are compared item by item, each old item with the new one most like it. `same` names the
    top-level keys that are equal in the source's own normal form (where it rewrites what it is
    sent), all carried. What the new document has and the old one lacks is listed as changed from
    nothing, so that the report names every difference.
    """
    noted = _notes_by_key(result)
    facts: list[Fact] = []
    patterns = [(_pattern(pattern), why) for pattern, why in reasons.items()]
    by_shape: dict[str, str] = {}

    def reason_of(key: str) -> str:
        shape = _INDEX.sub("[0]", key)  # creators[3].name has the reason of creators[0].name
        if shape not in by_shape:
            by_shape[shape] = next((why for pattern, why in patterns if pattern.fullmatch(shape)), UNMAPPED)
        return by_shape[shape]

    def fact(key: str, top: str, value: Any, new: Any) -> None:
        if value in (None, "", [], {}) and new in (_MISSING, None, "", [], {}):
            return
        old_text = _plain(value) if value not in (None, "", [], {}) else ""
        if top in same or (new is not _MISSING and old_text == _plain(new)):
            facts.append(Fact(key, 0, old_text, CARRIED, result.new_key_of(key) or key))
        elif not old_text:
            facts.append(Fact(key, 0, "", CHANGED, result.new_key_of(key) or key, _plain(new), "added by the register"))
        elif new is not _MISSING and not isinstance(new, (dict, list)):
            facts.append(Fact(key, 0, old_text, CHANGED, result.new_key_of(key) or key, _plain(new)))
        else:
            why = noted.get(key) or reason_of(key)
            facts.append(Fact(key, 0, old_text, NOT_CARRIED, why=why))

    def walk(value: Any, new: Any, key: str, top: str) -> None:
        if isinstance(value, dict) and value:
            theirs = new if isinstance(new, dict) else {}
            for name, item in value.items():
                walk(item, theirs.get(name, _MISSING), f"{key}.{name}" if key else name, top or name)
            for name, item in theirs.items():
                if name not in value and (top or name) not in same:
                    walk(None, item, f"{key}.{name}" if key else name, top or name)
        elif isinstance(value, list) and value:
            items: list[Any] = new if isinstance(new, list) else []
            pairs = {} if top in same else _pair(value, items)  # a field equal as a whole needs no pairing
            for index, item in enumerate(value):
                walk(item, items[pairs[index]] if index in pairs else _MISSING, f"{key}[{index}]", top)
            if top not in same:
                for index in sorted(set(range(len(items))) - set(pairs.values())):
                    walk(None, items[index], f"{key}[{len(value) + index}]", top)
        elif value in (None, "", [], {}) and isinstance(new, (dict, list)) and new:
            for sub, item in leaves(new):
                fact(key + ("" if not sub or isinstance(sub[0], int) else ".") + key_text(sub), top, None, item)
        else:
            fact(key, top, value, new)

    walk(dict(old), dict(rebuilt), "", "")
    result.facts = facts
    return facts


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _pair(old: list[Any], new: list[Any]) -> dict[int, int]:
    """Each old item's index -> the index of the new item most like it: equal first, then most leaves alike."""
    pairs: dict[int, int] = {}
    free = list(range(len(new)))
    for index, item in enumerate(old):
        if item in new and new.index(item) in free:
            pairs[index] = new.index(item)
            free.remove(pairs[index])
    if not free or all(index in pairs for index in range(len(old))):
        return pairs
    theirs = {j: {(key_text(p), _plain(v)) for p, v in leaves(new[j])} for j in free}
    for index, item in enumerate(old):
        if index in pairs or not free or not isinstance(item, dict):
            continue
        mine = {(key_text(path), _plain(value)) for path, value in leaves(item)}
        score, best = max((len(mine & theirs[j]), j) for j in free)
        if score:
            pairs[index] = best
            free.remove(best)
    return pairs


def _joined_names(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    found = []
    for path, value in leaves(record):
        if path and path[-1] == "given_name":
            parent: Any = record
            for part in path[:-1]:
                parent = parent[part]
            family = parent.get("family_name")
            if family:
                found.append((key_text(path[:-1]), _plain(f"{value} {family}")))
    return found


@dataclass
class Report:
    converted: list[Converted] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited since the last import: not overwritten


def settings_to_keep(results: list[Converted], current: Mapping[str, Any]) -> dict[str, Any]:
    """The settings whose current value would change what DataCite holds for the old register's DOIs.

    Each is the value most of the old records have; a setting of the register's is the same for all.
    """
    changed = {}
    for name in sorted({name for result in results for name in result.registered}):
        values = [result.registered[name] for result in results if name in result.registered]
        common = max(values, key=values.count)
        if common != current.get(name):
            changed[name] = common
    return changed


def write_records(results: list[Converted], into: Path, *, force: bool = False) -> Report:
    """Write each converted record as datasets/<suffix>.yaml, with its images; a record edited since is kept."""
    report = Report(results)
    for result in results:
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


def record_text(result: Converted, header: str) -> str:
    """The record as YAML, each note as a `# import:` comment above the key it concerns (or at the top)."""
    comments: dict[str, list[str]] = {}
    new_key_of_line: dict[int, str] = {}
    # Where the mapping holding an old value went (datacite.author[2] -> authors[2]), for a value that did not.
    new_parent = {}
    for fact in result.facts:
        if fact.new_key and (old_parent := _parent(fact.key)) and (parent := _parent(fact.new_key)):
            new_parent[old_parent] = parent
    for fact in result.facts:
        where = fact.new_key or new_parent.get(_parent(fact.key))
        if where and fact.line not in new_key_of_line:
            new_key_of_line[fact.line] = where
    for note in result.notes:
        if note.at or note.key:
            comments.setdefault(note.at or result.new_key_of(note.key) or "", []).append(f"{note.key}: {note.message}"
                                                                                  if note.key else note.message)
        else:
            comments.setdefault(new_key_of_line.get(note.line, ""), []).append(f"{note.message} (old line {note.line})")
    top = "".join(f"# import: {_one_line(message)}\n" for message in comments.pop("", []))
    return header + top + dump(result.record or {}, comments={key: [_one_line(m) for m in ms] for key, ms in comments.items()})


def _parent(key: str) -> str:
    """datacite.author[2].name -> datacite.author[2]; a key that is no item of a list has none."""
    found = re.match(r"(.*\[\d+\])\.[^.\[]+$", key)
    return found.group(1) if found else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def counts(results: list[Converted]) -> dict[str, int]:
    facts = [fact for result in results for fact in result.facts]
    return {status: sum(fact.status == status for fact in facts) for status in (CARRIED, CHANGED, NOT_CARRIED)}


def write_report(results: list[Converted], folder: Path) -> tuple[Path, Path]:
    """import-report.md (for people) and import-report.json (for programs), fact by fact for each record."""
    folder.mkdir(parents=True, exist_ok=True)
    total = counts(results)
    data = {"counts": total, "records": [
        {"source": result.display, "doi": result.doi, "converted": result.text is not None,
         # vars(), not asdict(): both are flat, and asdict's deep copy is most of the time of a large report
         "notes": [dict(vars(note)) for note in result.notes], "facts": [dict(vars(fact)) for fact in result.facts]}
        for result in results]}
    json_path, md_path = folder / "import-report.json", folder / "import-report.md"
    # One record per line: indent= would make json use its pure-Python encoder, five times slower on 1,000 records.
    records = ",\n".join(json.dumps(record, ensure_ascii=False) for record in data["records"])
    json_path.write_text(f'{{"counts": {json.dumps(total)}, "records": [\n{records}\n]}}\n', encoding="utf-8")
    lines = ["# Import report", "",
             f"{len(results)} old records; {sum(total.values())} facts: {total[CARRIED]} carried, "
             f"{total[CHANGED]} changed, {total[NOT_CARRIED]} not carried.", ""]
    for result in results:
        lines += [f"## {result.display}", "", f"DOI: {result.doi or '(none)'}" + ("" if result.text else " — not converted"), ""]
        if result.notes:
            lines += ["Notes (also in the record, as `# import:` comments):", ""]
            lines += [f"- {f'`{note.key}`' if note.key else f'line {note.line}' if note.line else 'record'}: "
                      f"{_md(note.message)}" for note in result.notes] + [""]
        if result.facts:
            lines += ["| line | old key | old value | what became of it |", "|---|---|---|---|"]
            for fact in result.facts:
                lines.append(f"| {fact.line or ''} | `{fact.key}` | {_md(_short(fact.old))} | {_md(_outcome(fact))} |")
            lines.append("")
    md_path.write_text("\n".join(lines), encoding="utf-8")
    return md_path, json_path


def _outcome(fact: Fact) -> str:
    if fact.status == CARRIED:
        return f"carried as {fact.new_key}"
    if fact.status == CHANGED:
        return f"changed: {fact.new_key} = {_short(fact.new or '')}"
    return f"not carried: {fact.why}"


def _short(text: str, limit: int = 80) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")
