"""Reading Zotero's per-object answer to a multi-object write, one object at a time.

A 200 only means "no general error": each object is in `successful`/`success`, `unchanged` or `failed` with
its own code (docs/reference.md "Writes"), and pyzotero does not raise on per-object failures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from paperdrop.sync.zotero.client import MAX_OBJECTS_PER_WRITE

T = TypeVar("T")


@dataclass
class ObjectResult:
    """`ok`: written or unchanged; otherwise `code` and `message` from `failed`."""

    ok: bool
    code: int | None = None
    message: str | None = None
    obj: dict[str, Any] | None = None  # the full object Zotero stored, for the index

    @property
    def exists(self) -> bool:
        """A keyed `version: 0` create answered 412: the object is already there."""
        return self.code == 412

    @property
    def permanent(self) -> bool:
        return self.code in (400, 413)


def read_results(answer: dict[str, Any], count: int) -> list[ObjectResult]:
    successful = answer.get("successful") or {}
    success = answer.get("success") or {}
    unchanged = answer.get("unchanged") or {}
    failed = answer.get("failed") or {}
    results = []
    for index in map(str, range(count)):
        if index in successful or index in success or index in unchanged:
            results.append(ObjectResult(True, obj=successful.get(index)))
        elif index in failed:
            failure = failed[index] or {}
            results.append(ObjectResult(False, _code(failure.get("code")), str(failure.get("message") or "")))
        else:  # Zotero did not mention the object: treat it as not written, retry later
            results.append(ObjectResult(False, None, "Zotero's answer did not mention this object"))
    return results


def batches(values: list[T], size: int = MAX_OBJECTS_PER_WRITE) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _code(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
