"""Library queries shared by the API, the dashboard and the CLI: papers with filters, counts, failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from paperdrop.server.store.models import Clip, ClipState, Delivery, DeliveryState, Paper
from paperdrop.sync.text import normalize_title

PAPER_STATES = tuple(DeliveryState)
MAX_QUERY_CHARS = 200  # a paper's state filter matches any of its deliveries


@dataclass
class PaperQuery:
    state: str | None = None  # a DeliveryState
    target: str | None = None
    q: str | None = None  # words of the title, an author, or an arXiv id
    page: int = 1
    per_page: int = 50


def _filtered(query: PaperQuery) -> Select[Any]:
    stmt = select(Paper.id)
    if query.state or query.target:
        stmt = stmt.join(Delivery, Delivery.paper_id == Paper.id)
        if query.state:
            stmt = stmt.where(Delivery.state == query.state)
        if query.target:
            stmt = stmt.where(Delivery.target == query.target)
    if query.q:
        text = query.q.strip()[:MAX_QUERY_CHARS]  # a search is a few words; a huge LIKE pattern is refused by SQLite
        phrase = normalize_title(text)
        conditions = [Paper.arxiv_id == text, func.lower(cast(Paper.authors, String)).contains(text.lower())]
        if phrase:
            conditions.append(Paper.title_norm.contains(phrase))
        stmt = stmt.where(or_(*conditions))
    return stmt.distinct()


def list_papers(session: Session, query: PaperQuery) -> tuple[list[Paper], int]:
    """One page of papers, newest first, with their deliveries loaded; and the total count."""
    ids = _filtered(query).subquery()
    total = session.scalar(select(func.count()).select_from(ids)) or 0
    stmt = (
        select(Paper)
        .where(Paper.id.in_(select(ids.c.id)))
        .options(selectinload(Paper.deliveries))
        .order_by(Paper.created_at.desc(), Paper.id.desc())
        .limit(query.per_page)
        .offset((max(query.page, 1) - 1) * query.per_page)
    )
    return list(session.scalars(stmt)), total


def clip_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Clip.status, func.count()).group_by(Clip.status)).all()
    counts: dict[str, int] = {s: 0 for s in ClipState}
    counts.update(dict(rows))
    return counts


def delivery_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
    counts: dict[str, int] = {s: 0 for s in DeliveryState}
    counts.update(dict(rows))
    return counts


def failures(session: Session, limit: int = 50) -> tuple[list[Clip], list[Delivery]]:
    clips = session.scalars(select(Clip).where(Clip.status == ClipState.FAILED).order_by(Clip.id.desc()).limit(limit))
    deliveries = session.scalars(
        select(Delivery)
        .options(selectinload(Delivery.paper))
        .where(Delivery.state == DeliveryState.FAILED)
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    return list(clips), list(deliveries)


def waiting(session: Session, limit: int = 50) -> list[Delivery]:
    return list(
        session.scalars(
            select(Delivery).where(Delivery.state == DeliveryState.WAITING_FOR_SETUP).order_by(Delivery.id).limit(limit)
        )
    )


@dataclass(frozen=True)
class MissingCopies:
    """Copies PaperDrop wrote to `target` that are no longer there (deleted from the .bib, from Zotero)."""

    target: str
    count: int
    deliveries: list[Delivery]  # the first few, newest noticed first, with their papers

    @property
    def sentence(self) -> str:
        """ "12 papers saved to refs.bib are no longer in it"."""
        from paperdrop.server.services.outcome import target_label

        papers = "1 paper saved" if self.count == 1 else f"{self.count} papers saved"
        verb = "is" if self.count == 1 else "are"
        return f"{papers} to {target_label(self.target)} {verb} no longer in it"


def missing_copies(session: Session, shown: int = 10) -> list[MissingCopies]:
    """Per target, the copies noticed missing (docs/design.md "Missing copies"): shown, never written back
    unasked; `requeue.retry_missing` writes them again."""
    missing = and_(Delivery.state == DeliveryState.DELIVERED, Delivery.missing_at.isnot(None))
    counts = session.execute(
        select(Delivery.target, func.count()).where(missing).group_by(Delivery.target).order_by(Delivery.target)
    ).all()
    found = []
    for target, count in counts:
        if not shown:
            found.append(MissingCopies(target, count, []))
            continue
        first = session.scalars(
            select(Delivery)
            .options(selectinload(Delivery.paper))
            .where(missing, Delivery.target == target)
            .order_by(Delivery.missing_at.desc(), Delivery.id)
            .limit(shown)
        )
        found.append(MissingCopies(target, count, list(first)))
    return found


def paper_sources(session: Session, paper_ids: list[int]) -> dict[int, list[tuple[str | None, str | None]]]:
    """Where each paper was clipped from: (site, page URL) pairs in clip order, one per distinct pair."""
    sources: dict[int, list[tuple[str | None, str | None]]] = {pid: [] for pid in paper_ids}
    if not paper_ids:
        return sources
    rows = session.execute(
        select(Clip.paper_id, Clip.source_site, Clip.source_url).where(Clip.paper_id.in_(paper_ids)).order_by(Clip.id)
    )
    for paper_id, site, url in rows:
        if paper_id is not None and (site or url) and (site, url) not in sources[paper_id]:
            sources[paper_id].append((site, url))
    return sources


def review_clips(session: Session, limit: int = 100) -> tuple[list[Clip], int]:
    """Clips waiting for a person to choose their paper, oldest first; and how many there are."""
    where = Clip.status == ClipState.NEEDS_REVIEW
    total = session.scalar(select(func.count()).select_from(Clip).where(where)) or 0
    return list(session.scalars(select(Clip).where(where).order_by(Clip.id).limit(limit))), total


def failed_clips(session: Session, limit: int = 100) -> tuple[list[Clip], int]:
    """Clips that could not become papers (unknown id, nothing found, retry budget spent), newest first;
    and how many there are. They have no paper, so the library's paper filters never show them."""
    where = Clip.status == ClipState.FAILED
    total = session.scalar(select(func.count()).select_from(Clip).where(where)) or 0
    stmt = select(Clip).where(where).order_by(Clip.updated_at.desc(), Clip.id.desc()).limit(limit)
    return list(session.scalars(stmt)), total


