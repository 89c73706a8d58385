"""A faithful fake of the DataCite REST API, served over real HTTP on 127.0.0.1 for the tests and the benchmark.

It keeps DOIs in memory and reproduces what the register must cope with (see
../shared/reference/datacite-notes.md, section 5): Basic auth on writes (GET is anonymous with bad
credentials), prefixes (403), DOI syntax and "already taken" (422), draft/registered/findable with
silently ignored illegal events, 405 on deleting non-drafts, mandatory fields checked only for
registered and findable DOIs, the server's rewriting of what it stores, the list endpoint, DOIs
held by other repositories (visible only when findable, 422 "already taken" on a create, 403 on an
update), edits made in Fabrica, the rate limit (429 with Retry-After over a sliding window of its
own clock), and injected faults: any status, headers and raw body (HTML pages, empty or truncated
JSON, redirects), dropped connections after a committed write. Its checks are its own, never the
datacite package's schema.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DOI_RULE = re.compile(r"\A10\.\d{4,5}/[-._;()/:a-zA-Z0-9*~$=]+\Z")
URL_RULE = re.compile(r"\A(ftp|http|https)://\S+\Z")
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
# Transitions of lupo's AASM model; anything else is a silent no-op (whiny_transitions: false).
TRANSITIONS = {
    ("draft", "register"): "registered", ("draft", "publish"): "findable",
    ("registered", "publish"): "findable", ("registered", "show"): "findable",
    ("findable", "hide"): "registered",
}
# A few SPDX licenses as bolognese rewrites them (canonical name, seeAlso URL).
SPDX = {
    "cc-by-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/legalcode"),
    "cc0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/legalcode"),
    "cc-by-nc-4.0": ("Creative Commons Attribution Non Commercial 4.0 International",
                     "https://creativecommons.org/licenses/by-nc/4.0/legalcode"),
}
FOS = {"clinical medicine": "FOS: Clinical medicine", "radiology": "FOS: Clinical medicine"}
DROP = "drop"  # a response the fake never sends: the connection is closed instead
Answer = tuple[int, str, dict[str, str]]


@dataclass
class Fault:
    """An injected failure for the next `count` requests that match `method` (and `path`, if given)."""

    method: str
    status: int = 503
    count: int = 1
    path: str | None = None
    body: str | None = None  # raw body; a JSON:API error when None
    commit_then_drop: bool = False  # apply the write, then close the connection without answering
    delay: float = 0.0  # with commit_then_drop: wait this long first, so the client's read time-out fires
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Retry-After, Location
    commit: bool = False  # carry the request out, then answer with this fault (a proxy's error after the fact)


@dataclass
class FakeDataCite:
    username: str = "AIDA.REGISTER"
    password: str = "fake-password"
    prefixes: tuple[str, ...] = ("10.23698",)
    domains: str = "*"
    store: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)
    # DataCite's limit: at most `rate_limit[0]` requests in `rate_limit[1]` seconds of `clock`, else 429.
    rate_limit: tuple[int, float] | None = None
    clock: Any = time.monotonic
    limited: int = 0  # requests answered 429 by the rate limit
    write_delay: float = 0.0  # seconds each write takes, so that a test can interrupt or overlap runs

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.recent: list[float] = []
        self.host = "127.0.0.1"
        self._changed: dict[int, tuple[str, str]] = {}  # log entries (kept alive, so ids stay unique) that wrote

    # --- what tests look at -------------------------------------------------------------------
    def writes(self) -> list[tuple[str, str]]:
        """The writes DataCite carried out (a refused create, like the credentials check, stores nothing)."""
        return [entry for entry in self.log if id(entry) in self._changed]

    def attempts(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.log if method != "GET"]

    def reads(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.log if method == "GET"]

    def state(self, doi: str) -> str | None:
        record = self.store.get(doi.lower())
        return record["state"] if record else None

    def edit_in_fabrica(self, doi: str, **attributes: Any) -> None:
        """A change made in DataCite's own interface: it keeps every other attribute."""
        record = self.store[doi.lower()]
        record["attributes"] |= _rewrite(attributes)
        record["metadataVersion"] += 1

    def add_foreign(self, doi: str, state: str, repository: str = "other.repository") -> None:
        """A DOI that another repository holds, under a prefix this one may also use."""
        self.store[doi.lower()] = {"attributes": {"url": "https://elsewhere.example.org/"}, "state": state,
                                   "created": "2020-01-01T00:00:00.000Z", "registered": "2020-01-01T00:00:00.000Z",
                                   "updated": "2020-01-01T00:00:00.000Z", "metadataVersion": 1, "client": repository}

    def add_registered(self, doi: str, attributes: dict[str, Any], state: str = "findable",
                       repository: str | None = None, when: str = "2020-01-01T00:00:00.000Z") -> None:
        """A DOI registered before the register existed (by this repository unless another is named), stored as
        DataCite stores what it is sent."""
        self.store[doi.lower()] = {"attributes": _rewrite(attributes), "state": state, "created": when,
                                   "registered": None if state == "draft" else when, "updated": when,
                                   "metadataVersion": 1, "client": (repository or self.username).lower()}

    # --- the API ------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer | str:
        """(status, body text, headers), or DROP to close the connection without an answer."""
        fault = None
        if self.write_delay and method != "GET":
            time.sleep(self.write_delay)
        with self.lock:
            parts = urlsplit(target)
            path, query = unquote(parts.path), parse_qs(parts.query)
            entry = (method, path)
            self.log.append(entry)
            if self._over_the_limit():
                self.limited += 1
                return 429, _error(429, "Too many requests"), {"Retry-After": str(self._retry_after())}
            fault = self._fault(method, path)
            if fault and not (fault.commit_then_drop or fault.commit):
                return fault.status, fault.body if fault.body is not None else _error(fault.status, "Injected fault"), \
                    dict(fault.headers)
            owner = self._authenticated(headers)
            if method != "GET" and not owner:
                return 401, _error(401, "Bad credentials."), {}
            self.host = headers.get("host", "127.0.0.1")
            status, text = self._route(method, path, query, owner, body)
            if method != "GET" and status < 300:
                self._changed[id(entry)] = entry
        if fault and fault.commit:
            body_text = fault.body if fault.body is not None else _error(fault.status, "Injected fault")
            return fault.status, body_text, dict(fault.headers)
        if fault:
            time.sleep(fault.delay)
            return DROP
        return status, text, {}

    def _over_the_limit(self) -> bool:
        if self.rate_limit is None:
            return False
        limit, window = self.rate_limit
        now = self.clock()
        self.recent = [t for t in self.recent if t > now - window]
        if len(self.recent) >= limit:
            return True
        self.recent.append(now)
        return False

    def _retry_after(self) -> int:
        assert self.rate_limit
        return max(1, math.ceil(self.recent[0] + self.rate_limit[1] - self.clock()))

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and fault.method == method and (fault.path is None or path.startswith(fault.path)):
                fault.count -= 1
                return fault
        return None

    def _authenticated(self, headers: dict[str, str]) -> bool:
        value = headers.get("authorization", "")
        if not value.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(value[6:]).decode("utf-8").partition(":")
        return user == self.username and password == self.password

    def _route(self, method: str, path: str, query: dict[str, list[str]], owner: bool, body: bytes) -> tuple[int, str]:
        if path == "/dois" and method == "GET":
            return self._list(query, owner)
        if path == "/dois" and method == "POST":
            return self._write(None, body, create_only=True)
        if not path.startswith("/dois/"):
            return 404, _error(404, "The resource you are looking for doesn't exist.")
        doi = path[len("/dois/"):].lower()
        if method == "GET":
            record = self.store.get(doi)
            if record is None or (record["state"] != "findable" and not (owner and self._ours(record))):
                return 404, _error(404, "The resource you are looking for doesn't exist.")
            return 200, json.dumps({"data": self._document(doi, query)})
        if doi in self.store and not self._ours(self.store[doi]):
            return 403, _error(403, "You are not authorized to access this resource.")
        if method == "PUT":
            return self._write(doi, body, create_only=False)
        if method == "DELETE":
            record = self.store.get(doi)
            if record is None:
                return 404, _error(404, "The resource you are looking for doesn't exist.")
            if record["state"] != "draft":
                return 405, _error(405, "Method not allowed")
            del self.store[doi]
            return 204, ""
        return 405, _error(405, "Method not allowed")

    def _list(self, query: dict[str, list[str]], owner: bool) -> tuple[int, str]:
        size = min(int(query.get("page[size]", ["25"])[0]), 1000)
        cursor = query.get("page[cursor]", ["1"])[0]
        start = int(cursor[1:]) if cursor.startswith("c") else 0  # "1" asks for cursor paging from the start
        prefix = query.get("prefix", [None])[0]
        client = query.get("client-id", [None])[0]
        dois = sorted(doi for doi, record in self.store.items()
                      if ((owner and self._ours(record)) or record["state"] == "findable")
                      and (prefix is None or doi.startswith(prefix + "/"))
                      and (client is None or record.get("client", self.username.lower()) == client))
        page = dois[start:start + size]
        document: dict[str, Any] = {"data": [self._document(doi, query) for doi in page], "meta": {"total": len(dois)},
                                    "links": {}}
        if start + size < len(dois):
            kept = "&".join(f"{key}={values[0]}" for key, values in sorted(query.items()) if key != "page[cursor]")
            # DataCite links to the next page with an absolute address on its own host.
            document["links"]["next"] = f"http://{self.host}/dois?{kept}&page[cursor]=c{start + size}"
        return 200, json.dumps(document)

    def _write(self, doi: str | None, body: bytes, *, create_only: bool) -> tuple[int, str]:
        try:
            attributes = dict(json.loads(body)["data"]["attributes"])
        except (ValueError, KeyError, TypeError):
            return 400, _error(400, "You need to provide a payload following the JSONAPI spec")
        event = attributes.pop("event", None)
        if doi is None:
            doi = attributes.get("doi") or self._new_doi(attributes.get("prefix", ""))
        doi = str(doi).lower()
        for key in ("doi", "prefix", "suffix"):
            attributes.pop(key, None)
        if doi.split("/")[0] not in self.prefixes:
            return 403, _error(403, "You are not authorized to access this resource.")
        if not DOI_RULE.match(doi):
            return 422, _invalid("doi", "Is invalid", doi)
        existing = self.store.get(doi)
        if existing and create_only:
            return 422, _invalid("doi", "This DOI has already been taken", doi)
        if existing:
            state = TRANSITIONS.get((existing["state"], event), existing["state"])
            stored = copy.deepcopy(existing["attributes"]) | _rewrite(attributes)
        else:
            state = {"publish": "findable", "register": "registered"}.get(event or "", "draft")
            stored = _rewrite(attributes)
        if state != "draft":
            problem = self._mandatory(doi, stored)
            if problem:
                return 422, _invalid(*problem, doi)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        record = existing or {"created": now, "registered": None, "metadataVersion": -1}
        record.update(attributes=stored, state=state, updated=now, metadataVersion=record["metadataVersion"] + 1)
        if state != "draft" and not record["registered"]:
            record["registered"] = now
        self.store[doi] = record
        return (200 if existing else 201), json.dumps({"data": self._document(doi, {})})

    def _ours(self, record: dict[str, Any]) -> bool:
        return record.get("client", self.username.lower()) == self.username.lower()

    def _mandatory(self, doi: str, attributes: dict[str, Any]) -> tuple[str, str] | None:
        url = attributes.get("url")
        if not url:
            return "url", "Can't be blank"
        if not URL_RULE.match(url):
            return "url", "URL is not valid"
        host = urlsplit(url).hostname or ""
        allowed = [d.strip() for d in self.domains.split(",")]
        if not any(d == "*" or d == host or (d.startswith("*.") and host.endswith(d[1:])) for d in allowed):
            return "url", f"URL {url} is not allowed by repository {self.username.lower()} domain settings."
        for key, element in (("creators", "creator"), ("titles", "title")):
            if not attributes.get(key):
                return key, (f"DOI {doi}: Missing child element(s). Expected is ( "
                             f"{{http://datacite.org/schema/kernel-4}}{element} ). at line 4, column 0")
        if not (attributes.get("publisher") or {}).get("name"):
            return "publisher", f"DOI {doi}: Missing child element(s). Expected is ( {{http://datacite.org/schema/kernel-4}}publisher )."
        if not attributes.get("publicationYear"):
            return "publicationYear", f"DOI {doi}: Missing child element(s). Expected is ( {{http://datacite.org/schema/kernel-4}}publicationYear )."
        if not (attributes.get("types") or {}).get("resourceTypeGeneral"):
            return "types", f"DOI {doi}: Missing child element(s). Expected is ( {{http://datacite.org/schema/kernel-4}}resourceType )."
        return None

    def _new_doi(self, prefix: str) -> str:
        suffix = "".join(random.choice(CROCKFORD) for _ in range(8))
        return f"{prefix}/{suffix[:4]}-{suffix[4:]}"

    def _document(self, doi: str, query: dict[str, list[str]]) -> dict[str, Any]:
        record = self.store[doi]
        attributes = copy.deepcopy(record["attributes"])
        if query.get("publisher") != ["true"] and isinstance(attributes.get("publisher"), dict):
            attributes["publisher"] = attributes["publisher"].get("name")
        if query.get("affiliation") != ["true"]:
            for person in attributes.get("creators", []) + attributes.get("contributors", []):
                person["affiliation"] = [a.get("name") if isinstance(a, dict) else a for a in person.get("affiliation", [])]
        prefix, suffix = doi.split("/", 1)
        attributes |= {
            "doi": doi, "prefix": prefix, "suffix": suffix, "state": record["state"],
            "isActive": record["state"] == "findable", "created": record["created"], "registered": record["registered"],
            "updated": record["updated"], "metadataVersion": record["metadataVersion"], "source": "api",
            "xml": base64.b64encode(b"<resource/>").decode(), "viewCount": 0, "citationCount": 0,
        }
        client = record.get("client", self.username.lower())
        return {"id": doi, "type": "dois", "attributes": attributes,
                "relationships": {"client": {"data": {"id": client, "type": "clients"}}}}


