"""Papers in the store: the row of one arXiv paper from its record and back, and the paper cache."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paperdrop.server.store.db import race_safe
from paperdrop.server.store.models import Paper, utcnow
from paperdrop.sync.arxiv import paper_changes
from paperdrop.sync.records import PaperRecord, Publication
from paperdrop.sync.text import normalize_title

# PaperRecord's fields are Paper's columns of the same name: the record is declared once (sync.records).
# `publication` comes from Crossref, not from arXiv records: it is set on its own (set_publication).
RECORD_FIELDS = tuple(f.name for f in fields(PaperRecord) if f.name != "publication")


def to_record(paper: Paper) -> PaperRecord:
    values: dict[str, Any] = {name: getattr(paper, name) for name in RECORD_FIELDS}
    values["publication"] = Publication(**paper.publication) if paper.publication else None
    values["published"] = paper.published or paper.created_at
    values["updated"] = paper.updated or values["published"]
    values["primary_category"] = paper.primary_category or ""
    values["authors"], values["categories"] = list(paper.authors), list(paper.categories)
    return PaperRecord(**values)


def upsert_paper(session: Session, record: PaperRecord) -> tuple[Paper, bool]:
    """Insert or refresh the paper for `record`. Returns (paper, changed) where `changed` means a tracked field
    differs from what was stored (so delivered copies need an update)."""
    paper = session.scalar(select(Paper).where(Paper.arxiv_id == record.arxiv_id))
    now = utcnow()
    inserted = False
    if paper is None:
        paper, inserted = _insert_paper(session, record)
    # a new version, publisher DOI or journal ref makes delivered copies stale (sync.arxiv decides which)
    changed = not inserted and bool(paper_changes(to_record(paper), record))
    for name in RECORD_FIELDS:
        value = getattr(record, name)
        setattr(paper, name, list(value) if isinstance(value, list) else value)
    paper.title_norm = normalize_title(record.title)
    paper.fetched_at = now
    if changed:
        paper.changed_at = now
    session.flush()
    return paper, changed


def _insert_paper(session: Session, record: PaperRecord) -> tuple[Paper, bool]:
    """A new row for `record` (True), or the row another worker inserted meanwhile (False; PostgreSQL runs
    workers side by side)."""
    paper = Paper(arxiv_id=record.arxiv_id, created_at=utcnow())
    try:
        with race_safe(session):
            for name in RECORD_FIELDS:
                value = getattr(record, name)
                setattr(paper, name, list(value) if isinstance(value, list) else value)
            paper.title_norm = normalize_title(record.title)
            session.add(paper)
            session.flush()
    except IntegrityError:
        found = session.scalar(select(Paper).where(Paper.arxiv_id == record.arxiv_id))
        if found is None:
            raise
        return found, False
    return paper, True


def set_publication(paper: Paper, publication: Publication | None) -> bool:
    """Record the published version Crossref describes; True when it differs from what was stored."""
    value = asdict(publication) if publication is not None else None
    if value == paper.publication:
        return False
    paper.publication = value
    return True


def fresh_papers(session: Session, arxiv_ids: list[str], max_age_hours: float) -> dict[str, Paper]:
    """Stored papers fetched recently enough to reuse without asking arXiv (arXiv changes once a day)."""
    if not arxiv_ids:
        return {}
    cutoff = utcnow() - timedelta(hours=max_age_hours)
    rows = session.scalars(select(Paper).where(Paper.arxiv_id.in_(set(arxiv_ids)), Paper.fetched_at >= cutoff))
    return {p.arxiv_id: p for p in rows}
