"""State the worker processes of one deployment share through Redis, on any number of machines.

With `PAPERDROP_REDIS_URL` set (README "Deploying for a group"), two things that a single machine keeps in
its data directory or memory live in Redis instead, so every machine sees them: the arXiv gate
(sync/arxiv/gate.py, `RedisGate`) and the Zotero per-library back-off (`SharedBackoff`). Papers fetched from
arXiv need nothing here: they are shared through the store's papers table, which every worker reads before
asking arXiv.

Redis failures become `TransientError` here (the job is retried later, nothing is lost); what may safely go
on without Redis (a back-off hint) says so where it is used.
"""

from __future__ import annotations

from typing import Any

import redis

from paperdrop.sync.errors import TransientError

PREFIX = "paperdrop:"
REDIS_ERRORS: tuple[type[Exception], ...] = (redis.RedisError, OSError)
RETRY_AFTER = 5.0  # seconds a job waits before trying again when Redis cannot be reached


def connect(url: str) -> redis.Redis:
    """A client with short timeouts: a Redis that is down is an error within seconds, never a hang."""
    return redis.Redis.from_url(
        url, socket_timeout=5.0, socket_connect_timeout=2.0, health_check_interval=10, retry_on_timeout=False
    )


def redis_down(exc: BaseException, doing: str) -> TransientError:
    return TransientError(
        f"Redis could not be reached while {doing} ({exc.__class__.__name__}: {exc}).",
        retry_after=RETRY_AFTER,
        fix="Check that Redis at PAPERDROP_REDIS_URL is running; the work is retried.",
    )


# Raise the back-off of one key to at least ARGV[1] ms from now (Redis' clock: no skew between machines).
_RAISE = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
"""


class SharedBackoff:
    """`Backoff`/`Retry-After` a service asked for, per name (a Zotero library), seen by every worker.

    Kept as the time to live of one key, so machines with different clocks agree on when it ends."""

    def __init__(self, client: redis.Redis, name: str):
        self._client = client
        self.key = f"{PREFIX}backoff:{name}"
        self._raise: Any = client.register_script(_RAISE)

    def remaining(self) -> float:
        """Seconds left of the shared back-off (0 when none). Raises TransientError when Redis is down."""
        try:
            ttl = int(self._client.pttl(self.key))
        except REDIS_ERRORS as exc:
            raise redis_down(exc, "reading the shared back-off") from exc
        return max(0.0, ttl / 1000.0)

    def extend(self, seconds: float) -> None:
        """Make the shared back-off last at least `seconds` from now."""
        if seconds <= 0:
            return
        try:
            self._raise(keys=[self.key], args=[max(1, int(seconds * 1000))])
        except REDIS_ERRORS as exc:
            raise redis_down(exc, "sharing a back-off") from exc
