"""The one gate every arXiv request of a deployment passes through: a cross-process lock plus shared pacing.

arXiv's terms of use ask for at most one request every 3 seconds and one connection at a time, for all
machines of a deployment together (docs/reference.md, "Terms of use"). On one machine every worker process
shares `state_dir`, so a file lock there serializes the requests and a timestamp file there keeps the pace
(`ArxivGate`). Workers on several machines share the gate through Redis instead (`RedisGate`).
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from filelock import FileLock, Timeout

from paperdrop.sync.errors import ConfigurationError, TransientError

if TYPE_CHECKING:
    import redis  # the `redis` extra; imported where a RedisGate is made

log = logging.getLogger(__name__)

LOCK_NAME = "arxiv.lock"
JITTER = 0.005  # seconds, at most, added to each sleep of a RedisGate waiter
STAMP_NAME = "arxiv.last"  # wall-clock time (time.time()) at which the previous request ended


class ArxivGate:
    """`with gate.slot(): send_request()` holds the lock for the whole request and starts it no sooner than
    `delay` seconds after the previous request (from any process) ended."""

    def __init__(
        self,
        delay: float,
        state_dir: Path,
        *,
        lock_timeout: float | None = 600.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.delay = max(0.0, float(delay))
        self.state_dir = Path(state_dir)
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot create the arXiv state directory {self.state_dir}: {exc}.",
                fix="Point PAPERDROP_HOME at a writable directory.",
            ) from exc
        self._lock = FileLock(str(self.state_dir / LOCK_NAME), timeout=-1 if lock_timeout is None else lock_timeout)
        self._stamp = self.state_dir / STAMP_NAME
        self._clock = clock
        self._sleep = sleep

    @contextmanager
    def slot(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise TransientError(
                "Timed out waiting for the arXiv gate: another PaperDrop process holds it.",
                retry_after=self.delay,
            ) from exc
        try:
            self._wait_for_turn()
            yield
        finally:
            self._write_stamp()
            self._lock.release()

    def _wait_for_turn(self) -> None:
        last = self._read_stamp()
        if last is None:
            return
        remaining = last + self.delay - self._clock()
        if remaining > 0:
            # Clamp: a stamp from a clock jump must not stall the deployment for longer than one delay.
            self._sleep(min(remaining, self.delay))

    def _read_stamp(self) -> float | None:
        try:
            return float(self._stamp.read_text().strip())
        except (OSError, ValueError):
            return None

    def _write_stamp(self) -> None:
        tmp = self._stamp.with_suffix(".tmp")
        tmp.write_text(repr(self._clock()))
        tmp.replace(self._stamp)


class Gate(Protocol):
    """What the arXiv client and the PDF store need of a gate: `with gate.slot(): send_one_request()`."""

    delay: float

    def slot(self) -> AbstractContextManager[None]: ...


# The Redis gate's scripts. Times are Redis' own clock (TIME, in microseconds), so machines with different clocks
# agree; durations are in µs, TTLs (PX) in ms. KEYS: 1 lock (holder token, with a lease), 2 last (when the
# previous request ended), 3 waiters (sorted set: arrival -> token), 4 epoch (absent on a new or restarted
# Redis). ARGV: 1 token, 2 delay µs, 3 lease ms, 4 poll µs, 5 prefix of the waiters' alive keys, 6 quiet µs.
# The acquire script returns 0 (the slot is the caller's) or how many µs to sleep before asking again.
_ACQUIRE = """
local function int(x) return string.format('%d', x) end  -- Lua would write 1.7e15 with 14 digits
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local token, delay, lease, poll = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('EXISTS', KEYS[4]) == 0 then
  -- A new or restarted Redis: a request may be in flight whose lock was lost. Its holder puts the lock back
  -- within one renewal; until then nobody starts (the quiet period), and the pace counts from its end.
  redis.call('SET', KEYS[4], int(now))
  local last = tonumber(redis.call('GET', KEYS[2]) or '0')
  local quiet_end = now + tonumber(ARGV[6]) - delay
  if quiet_end > last then
    redis.call('SET', KEYS[2], int(quiet_end), 'PX', 60000 + math.ceil((quiet_end - now) / 1000))
  end
end
if not redis.call('ZSCORE', KEYS[3], token) then redis.call('ZADD', KEYS[3], int(now), token) end
redis.call('PEXPIRE', KEYS[3], 3600000)
local first = nil
while true do
  local head = redis.call('ZRANGE', KEYS[3], 0, 0)
  if #head == 0 then break end
  if head[1] == token or redis.call('EXISTS', ARGV[5] .. head[1]) == 1 then first = head[1] break end
  redis.call('ZREM', KEYS[3], head[1])  -- a waiter that stopped asking (its process died)
