"""What a clip says about its paper besides the title, as evidence for title matching.

Every piece counts (docs/design.md, "Never write a wrong paper"): authors, an abstract, the paper's date as the
page shows it, a year, the digest's own date and the categories a listing names. The parsers keep the dates and
categories in a clip's `extra` (`published_at`, `year`, `listed_on`, `categories`); this module reads them back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from paperdrop.sync.records import TitleQuery


def title_query(title: str, abstract: str | None, authors: list[str], extra: dict[str, Any]) -> TitleQuery:
    """The query for a clip known by its title; malformed extras are ignored, never trusted."""
    return TitleQuery(
        title=title,
        abstract=abstract,
        authors=list(authors),
        published=_date(extra.get("published_at")),
        year=_year(extra.get("year")),
        listed_on=_date(extra.get("listed_on")),
        categories=_categories(extra.get("categories")),
    )


def _categories(value: Any) -> list[str]:
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.fromisoformat(value[:10]).date()
    except ValueError:
        return None


def _year(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    else:
        return None
    return year if 1990 <= year <= 2100 else None
