"""What `register doi sync` would do for each DOI, decided by comparing the records with what DataCite holds.

How it knows what it last sent: it does not keep a state file. DataCite itself is the state: the
plan reads every DOI of the repository (the list endpoint, 1,000 per request) and compares it with
the payload the records give, after normalising both sides for what DataCite rewrites (publisher
as a string, the year as a number, SPDX licenses renamed, empty lists and server fields added,
FOS subjects added). A state file would have to be committed back by the CI job that runs the
sync, and it would be wrong as soon as anyone edited a DOI in Fabrica; reading DataCite is always
right, costs one request per 1,000 DOIs, and makes an interrupted run safe to start again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.catalog import Catalog
from generator.render import datacite
from generator.site import context

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


@dataclass(frozen=True)
class Step:
    """One DOI's action, with the changes it makes, readable by a data steward."""

    desired: Desired
    action: Action
    event: str | None = None
    changes: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def doi(self) -> str:
        return self.desired.doi

    def payload(self) -> dict[str, Any]:
        """The attributes to send: every managed one, emptied where the record has none, and the event."""
        body = {key: self.desired.attributes.get(key, _EMPTY.get(key, [])) for key in MANAGED}
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


def step_for(item: Desired, current: dict[str, Any] | None) -> Step:
    """The step that brings `current` (None: DataCite does not have the DOI) to what the record asks."""
    if current is None:
        if item.state is None:
            return Step(item, "none", note="preview: not registered")
        event = "publish" if item.state == "findable" else "register"
        return Step(item, "create", event, diff({}, normalise(item.attributes)))
    changes = diff(normalise(current), normalise(item.attributes))
    state = current.get("state")
    if item.state is None:
        return Step(item, "hide", "hide", changes, "preview") if state == "findable" else Step(item, "none", note="preview")
    if item.state == "findable" and state != "findable":
        return Step(item, "publish", "publish", changes)
    if item.state == "registered" and state == "findable":
        return Step(item, "hide", "hide", changes)
    if item.state == "registered" and state == "draft":
        return Step(item, "update", "register", changes)
    return Step(item, "update", None, changes) if changes else Step(item, "none")


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
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
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
