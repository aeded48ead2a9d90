"""Papers in the store: upsert from arXiv records, change detection, deliveries created per target."""

from __future__ import annotations

from datetime import timedelta

from paperdrop.server.store.models import DELIVERY_DELIVERED, DELIVERY_PENDING, Delivery, Paper, utcnow
from paperdrop.sync.arxiv import paper_changes
from paperdrop.sync.records import PaperRecord
from paperdrop.sync.text import normalize_title
from sqlalchemy import select
from sqlalchemy.orm import Session


def to_record(paper: Paper) -> PaperRecord:
    return PaperRecord(
        arxiv_id=paper.arxiv_id,
        version=paper.version,
        title=paper.title,
        authors=list(paper.authors),
        abstract=paper.abstract,
        published=paper.published or paper.created_at,
        updated=paper.updated or paper.published or paper.created_at,
        primary_category=paper.primary_category or "",
        categories=list(paper.categories),
        comment=paper.comment,
        journal_ref=paper.journal_ref,
        doi=paper.doi,
        pdf_url=paper.pdf_url,
        abs_url=paper.abs_url,
    )


def upsert_paper(session: Session, record: PaperRecord) -> tuple[Paper, bool]:
    """Insert or refresh the paper for `record`. Returns (paper, changed) where `changed` means a tracked field
    differs from what was stored (so delivered copies need an update)."""
    paper = session.scalar(select(Paper).where(Paper.arxiv_id == record.arxiv_id))
    now = utcnow()
    if paper is None:
        paper = Paper(arxiv_id=record.arxiv_id, created_at=now)
        session.add(paper)
        changed = False
    else:
        # a new version, publisher DOI or journal ref makes delivered copies stale (sync.arxiv decides which)
        changed = bool(paper_changes(to_record(paper), record))
    paper.version = record.version
    paper.title = record.title
    paper.title_norm = normalize_title(record.title)
    paper.authors = list(record.authors)
    paper.abstract = record.abstract
    paper.published, paper.updated = record.published, record.updated
    paper.primary_category, paper.categories = record.primary_category, list(record.categories)
    paper.comment, paper.journal_ref, paper.doi = record.comment, record.journal_ref, record.doi
    paper.pdf_url, paper.abs_url = record.pdf_url, record.abs_url
    paper.fetched_at = now
    if changed:
        paper.changed_at = now
    session.flush()
    return paper, changed


def fresh_papers(session: Session, arxiv_ids: list[str], max_age_hours: float) -> dict[str, Paper]:
    """Stored papers fetched recently enough to reuse without asking arXiv (arXiv changes once a day)."""
    if not arxiv_ids:
        return {}
    cutoff = utcnow() - timedelta(hours=max_age_hours)
    rows = session.scalars(select(Paper).where(Paper.arxiv_id.in_(set(arxiv_ids)), Paper.fetched_at >= cutoff))
    return {p.arxiv_id: p for p in rows}


def ensure_delivery(session: Session, paper: Paper, target: str) -> tuple[Delivery, bool]:
    """The delivery of `paper` to `target`, created pending when missing. Returns (delivery, created)."""
    delivery = session.scalar(select(Delivery).where(Delivery.paper_id == paper.id, Delivery.target == target))
    if delivery is not None:
        return delivery, False
    delivery = Delivery(paper_id=paper.id, target=target, state=DELIVERY_PENDING, attempts=0)
    session.add(delivery)
    session.flush()
    return delivery, True


def mark_for_update(session: Session, paper: Paper) -> list[str]:
    """Queue in-place updates of every delivered copy of `paper`; returns the affected targets."""
    targets = []
    for delivery in paper.deliveries:
        if delivery.state == DELIVERY_DELIVERED:
            delivery.needs_update = True
            delivery.next_attempt_at = None
            targets.append(delivery.target)
    return targets
