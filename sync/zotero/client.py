"""The Zotero Web API calls PaperDrop makes, through pyzotero, with errors translated at this boundary.

Throttles are waits (docs/design.md "A throttle is a wait"): a 429 or 503 with `Retry-After`, or `Backoff` on
any answer, sets the library's back-off time; before its next request the client asks `wait(seconds)` (the
job's `DeliveryRun.wait`) to pause for exactly the rest of it, then sends the same request again. When the job
cannot wait that long, `ThrottledError(retry_after)` leaves. Outages without a hint (a dropped connection, a
timeout, a 5xx without `Retry-After`) get a few quick short retries (tenacity), then `TransientError`. Every
pyzotero/httpx2 failure leaves as a `sync.errors` class.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import httpx2
from pyzotero import errors as ze
from pyzotero import zotero
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from paperdrop.sync.errors import ConfigurationError, PermanentError, ThrottledError, TransientError
from paperdrop.sync.zotero.config import KEYS_PAGE, ZoteroConfig
from paperdrop.sync.zotero.transport import Throttled, ThrottleTransport

log = logging.getLogger(__name__)

MAX_OBJECTS_PER_WRITE = 50  # more gets HTTP 413 (docs/reference.md "Writes")
MAX_KEYS_PER_READ = 50  # itemKey=A,B,... takes at most 50 keys
DEFAULT_429_WAIT = 10.0  # a 429 that names no wait (Zotero always names one; be patient if it does not)
SHORT_RETRIES = 3  # quick re-sends of one request after an outage; writes are idempotent (keys + versions)


def _never_wait(seconds: float) -> bool:
    return False


class _Outage(Exception):
    """One attempt failed without a hint (dropped connection, timeout, 5xx): worth a quick re-send."""


T = TypeVar("T")


class BackoffStore(Protocol):
    """A back-off shared with the other workers of the deployment (sync/shared.py `SharedBackoff`)."""

    def remaining(self) -> float: ...

    def extend(self, seconds: float) -> None: ...


class ZoteroClient:
    """One library, one pyzotero instance, one connection pool. Not shared across threads."""

    def __init__(
        self,
        config: ZoteroConfig,
        *,
        timeout: float = 30.0,
        transport: httpx2.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        shared_backoff: BackoffStore | None = None,
    ):
        self.config = config
        self.clock = clock
        self.backoff_until = 0.0  # wall-clock time before which no request may be sent
        # The library's back-off as every worker of the deployment sees it (Redis); None on one machine.
        self.shared_backoff = shared_backoff
        self.requests_sent = 0
        self.wait: Callable[[float], bool] = _never_wait  # the running job's DeliveryRun.wait; never in web requests
        self.short_retry_wait = 0.05  # first pause of the short retries, doubling
        self._transport = ThrottleTransport(transport or httpx2.HTTPTransport(), timeout)
        # trust_env=False: a library reads no environment variables (STYLE.md).
        self._http = httpx2.Client(transport=self._transport, timeout=timeout, trust_env=False)
        self._zot = zotero.Zotero(config.library_id, config.library_type, config.api_key, client=self._http)
        self._zot.endpoint = config.api_url.rstrip("/")

    def close(self) -> None:
        self._http.close()

    # -- reads -------------------------------------------------------------------------------------
    def key_info(self) -> dict[str, Any]:
        """`GET /keys/current`: the key's user id and permissions (the key goes in a header, not the URL).
        Runs in web requests (`check`): it never waits and never re-sends."""

        def read() -> dict[str, Any]:
            response = self._http.get(f"{self._zot.endpoint}/keys/current", headers=self._zot.default_headers())
            response.raise_for_status()
            info: dict[str, Any] = response.json()
            return info

        return self._call("checking the API key", read, patient=False)

    def top_item_versions(self, since: int) -> tuple[dict[str, int], int]:
        """Keys and versions of top-level items changed after `since` (trash included), and the library
        version they are current at."""

        def read() -> tuple[dict[str, int], int]:
            versions: dict[str, int] = self._zot.top(since=since, format="versions", limit=None, includeTrashed=1)
            response = self._zot.request
            return versions, int(response.headers.get("last-modified-version", 0) if response is not None else 0)

        return self._call("reading the library's item versions", read)

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        def read() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = self._zot.items(itemKey=",".join(keys), limit=len(keys), includeTrashed=1)
            return items

        return self._call("reading items", read)

    def deleted_since(self, since: int) -> dict[str, list[str]]:
        def read() -> dict[str, list[str]]:
            deleted: dict[str, list[str]] = self._zot.deleted(since=since)
            return deleted

        return self._call("reading deleted objects", read)

    def all_collections(self) -> list[dict[str, Any]]:
        def read() -> list[dict[str, Any]]:
            collections: list[dict[str, Any]] = self._zot.everything(self._zot.collections(limit=100))
            return collections

        return self._call("reading collections", read)

    # -- writes ------------------------------------------------------------------------------------
    def write_items(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """POST up to 50 items (creates with `version: 0`, partial updates with their version) and return
        Zotero's per-object answer `{successful, success, unchanged, failed}`. A re-send after a dropped
        answer is safe: a repeated create is a per-object 412, never a second copy."""

        def write() -> dict[str, Any]:
            answer: dict[str, Any] = self._zot.create_items(objects)
            return answer

        return self._call("writing items", write)

    def write_collections(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        def write() -> dict[str, Any]:
            answer: dict[str, Any] = self._zot.create_collections(objects)
            return answer

        return self._call("creating collections", write)

    def delete_item(self, key: str, version: int) -> None:
        """DELETE one item at its version (erased with its children; already gone counts as done)."""

        def delete() -> None:
            response = self._http.delete(
                self._library_url(f"/items/{key}"),
                headers={**self._zot.default_headers(), "If-Unmodified-Since-Version": str(version)},
            )
            if response.status_code not in (204, 404):
                response.raise_for_status()

        self._call("deleting an item", delete)

    def post_form(self, path: str, form: dict[str, str], headers: dict[str, str], doing: str) -> httpx2.Response:
        """POST a form to `<library><path>` (the file upload protocol); the answer is the caller's to read."""
        url = self._library_url(path)
        merged = {**self._zot.default_headers(), **headers}
        return self._call(doing, lambda: self._http.post(url, data=form, headers=merged))

    def post_bytes(self, url: str, body: bytes, content_type: str, doing: str) -> httpx2.Response:
        """POST bytes to a storage URL Zotero handed out (no API key goes there)."""
        return self._call(doing, lambda: self._http.post(url, content=body, headers={"Content-Type": content_type}))

    def _library_url(self, path: str) -> str:
        kind = "users" if self.config.library_type == "user" else "groups"
        return f"{self._zot.endpoint}/{kind}/{self.config.library_id}{path}"

    # -- plumbing ----------------------------------------------------------------------------------
    def raise_if_backing_off(self) -> None:
        """Inside Zotero's wait: raise `ThrottledError` without sending (for callers that must not wait)."""
        remaining = self.backoff_until - self.clock()
        if remaining > 0:
            raise ThrottledError(f"Zotero asked PaperDrop to wait {remaining:.1f} s.", retry_after=remaining)

    def _call(self, doing: str, send: Callable[[], T], *, patient: bool = True) -> T:
        """Send one request: waits out throttles through `self.wait`, re-sends quickly after outages (only when
        `patient`), and translates what still fails."""
        retrying = Retrying(
            stop=stop_after_attempt(SHORT_RETRIES + 1 if patient else 1),
            wait=wait_exponential(multiplier=self.short_retry_wait, max=2.0),
            retry=retry_if_exception_type(_Outage),
            reraise=False,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._send_throttled(doing, send, patient)
        except RetryError as exc:
            cause = exc.last_attempt.exception()
            original = cause.__cause__ if isinstance(cause, _Outage) and cause.__cause__ else cause
            raise translate_error(original, doing, self.config) from original  # type: ignore[arg-type]
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_throttled(self, doing: str, send: Callable[[], T], patient: bool) -> T:
        """One attempt: as many sends as throttles ask for (a throttle is not an attempt)."""
        while True:
            self._pause(patient)
            self.requests_sent += 1
            try:
                return send()
            except Throttled as exc:
                if exc.retry_after is None and exc.status != 429:
                    raise _Outage(f"HTTP {exc.status} without Retry-After") from exc
                self._note_backoff(exc.retry_after if exc.retry_after is not None else DEFAULT_429_WAIT)
            except Exception as exc:
                if _is_outage(exc):
                    raise _Outage(str(exc)) from exc
                raise translate_error(exc, doing, self.config) from exc
            finally:
                self._note_backoff(self._transport.take_backoff())

    def _pause(self, patient: bool) -> None:
        if self.shared_backoff is not None:  # another worker's Backoff pauses this one too
            self.backoff_until = max(self.backoff_until, self.clock() + self.shared_backoff.remaining())
        remaining = self.backoff_until - self.clock()
        if remaining <= 0:
            return
        if not (patient and self.wait(remaining)):
            raise ThrottledError(f"Zotero asked PaperDrop to wait {remaining:.1f} s.", retry_after=remaining)
        self.backoff_until = 0.0  # the job waited exactly the rest of the back-off

    def _note_backoff(self, seconds: float | None) -> None:
        if seconds:
            self.backoff_until = max(self.backoff_until, self.clock() + seconds)
            if self.shared_backoff is not None:
                try:
                    self.shared_backoff.extend(seconds)
                except TransientError:  # Redis is down: this worker still waits; the others hear Zotero's own 429
                    log.warning("could not share Zotero's back-off of %.1f s", seconds, exc_info=True)


def _is_outage(exc: Exception) -> bool:
    """A failure without a hint that a quick re-send may cure: a dropped connection, a timeout (5xx answers
    arrive as `Throttled` from the transport)."""
    return isinstance(exc, httpx2.TransportError)


# pyzotero's exception class -> what PaperDrop does about it (docs/reference.md "pyzotero 1.16").
_TRANSIENT = (
    ze.PreConditionFailedError,
    ze.ConflictError,
    ze.TooManyRetriesError,
    ze.TooManyRequestsError,
    ze.HTTPError,
    httpx2.TransportError,
    json.JSONDecodeError,
)
_PERMANENT = (
    ze.UnsupportedParamsError,
    ze.RequestEntityTooLargeError,
    ze.PreConditionRequiredError,
    ze.TooManyItemsError,
    ze.InvalidItemFieldsError,
)


def translate_error(exc: Exception, doing: str, config: ZoteroConfig) -> Exception:
    """Map a pyzotero/httpx2 failure to TransientError, ConfigurationError or PermanentError."""
    if isinstance(exc, (TransientError, ConfigurationError, PermanentError)):
        return exc
    if isinstance(exc, Throttled):  # a 5xx without a hint, still there after the short retries
        return TransientError(f"Zotero is unavailable (HTTP {exc.status}) while {doing}.")
    if isinstance(exc, httpx2.HTTPStatusError):  # our own raise_for_status in key_info
        exc = _status_error(exc.response.status_code, str(exc))
    if isinstance(exc, ze.UserNotAuthorisedError):
        return ConfigurationError(
            f"Zotero refused the API key while {doing}: it is invalid or cannot write to {config.label}.",
            fix=f"Create a key with write access to this library at {KEYS_PAGE} and set "
            f"{config.setting('zotero_api_key')}.",
        )
    if isinstance(exc, ze.ResourceNotFoundError):
        return ConfigurationError(
            f"Zotero does not know {config.label} (HTTP 404 while {doing}).",
            fix=f"Check {config.setting('zotero_library_id')} and {config.setting('zotero_library_type')}.",
        )
    if isinstance(exc, httpx2.TimeoutException):
        return TransientError(f"Zotero did not answer in time while {doing}.")
    if isinstance(exc, _TRANSIENT):
        return TransientError(f"Zotero failed while {doing}: {_first_line(exc)}")
    if isinstance(exc, _PERMANENT):
        return PermanentError(f"Zotero rejected the request while {doing}: {_first_line(exc)}")
    return TransientError(f"Unexpected failure while {doing}: {type(exc).__name__}: {_first_line(exc)}")


def _status_error(status: int, text: str) -> Exception:
    return ze.ERROR_CODES.get(status, ze.HTTPError)(text)


def _first_line(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return " / ".join(lines[:4])[:300] if lines else type(exc).__name__