def clips_with_delivery(session: Session, clip_ids: list[int]) -> list[tuple[Clip, Delivery | None]]:
    """Each clip (paper loaded) with its paper's delivery to the clip's target (None before it is resolved),
    in id order: what a clip's outcome is computed from."""
    stmt = (
        select(Clip, Delivery)
        .outerjoin(Delivery, (Delivery.paper_id == Clip.paper_id) & (Delivery.target == Clip.target))
        .options(selectinload(Clip.paper))
        .where(Clip.id.in_(clip_ids))
        .order_by(Clip.id)
    )
    return [(clip, delivery) for clip, delivery in session.execute(stmt)]


@dataclass
class Holding:
    """One paper of the library as a page lookup sees it: where it is now, and where it is on its way to."""

    arxiv_id: str
    paper_id: int
    saved: list[str]
    saving: list[str]


def holdings(session: Session, arxiv_ids: list[str]) -> list[Holding]:
    """Which of these papers PaperDrop has, and at which targets (one query; the extension asks per page).
    A copy noticed missing at its target is not counted as saved."""
    if not arxiv_ids:
        return []
    rows = session.execute(
        select(Paper.id, Paper.arxiv_id, Delivery.target, Delivery.state, Delivery.missing_at)
        .outerjoin(Delivery, Delivery.paper_id == Paper.id)
        .where(Paper.arxiv_id.in_(arxiv_ids))
        .order_by(Paper.id, Delivery.id)
    )
    found: dict[int, Holding] = {}
    for paper_id, arxiv_id, target, state, missing_at in rows:
        holding = found.setdefault(paper_id, Holding(arxiv_id, paper_id, [], []))
        if target is None:
            continue
        if state == DeliveryState.DELIVERED and missing_at is None:
            holding.saved.append(target)
        elif state in (DeliveryState.PENDING, DeliveryState.WAITING_FOR_SETUP):
            holding.saving.append(target)
    order = {arxiv_id: n for n, arxiv_id in enumerate(arxiv_ids)}
    return sorted(found.values(), key=lambda h: order[h.arxiv_id])
