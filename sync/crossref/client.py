"""`GET /works/<doi>` on Crossref's REST API, politely: identified, paced, cached, with short retries.

Crossref's etiquette (docs/reference.md "Crossref REST API") asks clients to cache answers, to pause between
requests, to honour 429 and `Retry-After`, and to give a contact address (`mailto=` on the query and in the
User-Agent) to be served from the "polite" pool. A paper needs one lookup in its life, so answers are kept:
found works for CACHE_DAYS, unknown DOIs for MISS_HOURS (a fresh DOI may not be registered yet).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from paperdrop.sync.crossref.records import to_publication
from paperdrop.sync.errors import ThrottledError, TransientError
from paperdrop.sync.records import Publication

DEFAULT_API_URL = "https://api.crossref.org"
PACE_SECONDS = 1.0  # between two requests of one process: Crossref asks for pauses, one lookup per paper needs few
CACHE_DAYS = 30.0
MISS_HOURS = 24.0
MAX_SHORT_WAIT = 10.0  # a Retry-After up to this is waited here; longer ones go back to the caller


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class CrossrefClient:
    """One per process. `publication(doi)` answers from the cache or asks Crossref; `requests_made` counts."""

    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        contact_email: str | None = None,
        state_dir: Path,
        user_agent: str = "PaperDrop",
        timeout: float = 20.0,
        pace: float = PACE_SECONDS,
        short_retries: int = 3,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.api_url = api_url.rstrip("/")
        self.contact_email = contact_email
        self.timeout = timeout
        self.pace = pace
        self.short_retries = short_retries
        self.requests_made = 0
        self._clock, self._sleep = clock, sleep
        contact = f"; mailto:{contact_email}" if contact_email else ""
        self._session = requests.Session()
        self._session.trust_env = False  # a library reads no environment (STYLE.md)
        self._session.headers["User-Agent"] = f"{user_agent}{contact}"
        self._pace_lock = threading.Lock()
        self._last_request = 0.0
        state_dir.mkdir(parents=True, exist_ok=True)
        self._cache_path = state_dir / "crossref-works.sqlite3"
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS works (doi TEXT PRIMARY KEY, message TEXT, fetched_at REAL)")

    def close(self) -> None:
        self._session.close()

    def publication(self, doi: str) -> Publication | None:
        """The published version Crossref describes for `doi`; None when Crossref does not know the DOI or it is
        not a published version. Raises `TransientError` (or `ThrottledError`) when Crossref cannot answer now."""
        key = doi.strip().lower()
        cached = self._cached(key)
        if cached is None:
            cached = (self._fetch(doi),)
            self._store(key, cached[0])
        return to_publication(cached[0]) if cached[0] is not None else None

    # -- cache -------------------------------------------------------------------------------------
    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self._cache_path, timeout=30)) as db, db:
            yield db

    def _cached(self, key: str) -> tuple[dict[str, Any] | None] | None:
        with self._db() as db:
            row = db.execute("SELECT message, fetched_at FROM works WHERE doi = ?", (key,)).fetchone()
        if row is None:
            return None
        message, fetched_at = row
        max_age = CACHE_DAYS * 86400 if message is not None else MISS_HOURS * 3600
        if self._clock() - fetched_at > max_age:
            return None
        return (json.loads(message) if message is not None else None,)

    def _store(self, key: str, message: dict[str, Any] | None) -> None:
        value = json.dumps(message) if message is not None else None
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO works VALUES (?, ?, ?)", (key, value, self._clock()))

    # -- HTTP --------------------------------------------------------------------------------------
    def _fetch(self, doi: str) -> dict[str, Any] | None:
        retrying = Retrying(
            stop=stop_after_attempt(self.short_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self._sleep,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._get(doi)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise TransientError(f"Crossref is not answering properly: {last}") from last
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, state: Any) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        hint = getattr(exc, "retry_after", None)
        return float(hint) if hint is not None else float(wait_exponential_jitter(multiplier=0.5, max=5)(state))

    def _get(self, doi: str) -> dict[str, Any] | None:
        params = {"mailto": self.contact_email} if self.contact_email else None
        self._keep_pace()
        self.requests_made += 1
        try:
            response = self._session.get(
                f"{self.api_url}/works/{quote(doi, safe='')}", params=params, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise _Retryable(f"{type(exc).__name__}") from exc
        if response.status_code == 404:
            return None
        if response.status_code == 429 or response.status_code >= 500:
            hint = _seconds(response.headers.get("Retry-After"))
            if hint is not None and hint > MAX_SHORT_WAIT:
                raise ThrottledError(f"Crossref asked PaperDrop to wait {hint:g} s.", retry_after=hint)
            raise _Retryable(f"HTTP {response.status_code}", hint)
        if response.status_code != 200:
            raise TransientError(f"Crossref answered HTTP {response.status_code} for DOI {doi}.")
        try:
            message: dict[str, Any] = response.json()["message"]
        except (ValueError, KeyError, TypeError) as exc:
            raise _Retryable("an answer that is not a Crossref work") from exc
        return message

    def _keep_pace(self) -> None:
        with self._pace_lock:
            remaining = self._last_request + self.pace - time.monotonic()
            if remaining > 0:
                self._sleep(remaining)
            self._last_request = time.monotonic()


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
