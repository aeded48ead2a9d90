"""What this process is waiting for right now (a throttle, a busy file), for a person watching a progress bar.

Jobs and the arXiv client report their pauses here (`Runtime.activity`); `paperdrop import --wait` shows the
current one as its progress bar's label, so a bar that does not move says why.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Activity:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._what: str | None = None
        self._until = 0.0

    def waiting(self, what: str, seconds: float) -> None:
        """`what` (a few words: "Zotero asked for a pause") keeps this process waiting for `seconds`."""
        with self._lock:
            self._what, self._until = what, self._clock() + seconds

    def current(self) -> str | None:
        """The pause under way, with the seconds left: "arXiv asked for a pause (4 s left)"; None if none."""
        with self._lock:
            left = self._until - self._clock()
            if self._what is None or left <= 0:
                return None
            return f"{self._what} ({max(1, round(left))} s left)"

    def sleeper(self, what: str, sleep: Callable[[float], None] = time.sleep) -> Callable[[float], None]:
        """A `sleep` that reports itself: for clients that pause on their own (arXiv's short retries)."""

        def reported_sleep(seconds: float) -> None:
            if seconds > 0:
                self.waiting(what, seconds)
            sleep(seconds)

        return reported_sleep