end
local wait
if redis.call('EXISTS', KEYS[1]) == 1 then
  wait = math.max(delay, poll)  -- the next request starts at least `delay` after the running one ends
else
  local ready = tonumber(redis.call('GET', KEYS[2]) or '0') + delay - now
  if first ~= token then
    wait = math.max(ready, poll)
  elseif ready > 0 then
    wait = ready
  else
    redis.call('SET', KEYS[1], token, 'PX', lease)
    redis.call('ZREM', KEYS[3], token)
    redis.call('DEL', ARGV[5] .. token)
    return 0
  end
end
redis.call('SET', ARGV[5] .. token, '1', 'PX', math.ceil(wait / 1000) + 2000)
return math.ceil(wait)
"""

# KEYS: 1 lock, 2 last. ARGV: 1 token, 2 ms to keep `last`.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local function int(x) return string.format('%d', x) end  -- Lua would write 1.7e15 with 14 digits
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if now > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], int(now), 'PX', ARGV[2]) end
return 1
"""

# KEYS: 1 lock. ARGV: 1 token, 2 lease ms. The holder keeps its lease, and puts the lock back after a restart.
_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0
"""


class RedisGate:
    """The gate shared through Redis by every process on every machine of a deployment (README "Deploying for
    a group"): one request at a time, each starting at least `delay` seconds after the previous one ended.

    The holder's lock has a lease (`lease` seconds, longer than any request) renewed every `renew` seconds
    while the request runs, so a holder that crashed blocks the others for one lease at most and a long
    request keeps its lock. Waiters queue by arrival and sleep until their turn can come (no busy loop).
    A Redis that is new or was restarted (its keys lost) lets nobody start for `quiet` seconds, longer than a
    renewal, so a request in flight puts its lock back first. Redis unreachable while waiting is a
    TransientError (the job retries later); after the request, a failed release only delays the next one."""

    def __init__(
        self,
        delay: float,
        client: redis.Redis,
        *,
        lease: float = 60.0,
        renew: float = 1.0,
        poll: float = 0.02,
        lock_timeout: float = 600.0,
        name: str = "arxiv",
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.delay = max(0.0, float(delay))
        self.lease = max(float(lease), self.delay + 3 * renew)
        self.renew = renew
        self.quiet = 2 * renew + 0.5
        self.poll = poll
        self.lock_timeout = lock_timeout
        from paperdrop.sync import shared

        self._errors, self._down = shared.REDIS_ERRORS, shared.redis_down
        self._client = client
        base = f"{shared.PREFIX}gate:{name}:"
        self._keys = [base + "lock", base + "last", base + "waiters", base + "epoch"]
        self._alive = base + "alive:"
        self._acquire: Any = client.register_script(_ACQUIRE)
        self._release: Any = client.register_script(_RELEASE)
        self._renew: Any = client.register_script(_RENEW)
        self._sleep = sleep

    @contextmanager
    def slot(self) -> Iterator[None]:
        token = uuid.uuid4().hex
        self._wait_for_turn(token)
        stop = threading.Event()
        renewer = threading.Thread(target=self._keep, args=(token, stop), name="paperdrop-arxiv-lease", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            self._end(token)

    def _wait_for_turn(self, token: str) -> None:
        us = [int(self.delay * 1e6), int(self.lease * 1000), max(1, int(self.poll * 1e6))]
        args = [token, *us, self._alive, int(self.quiet * 1e6)]
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                wait = int(self._acquire(keys=self._keys, args=args))
            except self._errors as exc:
                raise self._down(exc, "waiting for the arXiv gate") from exc
            if wait <= 0:
                return
            if time.monotonic() + wait / 1e6 > deadline:
                raise TransientError(
                    "Timed out waiting for the arXiv gate: other PaperDrop workers hold it.", retry_after=self.delay
                )
            self._sleep(wait / 1e6 + random.uniform(0.0, JITTER))  # waiters woken together do not ask at once

    def _keep(self, token: str, stop: threading.Event) -> None:
        while not stop.wait(self.renew):
            try:
                self._renew(keys=self._keys[:1], args=[token, int(self.lease * 1000)])
            except self._errors:
                log.warning("could not renew the arXiv gate's lease in Redis; trying again", exc_info=True)

    def _end(self, token: str) -> None:
        try:
            self._release(keys=self._keys[:2], args=[token, int((self.delay + 60) * 1000)])
        except self._errors:
            # The lock runs out with its lease, later than `delay` after this request ended: the pace holds.
            log.warning("could not release the arXiv gate in Redis; its lease runs out instead", exc_info=True)
