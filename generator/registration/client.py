"""Talking to DataCite through the `datacite` package: throttled, retried, and every answer explained.

Every request goes through the package's own `DataCiteRequest`, which hands back the whole
response: the package's REST client keeps only the body of a failure, so a 422 and a 503 look
alike to it, and a 201 with an unreadable body raises where the DOI was in fact created.

- **Limits.** DataCite allows 3,000 requests per 5 minutes per address; requests are spaced to a
  configurable rate (1,500 by default), and a 429 or 503 pauses for as long as `Retry-After` asks.
- **Failures say what happened.** Whatever answer arrives (DataCite's JSON errors, a proxy's HTML
  page, an empty or truncated body, a redirect), the message names the HTTP status and DataCite's
  own words or a short excerpt of the body; never a traceback, never the request or the password.
"""

from __future__ import annotations

import contextlib
import copy
import email.utils
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from datacite import DataCiteRESTClient
from datacite.errors import HttpError
from datacite.request import DataCiteRequest

TEST_API = "https://api.test.datacite.org/"
PRODUCTION_API = "https://api.datacite.org/"
PRODUCTION_HOSTS = frozenset({"api.datacite.org", "mds.datacite.org"})
TRANSIENT = {429, 502, 503, 504}
TIMEOUT = (5, 30)  # seconds to connect, seconds to wait for an answer
DEFAULT_RATE = 1500  # requests per 5 minutes; DataCite's limit is 3,000
WINDOW = 300.0  # DataCite counts requests over 5 minutes
MAX_PAUSE = 300.0  # a Retry-After longer than DataCite's window is not believed
JSON_API = {"content-type": "application/vnd.api+json"}


