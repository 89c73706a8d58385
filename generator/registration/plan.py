"""What `register doi sync` would do for each DOI, and who changed what since the register last wrote it.

DataCite is the state: the plan reads every DOI of the repository (the list endpoint, 1,000 per
request) and compares three things per DOI, field by field, after normalising what DataCite
rewrites (publisher as a string, the year as a number, SPDX licenses renamed, empty lists and
server fields added, FOS subjects added):

- the live record at DataCite;
- what the records ask for now (`datacite.build`);
- what the register last wrote, known from its **fingerprint**: every write carries, as one of
  the DOI's `alternateIdentifiers` (a field DataCite stores as sent), a short hash of each managed
  field and of the state, as sent. DataCite keeps it, so no state file is needed.

A field that differs from its fingerprint was changed at DataCite (in Fabrica, or by another
tool); a field whose wanted value differs from the fingerprint was changed by us. So each DOI is
up to date, changed by us, changed at DataCite, or changed on both sides, and sync refuses to
overwrite a change made at DataCite unless told to. The alternatives were weaker: a state file
would have to be committed back by the CI job and is wrong after a failed or concurrent run; the
register at an older git commit is built by today's code, so any change to the generator would
look like an edit made at DataCite. The fingerprint records what was really sent, whatever code
sent it. DOIs without one (registered before fingerprints, or made by hand) are compared
two-way, and the first write adds it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.build.site import context
from generator.check.catalog import Catalog
from generator.render import datacite

Action = Literal["create", "update", "publish", "hide", "none"]
State = Literal["findable", "registered"]
# The attributes the register manages; on an update every one is sent, so a value removed from a
# record is removed at DataCite too (a PUT replaces only the attributes it carries).
MANAGED = ("url", "types", "creators", "titles", "publisher", "publicationYear", "subjects", "contributors", "dates",
           "language", "version", "sizes", "formats", "rightsList", "descriptions", "relatedIdentifiers",
           "fundingReferences", "schemaVersion")
_EMPTY: dict[str, Any] = {"version": None, "language": None}


@dataclass(frozen=True)
class Desired:
    """What DataCite should hold for one record."""

    doi: str
    source: str  # the record file, for messages
    state: State | None  # None: a preview, not registered
    attributes: dict[str, Any]


Drift = Literal["new", "up to date", "ours", "theirs", "both", "unknown"]
DRIFT_LABELS = {"new": "new", "up to date": "up to date", "ours": "we changed it",
                "theirs": "someone changed it at DataCite", "both": "changed here and at DataCite",
                "unknown": "differs; no fingerprint tells who changed it"}
FINGERPRINT_TYPE = "dataset-register fingerprint"
_FINGERPRINT_VERSION = "v1"
_FIELDS = (*MANAGED, "state")  # what a fingerprint covers, in this order


@dataclass(frozen=True)
class Step:
    """One DOI's action, with the changes it makes and who made them, readable by a data steward."""

    desired: Desired
    action: Action
    event: str | None = None
    changes: list[str] = field(default_factory=list)
    note: str = ""
    drift: Drift = "up to date"
    theirs: tuple[str, ...] = ()  # fields (and "state") changed at DataCite since the register last wrote them
    alternates: tuple[dict[str, Any], ...] = ()  # alternateIdentifiers at DataCite that are not the register's

    @property
    def doi(self) -> str:
        return self.desired.doi

    def payload(self) -> dict[str, Any]:
        """The attributes to send: every managed one, emptied where the record has none, the fingerprint, the event."""
        body = {key: self.desired.attributes.get(key, _EMPTY.get(key, [])) for key in MANAGED}
        body["alternateIdentifiers"] = [*self.alternates, fingerprint_entry(self.desired)]
        return body | ({"event": self.event} if self.event else {})

    @property
    def expected_state(self) -> str:
        return self.desired.state or "registered"


def desired(catalog: Catalog) -> list[Desired]:
    """The DataCite state each record asks for.

    Public records are findable. Withdrawn records stay registered (hidden from search, the DOI
    still resolving to the tombstone). Previews (hidden: true) are not registered at all: no draft
    is made for them, so the register never has drafts to clean up.
    """
    ctx = context(catalog)
    wanted = []
    for entry in catalog.entries:
        dataset = entry.dataset
        state: State | None = None if dataset.hidden else "registered" if dataset.status == "withdrawn" else "findable"
        wanted.append(Desired(dataset.doi, entry.doc.display, state, datacite.build(dataset, ctx)))
    return wanted


def plan(wanted: list[Desired], remote: dict[str, dict[str, Any]]) -> list[Step]:
    """One step per record; DOIs at DataCite that no record names are left alone and not listed."""
    return [step_for(item, remote.get(item.doi)) for item in wanted]


def fingerprint(attributes: dict[str, Any], state: str | None) -> str:
    """A short hash of each managed field and of the state, in normalised form: what a write sends."""
    return _fingerprint(normalise(attributes) | {"state": state})


def fingerprint_entry(item: Desired) -> dict[str, str]:
    return {"alternateIdentifier": fingerprint(item.attributes, item.state or "registered"),
            "alternateIdentifierType": FINGERPRINT_TYPE}


