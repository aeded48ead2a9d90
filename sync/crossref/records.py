"""A Crossref work (the `message` of `GET /works/<doi>`) as a `Publication`: the venue fields only.

Crossref's field names and date format are in its API format document (docs/reference.md "Crossref REST API").
`posted-content` is a preprint server's record, not a published version, so it gives no publication.
"""

from __future__ import annotations

from typing import Any

from paperdrop.sync.records import Publication
from paperdrop.sync.text import collapse_whitespace

NOT_PUBLISHED = ("posted-content", "peer-review", "dataset", "component", "grant")
# Dates in order of preference: `published` is the earliest of print and online; `issued` is its older name.
_DATE_FIELDS = ("published", "issued", "published-print", "published-online")


def to_publication(message: dict[str, Any]) -> Publication | None:
    """The publication a work describes; None for a work that is not a published version of a paper."""
    kind = str(message.get("type") or "")
    doi = str(message.get("DOI") or "").strip()
    if not doi or not kind or kind in NOT_PUBLISHED:
        return None
    return Publication(
        doi=doi,
        type=kind,
        container_title=_first(message.get("container-title")),
        volume=_text(message.get("volume")),
        issue=_text(message.get("issue")),
        pages=_text(message.get("page")) or _text(message.get("article-number")),
        date=_date(message),
        issn=[str(i) for i in message.get("ISSN") or [] if i],
        publisher=_text(message.get("publisher")),
        event=_text((message.get("event") or {}).get("name")),
        short_container_title=_first(message.get("short-container-title")),
    )


def _date(message: dict[str, Any]) -> str | None:
    """`{"date-parts": [[2024, 5, 17]]}` -> "2024-05-17"; year-only and year-month dates stay as precise."""
    for name in _DATE_FIELDS:
        parts = ((message.get(name) or {}).get("date-parts") or [[]])[0]
        numbers = [int(p) for p in parts if p is not None]
        if numbers:
            return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:3])])
    return None


def _first(values: Any) -> str | None:
    for value in values or []:
        text = collapse_whitespace(str(value))
        if text:
            return text
    return None


def _text(value: Any) -> str | None:
    text = collapse_whitespace(str(value)) if value is not None else ""
    return text or None
