"""The Zotero Web API calls PaperDrop makes, through pyzotero, with errors translated at this boundary.

Every call first checks the library's back-off time (set by `Backoff`, `Retry-After`, 429 and 503) and
raises `TransientError` instead of waiting; every pyzotero/httpx2 failure leaves as a `sync.errors` class.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
from pyzotero import errors as ze
from pyzotero import zotero

from paperdrop.sync.errors import ConfigurationError, PermanentError, TransientError
from paperdrop.sync.zotero.config import KEYS_PAGE, ZoteroConfig
from paperdrop.sync.zotero.transport import Throttled, ThrottleTransport

MAX_OBJECTS_PER_WRITE = 50  # more gets HTTP 413 (docs/reference.md "Writes")
MAX_KEYS_PER_READ = 50  # itemKey=A,B,... takes at most 50 keys


class ZoteroClient:
    """One library, one pyzotero instance, one connection pool. Not shared across threads."""

    def __init__(
        self,
        config: ZoteroConfig,
        *,
        timeout: float = 30.0,
        transport: httpx2.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.config = config
        self.clock = clock
        self.backoff_until = 0.0  # wall-clock time before which no request may be sent
        self.requests_sent = 0
        self._transport = ThrottleTransport(transport or httpx2.HTTPTransport(), timeout)
        # trust_env=False: a library reads no environment variables (STYLE.md).
        self._http = httpx2.Client(transport=self._transport, timeout=timeout, trust_env=False)
        self._zot = zotero.Zotero(config.library_id, config.library_type, config.api_key, client=self._http)
        self._zot.endpoint = config.api_url.rstrip("/")

    def close(self) -> None:
        self._http.close()

    # -- reads -------------------------------------------------------------------------------------
    def key_info(self) -> dict[str, Any]:
        """`GET /keys/current`: the key's user id and permissions (the key goes in a header, not the URL)."""
        with self._call("checking the API key"):
            response = self._http.get(f"{self._zot.endpoint}/keys/current", headers=self._zot.default_headers())
            response.raise_for_status()
            info: dict[str, Any] = response.json()
            return info

    def top_item_versions(self, since: int) -> tuple[dict[str, int], int]:
        """Keys and versions of top-level items changed after `since` (trash included), and the library
        version they are current at."""
        with self._call("reading the library's item versions"):
            versions: dict[str, int] = self._zot.top(since=since, format="versions", limit=None, includeTrashed=1)
            response = self._zot.request
            return versions, int(response.headers.get("last-modified-version", 0) if response is not None else 0)

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        with self._call("reading items"):
            items: list[dict[str, Any]] = self._zot.items(itemKey=",".join(keys), limit=len(keys), includeTrashed=1)
            return items

    def deleted_since(self, since: int) -> dict[str, list[str]]:
        with self._call("reading deleted objects"):
            deleted: dict[str, list[str]] = self._zot.deleted(since=since)
            return deleted

    def all_collections(self) -> list[dict[str, Any]]:
        with self._call("reading collections"):
            collections: list[dict[str, Any]] = self._zot.everything(self._zot.collections(limit=100))
            return collections

    # -- writes ------------------------------------------------------------------------------------
    def write_items(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """POST up to 50 items (creates with `version: 0`, partial updates with their version) and return
        Zotero's per-object answer `{successful, success, unchanged, failed}`."""
        with self._call("writing items"):
            answer: dict[str, Any] = self._zot.create_items(objects)
            return answer

    def write_collections(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        with self._call("creating collections"):
            answer: dict[str, Any] = self._zot.create_collections(objects)
            return answer

    # -- plumbing ----------------------------------------------------------------------------------
    def raise_if_backing_off(self) -> None:
        remaining = self.backoff_until - self.clock()
        if remaining > 0:
            raise TransientError(f"Zotero asked PaperDrop to wait {remaining:.0f} s.", retry_after=remaining)

    @contextmanager
    def _call(self, doing: str) -> Iterator[None]:
        self.raise_if_backing_off()
        self.requests_sent += 1
        try:
            yield
        except Exception as exc:
            raise self._translate(exc, doing) from exc
        finally:
            self._note_backoff(self._transport.take_backoff())

    def _note_backoff(self, seconds: float | None) -> None:
        if seconds:
            self.backoff_until = max(self.backoff_until, self.clock() + seconds)

    def _translate(self, exc: Exception, doing: str) -> Exception:
        if isinstance(exc, Throttled):
            self._note_backoff(exc.retry_after)
            return TransientError(f"Zotero is busy (HTTP {exc.status}) while {doing}.", retry_after=exc.retry_after)
        return translate_error(exc, doing, self.config)


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
    if isinstance(exc, httpx2.HTTPStatusError):  # our own raise_for_status in key_info
        exc = _status_error(exc.response.status_code, str(exc))
    if isinstance(exc, ze.UserNotAuthorisedError):
        return ConfigurationError(
            f"Zotero refused the API key while {doing}: it is invalid or cannot write to {config.label}.",
            fix=f"Create a key with write access to this library at {KEYS_PAGE} and set PAPERDROP_ZOTERO_API_KEY.",
        )
    if isinstance(exc, ze.ResourceNotFoundError):
        return ConfigurationError(
            f"Zotero does not know {config.label} (HTTP 404 while {doing}).",
            fix="Check PAPERDROP_ZOTERO_LIBRARY_ID and PAPERDROP_ZOTERO_LIBRARY_TYPE.",
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
