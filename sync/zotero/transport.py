"""The httpx2 transport seam under pyzotero: rate-limit answers become exceptions, never sleeps.

pyzotero 1.16 (docs/reference.md) sleeps before its next call when a response carries `Backoff` or
`Retry-After`, retries a 429 up to three times after sleeping, and turns a 429 on a write into a
`JSONDecodeError`. PaperDrop's client owns every wait instead ("one owner per retry"), so this transport sees
each response first: a 429 or a 5xx is raised as `Throttled` (with its `Retry-After`, if any) before pyzotero
reads it, and a `Backoff`/`Retry-After` on any other answer is recorded and removed so pyzotero never arms
its sleep.
"""

from __future__ import annotations

import httpx2

THROTTLE_STATUSES = (429, 503)


class Throttled(Exception):
    """Zotero refused the request for now (429 or 5xx). `retry_after` in seconds when it said."""

    def __init__(self, status: int, retry_after: float | None):
        super().__init__(f"Zotero answered HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def parse_seconds(value: str | None) -> float | None:
    """`Retry-After`/`Backoff` as seconds; HTTP dates are not sent by Zotero, so they count as unknown."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class ThrottleTransport(httpx2.BaseTransport):
    """Wraps the real transport: enforces our timeout on every request (pyzotero hard-codes 30 s on
    reads), raises `Throttled` for 429/5xx and collects `Backoff` hints in `backoff_seen`."""

    def __init__(self, inner: httpx2.BaseTransport, timeout: float):
        self._inner = inner
        self._timeout = httpx2.Timeout(timeout).as_dict()
        self.backoff_seen: float | None = None

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.extensions["timeout"] = self._timeout
        response = self._inner.handle_request(request)
        retry_after = parse_seconds(response.headers.get("retry-after"))
        if response.status_code in THROTTLE_STATUSES or response.status_code >= 500:
            response.close()
            raise Throttled(response.status_code, retry_after)
        backoff = max(parse_seconds(response.headers.get("backoff")) or 0.0, retry_after or 0.0)
        if backoff:
            self.backoff_seen = max(self.backoff_seen or 0.0, backoff)
        for name in ("backoff", "retry-after"):
            if name in response.headers:
                del response.headers[name]
        return response

    def take_backoff(self) -> float | None:
        seen, self.backoff_seen = self.backoff_seen, None
        return seen

    def close(self) -> None:
        self._inner.close()
