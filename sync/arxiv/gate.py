"""The one gate every arXiv request of a deployment passes through: a cross-process lock plus shared pacing.

arXiv's terms of use ask for at most one request every 3 seconds and one connection at a time, for all
machines of a deployment together (docs/reference.md, "Terms of use"). Every worker process of one
deployment shares `state_dir`, so a file lock there serializes the requests and a timestamp file there keeps
the pace across processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from paperdrop.sync.errors import ConfigurationError, TransientError

LOCK_NAME = "arxiv.lock"
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
