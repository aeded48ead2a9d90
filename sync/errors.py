"""PaperDrop's own error classes: every integration translates lower-level failures into these."""

from __future__ import annotations


class PaperDropError(Exception):
    """Base class. `message` says what went wrong, `fix` how the user can fix it."""

    def __init__(self, message: str, *, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} {self.fix}" if self.fix else self.message


class TransientError(PaperDropError):
    """Worth retrying later: rate limits, outages, timeouts. `retry_after` in seconds when known."""

    def __init__(self, message: str, *, retry_after: float | None = None, fix: str | None = None):
        super().__init__(message, fix=fix)
        self.retry_after = retry_after


class ThrottledError(TransientError):
    """The service asked PaperDrop to wait `retry_after` seconds (429/503 with Retry-After, `Backoff`, a busy
    lock): a wait, never a failure. It spends no retry attempt, however long it lasts."""

    def __init__(self, message: str, *, retry_after: float, fix: str | None = None):
        super().__init__(message, retry_after=retry_after, fix=fix)
        self.retry_after: float = retry_after


class PermanentError(PaperDropError):
    """Retrying the same thing cannot succeed: bad data, an unknown id, a refused field."""


class ConfigurationError(PaperDropError):
    """The setup is wrong (missing key, no write access, unwritable path). Work waits, it does not fail,
    until the user fixes it; `fix` says how."""


class InputError(PaperDropError):
    """The caller gave us something we cannot use (malformed id, unparseable source)."""