def _fingerprint(normal: dict[str, Any]) -> str:
    return _FINGERPRINT_VERSION + ":" + "".join(_hashes(normal).values())


def _hash(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _split(current: dict[str, Any]) -> tuple[dict[str, str] | None, tuple[dict[str, Any], ...]]:
    """The register's last fingerprint at DataCite, per field, and the alternate identifiers that are not it."""
    stored, others = None, []
    for entry in current.get("alternateIdentifiers") or []:
        if isinstance(entry, dict) and entry.get("alternateIdentifierType") == FINGERPRINT_TYPE:
            version, _, hashes = str(entry.get("alternateIdentifier", "")).partition(":")
            if version == _FINGERPRINT_VERSION and len(hashes) == 8 * len(_FIELDS):
                stored = {key: hashes[8 * i: 8 * i + 8] for i, key in enumerate(_FIELDS)}
        else:
            others.append(entry)
    return stored, tuple(others)


def step_for(item: Desired, current: dict[str, Any] | None) -> Step:
    """The step that brings `current` (None: DataCite does not have the DOI) to what the record asks."""
    if current is None:
        if item.state is None:
            return Step(item, "none", note="preview: not registered")
        event = "publish" if item.state == "findable" else "register"
        return Step(item, "create", event, diff({}, normalise(item.attributes)), drift="new")
    state = current.get("state")
    live = normalise(current) | {"state": state}
    want = normalise(item.attributes) | {"state": item.state or "registered"}
    stored, alternates = _split(current)
    if stored and live == want and stored == _hashes(want):  # the common case, decided cheaply
        return Step(item, "none")
    changes = diff(live, want)
    drift, theirs = _drift(live, want, stored)
    made = functools.partial(Step, item, changes=changes, drift=drift, theirs=theirs, alternates=alternates)
    if item.state is None:
        return made("hide", "hide", note="preview") if state == "findable" else Step(item, "none", note="preview")
    if item.state == "findable" and state != "findable":
        return made("publish", "publish")
    if item.state == "registered" and state == "findable":
        return made("hide", "hide")
    if item.state == "registered" and state == "draft":
        return made("update", "register")
    if changes:
        return made("update", None)
    return made("update", None, note="records the fingerprint")


def _hashes(normal: dict[str, Any]) -> dict[str, str]:
    return {key: _hash(normal.get(key)) for key in _FIELDS}


def _drift(live: dict[str, Any], want: dict[str, Any], stored: dict[str, str] | None) -> tuple[Drift, tuple[str, ...]]:
    """Who changed the DOI since the register last wrote it, and the fields changed at DataCite."""
    ours, theirs = False, []
    for key in _FIELDS:
        if live.get(key) == want.get(key):
            continue
        if stored is None:
            ours = True
            continue
        now, wanted = _hash(live.get(key)), _hash(want.get(key))
        if now != stored[key]:
            theirs.append(key)
        if wanted != stored[key]:
            ours = True
    if stored is None:
        return ("unknown" if ours else "up to date"), ()
    if theirs:
        return ("both" if ours else "theirs"), tuple(theirs)
    return ("ours" if ours else "up to date"), ()


def normalise(attributes: dict[str, Any]) -> dict[str, Any]:
    """The managed attributes in one comparable form, whether sent by us or returned by DataCite."""
    result = {}
    for key in MANAGED:
        value = attributes.get(key)
        if key == "publisher" and isinstance(value, dict):
            value = value.get("name")
        elif key == "publicationYear" and value is not None:
            value = str(value)
        elif key == "types" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in ("resourceTypeGeneral", "resourceType")}
        elif key == "rightsList" and isinstance(value, list):
            value = [_rights(item) for item in value]
        elif key == "subjects" and isinstance(value, list):
            value = [s for s in value if s.get("subjectScheme") != "Fields of Science and Technology (FOS)"]
        value = _prune(value)
        if value not in (None, "", [], {}):
            result[key] = value
    return result


def _rights(item: dict[str, Any]) -> dict[str, Any]:
    # DataCite replaces an SPDX license by its own canonical entry; the id is what was meant.
    if str(item.get("rightsIdentifierScheme", "")).upper() == "SPDX" and item.get("rightsIdentifier"):
        return {"spdx": str(item["rightsIdentifier"]).lower()}
    return item


def _prune(value: Any) -> Any:
    """Without empty values at any depth (DataCite adds empty lists and drops empty strings)."""
    if isinstance(value, dict):
        pruned = {}
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                item = _prune(item)
            if item not in (None, "", [], {}):
                pruned[key] = item
        return pruned
    if isinstance(value, list):
        return [_prune(item) if isinstance(item, (dict, list)) else item for item in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """`key: old → new` for each changed attribute, in compact JSON."""
    lines = []
    for key in MANAGED:
        old, new = before.get(key), after.get(key)
        if old != new:
            lines.append(f"{key}: {_short(old)} → {_short(new)}")
    return lines


def _short(value: Any, limit: int = 2000) -> str:
    if value is None:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"
