"""Leases: a job owns the rows it claimed until it finishes them or its lease runs out.

The database is the truth. A job claims rows by writing a lease (owner + expiry) in one UPDATE; a worker that
dies mid-job leaves the lease to expire, and the next sweep hands the row to another worker. Jobs only finish
rows they still own, so a slow worker whose lease was taken over cannot overwrite the new owner's result.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from paperdrop.server.store.models import Clip, Delivery, LeaseMixin, utcnow

if TYPE_CHECKING:
    from paperdrop.server.store.db import Database

Row = TypeVar("Row", Clip, Delivery)


def new_owner() -> str:
    return uuid.uuid4().hex


def due_condition(model: type[LeaseMixin], now: datetime) -> ColumnElement[bool]:
    return and_(or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now), free_condition(model, now))


def free_condition(model: type[LeaseMixin], now: datetime | None = None) -> ColumnElement[bool]:
    """Not owned by a job right now (never leased, released, or the lease ran out)."""
    return or_(model.lease_expires.is_(None), model.lease_expires < (now or utcnow()))


def claim(
    session: Session,
    model: type[Clip] | type[Delivery],
    where: ColumnElement[bool],
    *,
    owner: str,
    lease_seconds: float,
    limit: int,
    values: dict[str, Any] | None = None,
) -> list[int]:
    """Lease up to `limit` due rows matching `where` to `owner`; return their ids (oldest first)."""
    now = utcnow()
    free = free_condition(model, now)
    candidates = select(model.id).where(where, due_condition(model, now)).order_by(model.id).limit(limit)
    session.execute(
        update(model)
        .where(model.id.in_(candidates.scalar_subquery()), free)
        .values(lease_owner=owner, lease_expires=now + timedelta(seconds=lease_seconds), **(values or {}))
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(select(model.id).where(model.lease_owner == owner).order_by(model.id)))


def owned(
    session: Session,
    model: type[Row],
    ids: list[int],
    owner: str,
    *,
    lock: bool = True,
    options: list[ORMOption] | None = None,
) -> list[Row]:
    """The rows among `ids` that `owner` still holds; locked for this transaction where the backend can
    (`lock=False` for reading them in a read-only session)."""
    if not ids:
        return []
    stmt = select(model).where(model.id.in_(ids), model.lease_owner == owner).order_by(model.id)
    if options:
        stmt = stmt.options(*options)
    return list(session.scalars(stmt.with_for_update() if lock else stmt))


FINISH_CHUNK = 2  # rows finished per transaction: short write transactions keep clip intake responsive


def finish_owned(
    db: Database, model: type[Row], ids: list[int], owner: str, finish: Callable[[Session, Row], None]
) -> None:
    """Call `finish(row)` for each row among `ids` that `owner` still holds, committing every few rows so a
    big job never holds SQLite's single write lock for long."""
    for start in range(0, len(ids), FINISH_CHUNK):
        with db.session() as session:
            for row in owned(session, model, ids[start : start + FINISH_CHUNK], owner):
                finish(session, row)


def renew(session: Session, model: type[Clip] | type[Delivery], ids: list[int], owner: str, seconds: float) -> None:
    """Extend `owner`'s lease on `ids` by `seconds` from now: a job that waits (a throttle) or works long keeps
    its rows, instead of having a sweep hand them to another worker meanwhile."""
    session.execute(
        update(model)
        .where(model.id.in_(ids), model.lease_owner == owner)
        .values(lease_expires=utcnow() + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )


def release(row: LeaseMixin) -> None:
    row.lease_owner = None
    row.lease_expires = None
