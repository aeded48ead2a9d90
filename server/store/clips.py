"""Clip intake: store what pages say, idempotent per (paper, target), in the caller's transaction.

This is the hot path of `POST /clips`, so it uses SQLAlchemy Core (one select, one multi-row insert) rather
than ORM objects: it keeps a save under two milliseconds on a small machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from paperdrop.server.services.requeue import retry_failed
from paperdrop.server.store.models import CLIP_RECEIVED, Clip, utcnow
from paperdrop.sync.ids import normalize_arxiv_id
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import TargetSpec
from paperdrop.sync.text import collapse_whitespace, normalize_title
from sqlalchemy import insert, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class StoredClip:
    id: int
    status: str
    paper_id: int | None
    duplicate: bool  # this paper was already clipped for this target (or earlier in the same call)


def dedupe_key(clip: ClipInput) -> str:
    """Same arXiv id, or (without an id) the same normalized title, means the same paper."""
    arxiv_id = normalize_arxiv_id(clip.arxiv_id) if clip.arxiv_id else None
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return f"title:{normalize_title(clip.title or '')}"


def store_clips(session: Session, inputs: list[ClipInput], target: TargetSpec) -> list[StoredClip]:
    """Store every clip, or find the one stored before, and return them in input order. Saving a paper
    again whose clip or delivery failed is asking to try again: failures among the duplicates are reopened
    (server.retry.retry_failed). Runs inside the caller's transaction; the caller enqueues after the commit."""
    spec = str(target)
    keys = [dedupe_key(c) for c in inputs]
    table = Clip.__table__
    conn = session.connection()  # Core statements on the session's connection: same transaction, no ORM cost
    rows = conn.execute(
        select(table.c.id, table.c.dedupe_key, table.c.status, table.c.paper_id).where(
            table.c.target == spec, table.c.dedupe_key.in_(set(keys))
        )
    ).all()
    known = {r.dedupe_key: [r.id, r.status, r.paper_id] for r in rows}
    fresh: dict[str, dict] = {}
    for clip, key in zip(inputs, keys, strict=True):
        if key not in known and key not in fresh:
            fresh[key] = _values(clip, key, spec)
    if fresh:
        inserted = conn.execute(insert(table).returning(table.c.id, table.c.dedupe_key), list(fresh.values()))
        for row in inserted:
            known[row.dedupe_key] = [row.id, CLIP_RECEIVED, None]
    reopened: list[int] = []
    if rows:
        reopened, _ = retry_failed(session, [r.id for r in rows])
    seen: set[str] = set()
    result = []
    for key in keys:
        clip_id, status, paper_id = known[key]
        status = CLIP_RECEIVED if clip_id in reopened else status
        result.append(StoredClip(clip_id, status, paper_id, duplicate=key in seen or key not in fresh))
        seen.add(key)
    return result


def _values(clip: ClipInput, key: str, target: str) -> dict:
    now = utcnow()
    return {
        "status": CLIP_RECEIVED,
        "target": target,
        "dedupe_key": key,
        "arxiv_id": key.removeprefix("arxiv:") if key.startswith("arxiv:") else None,
        "title": collapse_whitespace(clip.title) or None,
        "url": clip.url,
        "abstract": clip.abstract,
        "authors": list(clip.authors or []),
        "source_url": clip.source_url,
        "source_site": clip.source_site,
        "extra": dict(clip.extra or {}),
        "candidates": [],
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
