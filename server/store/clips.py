"""Clip intake: store what pages say, idempotent per (paper, target), in the caller's transaction.

This is the hot path of `POST /clips`, so it uses SQLAlchemy Core (one multi-row insert for a whole group of
requests, and a select only for papers saved before) rather than ORM objects: it keeps a save under two
milliseconds on a small machine.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Table, select
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
    return store_group(session, [(inputs, target)])[0]


def store_group(session: Session, requests: list[tuple[list[ClipInput], TargetSpec]]) -> list[list[StoredClip]]:
    """`store_clips` for each request of a group, in one transaction, with the answers calling it once per
    request in turn would give: one INSERT for every paper of the whole group, whatever its size (the intake
    writer's group commit, server.store.intake), and one SELECT only for the papers stored before."""
    table = Clip.__table__
    assert isinstance(table, Table)
    conn = session.connection()  # Core statements on the session's connection: same transaction, no ORM cost
    keyed = [(inputs, str(target), [dedupe_key(c) for c in inputs]) for inputs, target in requests]
    first: dict[tuple[str, str], dict[str, Any]] = {}  # each paper of the group as its first request has it
    for inputs, spec, keys in keyed:
        for clip, key in zip(inputs, keys, strict=True):
            if (spec, key) not in first:
                first[(spec, key)] = _values(clip, key, spec)
    # Insert first: most saves are of new papers, and then this is the only statement. ON CONFLICT DO NOTHING
    # skips the papers stored before (or at this moment by another process, a second web process on
    # PostgreSQL), which are then read back. (PostgreSQL spends an id on each skipped row: ids have gaps.)
    upsert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    statement = upsert(table).on_conflict_do_nothing(index_elements=[table.c.target, table.c.dedupe_key])
    returning = statement.returning(table.c.id, table.c.target, table.c.dedupe_key)
    inserted = {(r.target, r.dedupe_key): r.id for r in conn.execute(returning, list(first.values()))} if first else {}
    skipped: dict[str, set[str]] = {}
    for spec, key in first:
        if (spec, key) not in inserted:
            skipped.setdefault(spec, set()).add(key)
    stored = _stored(conn, table, skipped)  # (target, key) -> (id, status, paper_id) of papers stored before
    answered: set[tuple[str, str]] = set()  # stored or answered earlier in this group
    results = []
    for _, spec, keys in keyed:
        before = {stored[(spec, k)][0] for k in keys if (spec, k) in stored}
        reopened = _save_again(session, sorted(before), spec) if before else set()
        result = []
        for key in keys:
            if (spec, key) in stored:
                clip_id, status, paper_id = stored[(spec, key)]
                again = clip_id in reopened
                status = ClipState.RECEIVED if again and status == ClipState.FAILED else status
                stored[(spec, key)] = (clip_id, status, paper_id)  # what a later request of the group finds
                result.append(StoredClip(clip_id, status, paper_id, True, again))
            else:
                result.append(StoredClip(inserted[(spec, key)], ClipState.RECEIVED, None, (spec, key) in answered))
            answered.add((spec, key))
        results.append(result)
    return results


LOOKUP_CHUNK = 1000  # keys per SELECT: far below SQLite's limit on parameters (32766)


def _stored(conn: Connection, table: Table, wanted: dict[str, set[str]]) -> dict[tuple[str, str], tuple]:
    found = {}
    for spec, keys in wanted.items():
        ordered = sorted(keys)
        for start in range(0, len(ordered), LOOKUP_CHUNK):
            rows = conn.execute(
                select(table.c.id, table.c.dedupe_key, table.c.status, table.c.paper_id).where(
                    table.c.target == spec, table.c.dedupe_key.in_(ordered[start : start + LOOKUP_CHUNK])
                )
            )
            found.update({(spec, r.dedupe_key): (r.id, r.status, r.paper_id) for r in rows})
    return found


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