class RegistrationError(Exception):
    """DataCite refused or failed a request for one DOI; the message is fit for a data steward."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AlreadyTaken(RegistrationError):
    """A create was refused because the DOI exists (here or in another repository): read it back."""


class NoAnswer(RegistrationError):
    """The request may or may not have been carried out (a time-out, a dropped connection, an unreadable answer)."""


def host(url: str) -> str:
    """The host of a URL as DNS compares it: lower case, no port, no trailing dot, IDNA-encoded."""
    name = urlsplit(url.strip()).hostname or ""
    with contextlib.suppress(UnicodeError):
        name = name.encode("idna").decode("ascii")  # also maps full-width letters and dots to ASCII
    return name.lower().rstrip(".")


def is_production(url: str) -> bool:
    return host(url) in PRODUCTION_HOSTS


@dataclass
class Counter:
    """Requests made, for the summary and the benchmark."""

    reads: int = 0
    writes: int = 0
    checks: int = 0  # requests that cannot change anything (the credentials check)


class Throttle:
    """Spaces requests to at most `per_window` in DataCite's 5 minutes, and pauses when asked to."""

    def __init__(self, per_window: int, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        if per_window < 1:
            raise ValueError("the request rate must be at least 1 per 5 minutes")
        self.interval = WINDOW / per_window
        self.clock, self.sleep = clock, sleep
        self.next_at = -float("inf")

    def wait(self) -> None:
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval

    def pause(self, seconds: float) -> None:
        self.next_at = max(self.next_at, self.clock() + seconds)


@dataclass(frozen=True)
class Remote:
    """A DOI as DataCite holds it, and the repository that holds it."""

    attributes: dict[str, Any]
    repository: str | None


class DataCite:
    """The DOIs of one repository at DataCite."""

    def __init__(self, username: str, password: str, prefix: str, api_url: str, *, timeout: Any = TIMEOUT,
                 attempts: int = 8, backoff: float = 0.5, max_backoff: float = 30.0, rate: int = DEFAULT_RATE,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        # The package's client normalises the address (a trailing slash) and is the one place that knows it.
        self.rest = DataCiteRESTClient(username, password, prefix, test_mode=False, url=api_url, timeout=timeout)
        self.prefix = prefix
        self.repository = username.lower()
        self.attempts, self.backoff, self.max_backoff = attempts, backoff, max_backoff
        self.throttle = Throttle(rate, clock, sleep)
        self.count = Counter()

    def __repr__(self) -> str:  # never the password
        return f"<DataCite {self.rest.username} at {self.rest.api_url}>"

    # --- reads ------------------------------------------------------------------------------
    def list_dois(self) -> dict[str, dict[str, Any]]:
        """Every DOI of the repository under the prefix, with its stored attributes, 1,000 per request."""
        found: dict[str, dict[str, Any]] = {}
        path: str | None = "dois"
        params: dict[str, str] | None = {
            "client-id": self.repository, "prefix": self.prefix, "page[size]": "1000", "page[cursor]": "1",
            "state": "draft,registered,findable", "publisher": "true", "affiliation": "true",
        }
        seen: set[str] = set()
        while path:
            response = self._send("GET", path, params=params)
            if response.status_code != 200:
                raise RegistrationError(explain(response), response.status_code)
            document = _document(response)
            items = document.get("data")
            if not isinstance(items, list):
                raise RegistrationError(explain(response, "the answer has no list of DOIs"), 200)
            for item in items:
                doi, attributes = _item(item, response)
                found[doi] = attributes
            path, params = self._next_page(document, response), None
            if path in seen:
                raise RegistrationError(explain(response, "the list of DOIs pages round in a circle"), 200)
            if path:
                seen.add(path)
        return found

    def _next_page(self, document: dict[str, Any], response: Any) -> str | None:
        links = document.get("links")
        link = links.get("next") if isinstance(links, dict) else None
        if not link:
            return None
        if not isinstance(link, str):
            raise RegistrationError(explain(response, "the link to the next page is not a link"), 200)
        base = self.rest.api_url
        if link.startswith(base):
            return link[len(base):]
        if link.startswith("/") and not link.startswith("//"):
            return link.lstrip("/")
        # The credentials go only to the API's own address.
        raise RegistrationError(explain(response, f"the next page is at another address ({_excerpt(link)})"), 200)

    def get(self, doi: str) -> dict[str, Any] | None:
        """The stored attributes of one DOI, or None when DataCite shows no such DOI to this repository."""
        found = self.lookup(doi)
        return None if found is None else found.attributes

    def lookup(self, doi: str) -> Remote | None:
        """One DOI and the repository holding it; None when DataCite shows no such DOI to this repository."""
        response = self._send("GET", f"dois/{_encoded(doi)}", params={"publisher": "true", "affiliation": "true"})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RegistrationError(explain(response), response.status_code)
        document = _document(response)
        _, attributes = _item(document.get("data"), response)
        client = ((document["data"].get("relationships") or {}).get("client") or {}).get("data") or {}
        repository = client.get("id") if isinstance(client, dict) else None
        return Remote(attributes, str(repository).lower() if repository else None)

    def check_credentials(self) -> None:
        """Fail unless DataCite accepts the credentials for writing, without writing anything.

        DataCite answers reads with wrong credentials as if anonymous (registered DOIs just look
        missing), so a read proves nothing. A create of a DOI that breaks DataCite's syntax rule is
        checked for credentials first and then refused as invalid, so it stores nothing either way.
        """
        body = {"data": {"type": "dois", "attributes": {"doi": f"{self.prefix}/credentials check"}}}
        response = self._send("POST", "dois", body=body, counter="checks")
        if response.status_code in (401, 403, 404):
            raise RegistrationError(explain(response), response.status_code)
        if response.status_code != 422:
            raise RegistrationError(explain(response, "the credentials check did not get the answer DataCite gives"),
                                    response.status_code)

    # --- writes -----------------------------------------------------------------------------
    def create(self, doi: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST a new DOI; its attributes as stored. An answer that may hide a success raises NoAnswer."""
        body = {"data": {"type": "dois", "attributes": copy.deepcopy(attributes) | {"doi": doi}}}
        response = self._send("POST", "dois", body=body, counter="writes", resend_on_no_answer=False)
        if response.status_code == 201:
            try:
                return _item(_document(response).get("data"), response)[1]
            except RegistrationError as error:
                raise NoAnswer(f"DataCite created the DOI but its answer was unreadable ({error})", 201) from None
        if response.status_code == 422 and "has already been taken" in response.text:
            raise AlreadyTaken(explain(response), 422)
        if response.status_code in (502, 504):  # a proxy gave up waiting: DataCite may have done it
            raise NoAnswer(explain(response), response.status_code)
        raise RegistrationError(explain(response), response.status_code)

    def update(self, doi: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """PUT the attributes of an existing DOI (the caller has seen it exists); its attributes as stored."""
        body = {"data": {"type": "dois", "attributes": copy.deepcopy(attributes)}}
        # A PUT of the same attributes is idempotent, so it is safe to send again after a lost answer.
        response = self._send("PUT", f"dois/{_encoded(doi)}", body=body, counter="writes")
        if response.status_code == 200:
            try:
                return _item(_document(response).get("data"), response)[1]
            except RegistrationError as error:
                raise NoAnswer(f"DataCite accepted the update but its answer was unreadable ({error})", 200) from None
        if response.status_code == 201:
            raise RegistrationError(explain(response, "the update created a DOI that DataCite did not have"), 201)
        raise RegistrationError(explain(response), response.status_code)

    # --- one request --------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, body: dict[str, Any] | None = None,
              params: dict[str, str] | None = None, counter: str = "reads", resend_on_no_answer: bool = True) -> Any:
        """One request, spaced by the throttle, retried while DataCite is busy or briefly away."""
        request = DataCiteRequest(base_url=self.rest.api_url, username=self.rest.username,
                                  password=self.rest.password, timeout=self.rest.timeout)
        text = json.dumps(body) if body is not None else None
        for attempt in range(self.attempts):
            last = attempt + 1 == self.attempts
            self.throttle.wait()
            setattr(self.count, counter, getattr(self.count, counter) + 1)
            try:
                response = request.request(path, method=method, body=text, params=dict(params or {}),
                                           headers=JSON_API if body is not None else None)
            except HttpError as error:
                if last or not resend_on_no_answer:
                    raise NoAnswer(f"DataCite did not answer ({_reason(error)})") from None
                self.throttle.pause(self._backoff(attempt))
                continue
            if response.history:
                raise RegistrationError(explain(response.history[0], f"redirected to {_excerpt(response.url)}; "
                                                "set DATACITE_URL to the API's own address"),
                                        response.history[0].status_code)
            if response.status_code in TRANSIENT and not last:
                asked = retry_after(response)
                self.throttle.pause(self._backoff(attempt) if asked is None else asked)
                continue
            return response
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** attempt))


def _encoded(doi: str) -> str:
    """A DOI as one part of an API path, percent-encoded whole: no DOI can reach another path of the API."""
    return quote(doi, safe="")


def retry_after(response: Any) -> float | None:
    """The pause DataCite (or a proxy) asks for in `Retry-After`: seconds or an HTTP date; None if absent."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(MAX_PAUSE, max(0.0, seconds))


def _document(response: Any) -> dict[str, Any]:
    try:
        document = json.loads(response.text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise RegistrationError(explain(response, "the answer is not DataCite's JSON"), response.status_code)
    return document


def _item(item: Any, response: Any) -> tuple[str, dict[str, Any]]:
    if not (isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("attributes"), dict)):
        raise RegistrationError(explain(response, "the answer does not describe a DOI"), response.status_code)
    return item["id"].lower(), item["attributes"]


def _reason(error: HttpError) -> str:
    cause = error.args[0] if error.args else error
    return {"ReadTimeout": "no answer within the time-out", "ConnectTimeout": "could not connect in time",
            "ConnectionError": "the connection failed or was closed"}.get(type(cause).__name__, type(cause).__name__)


_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
HINTS = {401: " (check DATACITE_USERNAME and DATACITE_PASSWORD)",
         403: " (DataCite does not let this repository change it: check the DOI prefix and the repository)",
         429: " (DataCite's request limit: lower --rate or try later)"}


def explain(response: Any, problem: str = "") -> str:
    """`HTTP <status>: <DataCite's own words>`, or the problem and a short excerpt of the body."""
    status = response.status_code
    titles = _titles(response.text)
    if titles and not problem:
        detail = titles
    else:
        excerpt = _excerpt(response.text)
        detail = problem or ("the answer is not DataCite's JSON" if excerpt else "an empty answer")
        if excerpt and titles != detail:
            detail += f": “{excerpt}”"
    return f"HTTP {status}: {detail}{HINTS.get(status, '')}"


def _titles(text: str) -> str:
    try:
        errors = json.loads(text).get("errors")
        titles = [f"{e['source']}: {e['title']}" if e.get("source") else str(e.get("title", "")) for e in errors]
    except (ValueError, AttributeError, TypeError, KeyError):
        return ""
    return "; ".join(title for title in titles if title)


def _excerpt(text: str, limit: int = 120) -> str:
    """The readable start of a body: HTML tags and scripts removed, white space collapsed, cut short."""
    plain = " ".join(html.unescape(_TAGS.sub(" ", text or "")).split())
    plain = "".join(char for char in plain if char.isprintable())
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"
