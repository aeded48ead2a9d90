"""Clip intake: store what pages say, idempotent per (paper, target), in the caller's transaction.

This is the hot path of `POST /clips`, so it uses SQLAlchemy Core (one select, one multi-row insert) rather
than ORM objects: it keeps a save under two milliseconds on a small machine.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from paperdrop.server.store import lifecycle
from paperdrop.server.store.leases import free_condition
from paperdrop.server.store.models import Clip, ClipState, Delivery, DeliveryState, utcnow
from paperdrop.sync.ids import normalize_arxiv_id
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import TargetSpec
from paperdrop.sync.text import collapse_whitespace, normalize_title

# ClipInput's fields are Clip's columns of the same name: what a page says is declared once (sync.records).
INPUT_FIELDS = tuple(f.name for f in fields(ClipInput))


@dataclass(frozen=True)
class StoredClip:
    id: int
    status: str
    paper_id: int | None
    duplicate: bool  # this paper was already clipped for this target (or earlier in the same call)
    reopened: bool = False  # saved before, and saving again restarted work (a retry, or a check of the copy)


def dedupe_key(clip: ClipInput) -> str:
    """Same arXiv id, or (without an id) the same normalized title, means the same paper."""
    arxiv_id = normalize_arxiv_id(clip.arxiv_id) if clip.arxiv_id else None
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return f"title:{normalize_title(clip.title or '')}"


def store_clips(session: Session, inputs: list[ClipInput], target: TargetSpec) -> list[StoredClip]:
    """Store every clip, or find the one stored before, and return them in input order. Saving a paper again is
    asking again (see `_save_again`). Runs inside the caller's transaction; the caller enqueues after the
    commit."""
    spec = str(target)
    keys = [dedupe_key(c) for c in inputs]
    table = Clip.__table__
    assert isinstance(table, Table)
    conn = session.connection()  # Core statements on the session's connection: same transaction, no ORM cost
    rows = conn.execute(
        select(table.c.id, table.c.dedupe_key, table.c.status, table.c.paper_id).where(
            table.c.target == spec, table.c.dedupe_key.in_(set(keys))
        )
    ).all()
    known = {r.dedupe_key: (r.id, r.status, r.paper_id) for r in rows}
    fresh: dict[str, dict[str, Any]] = {}
    for clip, key in zip(inputs, keys, strict=True):
        if key not in known and key not in fresh:
            fresh[key] = _values(clip, key, spec)
    if fresh:
        # ON CONFLICT DO NOTHING: another process (a second web process on PostgreSQL) may store the same paper
        # for the same target at the same moment; its row is then read back below, as if found above.
        upsert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
        statement = upsert(table).on_conflict_do_nothing(index_elements=[table.c.target, table.c.dedupe_key])
        inserted = conn.execute(statement.returning(table.c.id, table.c.dedupe_key), list(fresh.values()))
        for row in inserted:
            known[row.dedupe_key] = (row.id, ClipState.RECEIVED, None)
        raced = [key for key in fresh if key not in known]
        if raced:
            found = conn.execute(
                select(table.c.id, table.c.dedupe_key, table.c.status, table.c.paper_id).where(
                    table.c.target == spec, table.c.dedupe_key.in_(raced)
                )
            ).all()
            rows = [*rows, *found]
            for r in found:
                known[r.dedupe_key] = (r.id, r.status, r.paper_id)
                del fresh[r.dedupe_key]
    reopened = _save_again(session, [r.id for r in rows], spec) if rows else set()
    seen: set[str] = set()
    result = []
    for key in keys:
        clip_id, status, paper_id = known[key]
        again = clip_id in reopened
        status = ClipState.RECEIVED if again and status == ClipState.FAILED else status
        result.append(StoredClip(clip_id, status, paper_id, key in seen or key not in fresh, again))
        seen.add(key)
    return result


def _save_again(session: Session, clip_ids: list[int], target: str) -> set[int]:
    """Saving a paper again asks again: a failed clip is resolved again, its failed or setup-waiting delivery
    to `target` is tried again, and a delivered one is checked at the target (written again if the copy is
    gone). Returns the ids of the clips whose work restarted."""
    again = set()
    for clip in session.scalars(select(Clip).where(Clip.id.in_(clip_ids), Clip.status == ClipState.FAILED)):
        lifecycle.clip_reopened(clip)
        again.add(clip.id)
    theirs = (
        select(Delivery, Clip.id)
        .join(Clip, (Clip.paper_id == Delivery.paper_id) & (Clip.target == Delivery.target))
        .where(Clip.id.in_(clip_ids), Delivery.target == target, free_condition(Delivery))
    )
    for delivery, clip_id in session.execute(theirs):
        if delivery.state in (DeliveryState.FAILED, DeliveryState.WAITING_FOR_SETUP):
            lifecycle.delivery_reopened(delivery)
            again.add(clip_id)
        elif lifecycle.delivery_recheck(delivery):
            again.add(clip_id)
    return again


def _values(clip: ClipInput, key: str, target: str) -> dict[str, Any]:
    now = utcnow()
    values: dict[str, Any] = {name: getattr(clip, name) for name in INPUT_FIELDS}
    values["arxiv_version"] = values.pop("version")
    values.update(
        status=ClipState.RECEIVED,
        target=target,
        dedupe_key=key,
        arxiv_id=key.removeprefix("arxiv:") if key.startswith("arxiv:") else None,
        title=collapse_whitespace(clip.title) or None,
        authors=list(clip.authors or []),
        extra=dict(clip.extra or {}),
        candidates=[],
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    return values
