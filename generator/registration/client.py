"""Talking to DataCite through the `datacite` package, with timeouts, retries and the status of every answer.

The package's REST client turns every failure into an exception that keeps only the response body,
so a 422 and a 503 look alike. `_StatusKeepingClient` is the package's own client, remembering the
last response, so that transient failures can be retried and validation errors never are.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

from datacite import DataCiteRESTClient
from datacite.errors import DataCiteError, HttpError
from datacite.request import DataCiteRequest

TEST_API = "https://api.test.datacite.org/"
PRODUCTION_API = "https://api.datacite.org/"
TRANSIENT = {429, 502, 503, 504}
TIMEOUT = (5, 30)  # seconds to connect, seconds to wait for an answer


class RegistrationError(Exception):
    """DataCite refused or failed a request for one DOI; the message is fit for a data steward."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AlreadyTaken(RegistrationError):
    """A create was refused because the DOI exists: read it back instead."""


class NoAnswer(RegistrationError):
    """The request may or may not have been carried out (a time-out or a dropped connection)."""


class _StatusKeepingClient(DataCiteRESTClient):
    last_response: Any = None

    def _create_request(self) -> DataCiteRequest:
        request = super()._create_request()
        send = request.request

        def send_and_remember(*args: Any, **kwargs: Any) -> Any:
            self.last_response = None
            self.last_response = send(*args, **kwargs)
            return self.last_response

        request.request = send_and_remember  # type: ignore[method-assign]
        return request


@dataclass
class Counter:
    """Requests made, for the summary and the benchmark."""

    reads: int = 0
    writes: int = 0


class DataCite:
    """The DOIs of one repository at DataCite."""

    def __init__(self, username: str, password: str, prefix: str, api_url: str, *, timeout: Any = TIMEOUT,
                 attempts: int = 5, backoff: float = 0.5, max_backoff: float = 8.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rest = _StatusKeepingClient(username, password, prefix, test_mode=False, url=api_url, timeout=timeout)
        self.prefix = prefix
        self.attempts, self.backoff, self.max_backoff, self.sleep = attempts, backoff, max_backoff, sleep
        self.count = Counter()

    def __repr__(self) -> str:  # never the password
        return f"<DataCite {self.rest.username} at {self.rest.api_url}>"

    # --- reads ------------------------------------------------------------------------------
    def list_dois(self) -> dict[str, dict[str, Any]]:
        """Every DOI of the repository under the prefix, with its stored attributes, 1,000 per request."""
        found: dict[str, dict[str, Any]] = {}
        params: dict[str, str] | None = {
            "client-id": self.rest.username.lower(), "prefix": self.prefix, "page[size]": "1000",
            "page[cursor]": "1", "state": "draft,registered,findable", "publisher": "true", "affiliation": "true",
        }
        path = "dois"
        while path:
            response = self._read(path, params)
            document = response.json()
            for item in document.get("data", []):
                found[item["id"].lower()] = item["attributes"]
            next_link = (document.get("links") or {}).get("next")
            path, params = (next_link.split(self.rest.api_url.rstrip("/"), 1)[-1].lstrip("/"), None) if next_link else ("", None)
        return found

    def get(self, doi: str) -> dict[str, Any] | None:
        """The stored attributes of one DOI, or None when DataCite does not have it."""
        response = self._read(f"dois/{_encoded(doi)}", {"publisher": "true", "affiliation": "true"}, missing_ok=True)
        return None if response is None else response.json()["data"]["attributes"]

    def _read(self, path: str, params: dict[str, str] | None, *, missing_ok: bool = False) -> Any:
        request = DataCiteRequest(base_url=self.rest.api_url, username=self.rest.username,
                                  password=self.rest.password, timeout=self.rest.timeout)
        for attempt in range(self.attempts):
            self.count.reads += 1
            try:
                response = request.get(path, params=dict(params or {}))
            except HttpError as error:
                if attempt + 1 == self.attempts:
                    raise NoAnswer(f"DataCite did not answer: {_reason(error)}") from None
                self._wait(attempt)
                continue
            if response.status_code == 200:
                return response
            if response.status_code == 404 and missing_ok:
                return None
            if response.status_code in TRANSIENT and attempt + 1 < self.attempts:
                self._wait(attempt)
                continue
            raise RegistrationError(_explain(response.status_code, response.text), response.status_code)
        raise AssertionError("unreachable")

    # --- writes -----------------------------------------------------------------------------
    def create(self, doi: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """POST a new DOI; its attributes as stored. Never retried blindly: a lost answer may hide a success."""
        body = {"type": "dois", "attributes": copy.deepcopy(attributes) | {"doi": doi}}
        for attempt in range(self.attempts):
            self.count.writes += 1
            try:
                self.rest.post_doi(copy.deepcopy(body))
                return self.rest.last_response.json()["data"]["attributes"]
            except HttpError as error:
                raise NoAnswer(f"DataCite did not answer the create: {_reason(error)}") from None
            except DataCiteError as error:
                status = self._status()
                if status == 422 and "has already been taken" in str(error.args[0] if error.args else ""):
                    raise AlreadyTaken(f"{doi} already exists at DataCite", 422) from None
                if status in TRANSIENT and attempt + 1 < self.attempts:
                    self._wait(attempt)
                    continue
                raise RegistrationError(_explain(status, _body(error)), status) from None
        raise AssertionError("unreachable")

    def update(self, doi: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """PUT the attributes of an existing DOI (the caller has seen it exists); its attributes as stored."""
        for attempt in range(self.attempts):
            self.count.writes += 1
            try:
                return self.rest.put_doi(_encoded(doi), {"type": "dois", "attributes": copy.deepcopy(attributes)})
            except HttpError as error:
                # A PUT of the same attributes is idempotent, so it is safe to send again.
                if attempt + 1 == self.attempts:
                    raise NoAnswer(f"DataCite did not answer the update: {_reason(error)}") from None
                self._wait(attempt)
            except DataCiteError as error:
                status = self._status()
                if status in TRANSIENT and attempt + 1 < self.attempts:
                    self._wait(attempt)
                    continue
                raise RegistrationError(_explain(status, _body(error)), status) from None
        raise AssertionError("unreachable")

    def _status(self) -> int | None:
        response = self.rest.last_response
        return response.status_code if response is not None else None

    def _wait(self, attempt: int) -> None:
        self.sleep(min(self.max_backoff, self.backoff * 2 ** attempt))


def _encoded(doi: str) -> str:
    """A DOI as one part of an API path, percent-encoded whole: no DOI can reach another path of the API."""
    return quote(doi, safe="")


def _body(error: DataCiteError) -> str:
    return str(error.args[0]) if error.args else ""


def _reason(error: HttpError) -> str:
    cause = error.args[0] if error.args else error
    return type(cause).__name__


def _explain(status: int | None, text: str) -> str:
    """DataCite's own words where it gave any (`errors[].title`), else the status alone; never the request."""
    try:
        errors = json.loads(text).get("errors", [])
        titles = [f"{e['source']}: {e['title']}" if e.get("source") else e.get("title", "") for e in errors]
        detail = "; ".join(title for title in titles if title)
    except (ValueError, AttributeError, TypeError):
        detail = "the answer was not JSON" if text.strip() else ""
    hints = {401: " (check DATACITE_USERNAME and DATACITE_PASSWORD)",
             403: " (the DOI's prefix does not belong to this repository)"}
    return f"HTTP {status}: {detail or 'no explanation given'}{hints.get(status or 0, '')}"
