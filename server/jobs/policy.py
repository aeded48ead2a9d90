"""The retry policy of jobs: how long a clip or delivery waits before its next attempt, and when it fails.

One owner per retry (docs/design.md "Principles"): short retries of one HTTP call live in `sync/` (tenacity);
this policy is for the long retries of a job, kept as the row's next attempt time in the store.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Long retries of a job: `base` seconds, doubling per attempt, capped at `maximum`; after
    `max_attempts` the row is failed."""

    base: float = 60.0
    maximum: float = 6 * 3600.0
    max_attempts: int = 10

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds before attempt number `attempts + 1`: doubling from `base`, with jitter so many rows
        failing together do not retry together, never sooner than the service's `Retry-After`."""
        backoff = self.base * 2 ** max(attempts - 1, 0) * random.uniform(0.85, 1.15)
        return max(min(backoff, self.maximum), retry_after or 0.0)

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