def _rewrite(attributes: dict[str, Any]) -> dict[str, Any]:
    """What DataCite does to what it is sent before storing it (datacite-notes.md, section 2.8)."""
    stored = copy.deepcopy(attributes)
    if isinstance(stored.get("publisher"), str):
        stored["publisher"] = {"name": stored["publisher"]}
    if stored.get("publicationYear") not in (None, ""):
        stored["publicationYear"] = int(stored["publicationYear"])
    if isinstance(stored.get("types"), dict) and stored["types"].get("resourceTypeGeneral"):
        stored["types"] |= {"schemaOrg": "Dataset", "citeproc": "dataset", "bibtex": "misc", "ris": "DATA"}
    for person in stored.get("creators", []) + stored.get("contributors", []):
        person.setdefault("affiliation", [])
        person.setdefault("nameIdentifiers", [])
    rights_list = []
    for rights in stored.get("rightsList", []) or []:
        key = str(rights.get("rightsIdentifier", "")).lower()
        if key in SPDX:
            name, uri = SPDX[key]
            rights = {"rights": name, "rightsUri": uri, "rightsIdentifier": key, "rightsIdentifierScheme": "SPDX",
                      "schemeUri": "https://spdx.org/licenses/", "lang": rights.get("lang", "en")}
        elif "rightsIdentifier" in rights:
            rights = rights | {"rightsIdentifier": key}
        rights_list.append(rights)
    if "rightsList" in stored:
        stored["rightsList"] = rights_list
    subjects = stored.get("subjects")
    if subjects:
        labels = {FOS[s["subject"].lower()] for s in subjects if s.get("subject", "").lower() in FOS}
        for label in sorted(labels - {s.get("subject") for s in subjects}):
            subjects.append({"subject": label, "subjectScheme": "Fields of Science and Technology (FOS)",
                             "schemeUri": "http://www.oecd.org/science/inno/38235147.pdf"})
    return stored


def _error(status: int, title: str) -> str:
    return json.dumps({"errors": [{"status": str(status), "title": title}]})


def _invalid(source: str, title: str, doi: str) -> str:
    return json.dumps({"errors": [{"source": source, "title": title, "uid": doi}]})


class _Handler(BaseHTTPRequestHandler):
    fake: FakeDataCite

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        result = self.fake.handle(self.command, self.path, headers, body)
        if result == DROP:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, text, extra = result
        payload = text.encode("utf-8")
        self.send_response(status)
        is_json = text.startswith("{")
        self.send_header("Content-Type", "application/json; charset=utf-8" if is_json else "text/html")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass


class FakeServer:
    """The fake on a real socket: `with FakeServer(fake) as url:` gives http://127.0.0.1:PORT/."""

    def __init__(self, fake: FakeDataCite) -> None:
        handler = type("Handler", (_Handler,), {"fake": fake})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
