"""Conversion of the `arxiv` package's `Result` (one Atom entry) into PaperDrop's `PaperRecord`."""

from __future__ import annotations

import re

import arxiv

from paperdrop.sync.ids import abs_url, parse_arxiv_id
from paperdrop.sync.records import PaperRecord
from paperdrop.sync.text import collapse_whitespace


def to_paper_record(result: arxiv.Result) -> PaperRecord:
    """Every field the entry offers; the entry id is always versioned (`.../abs/<id>vN`)."""
    parsed = parse_arxiv_id(result.get_short_id())
    if parsed is None:
        raise ValueError(f"arXiv entry with an unexpected id: {result.entry_id}")
    return PaperRecord(
        arxiv_id=parsed.id,
        version=parsed.version or 1,
        title=collapse_whitespace(result.title),
        authors=[collapse_whitespace(a.name) for a in result.authors],
        abstract=collapse_whitespace(result.summary),
        published=result.published,
        updated=result.updated,
        primary_category=result.primary_category or (result.categories[0] if result.categories else ""),
        categories=list(dict.fromkeys(result.categories)),
        comment=collapse_whitespace(result.comment) or None,
        journal_ref=collapse_whitespace(result.journal_ref) or None,
        doi=_publisher_doi(result.doi),
        pdf_url=_https(result.pdf_url) or f"https://arxiv.org/pdf/{parsed.id}v{parsed.version or 1}",
        abs_url=abs_url(parsed.id),
    )


TRACKED_FIELDS = ("version", "doi", "journal_ref")  # a change re-queues deliveries as updates


def paper_changes(old: PaperRecord, new: PaperRecord) -> dict[str, tuple[object, object]]:
    """What a refresh found changed, field -> (old, new), among the fields worth re-delivering for."""
    return {f: (getattr(old, f), getattr(new, f)) for f in TRACKED_FIELDS if getattr(old, f) != getattr(new, f)}


def _publisher_doi(value: str | None) -> str | None:
    """`<arxiv:doi>` is the bare publisher DOI; a DataCite 10.48550 DOI is derived, never stored."""
    doi = collapse_whitespace(value)
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    if not doi or doi.lower().startswith("10.48550/"):
        return None
    return doi


def _https(url: str | None) -> str | None:
    return re.sub(r"^http://", "https://", url) if url else None
