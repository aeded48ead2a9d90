"""Leases: a job owns the rows it claimed until it finishes them or its lease runs out.

The database is the truth. A job claims rows by writing a lease (owner + expiry) in one UPDATE; a worker that
dies mid-job leaves the lease to expire, and the next sweep hands the row to another worker. Jobs only finish
rows they still own, so a slow worker whose lease was taken over cannot overwrite the new owner's result.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from paperdrop.server.store.models import Clip, Delivery, LeaseMixin, utcnow

if TYPE_CHECKING:
    from paperdrop.server.store.db import Database

Row = TypeVar("Row", Clip, Delivery)
log = logging.getLogger(__name__)


HOST = socket.gethostname()


def new_owner() -> str:
    """`host:pid:random`: unique per job, and telling which process on which machine holds a lease, so a lease
    of a process that is provably gone (same host, no such pid) can be taken over at once (`reap`)."""
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def owner_alive(owner: str | None) -> bool:
    """False only when the owner ran on this host and its process no longer exists."""
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != HOST or not pid.isdigit():
        return True  # another machine (or an old-style owner): only its lease expiry can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap(session: Session, model: type[Clip] | type[Delivery]) -> int:
    """Release leases whose owner is provably dead (a killed `import --wait` or worker on this machine), so
    their rows are taken over now rather than when the lease runs out. Returns how many rows were freed."""
    now = utcnow()
    owners = session.scalars(select(model.lease_owner).distinct().where(model.lease_expires > now))
    dead = [owner for owner in owners if owner and not owner_alive(owner)]
    if not dead:
        return 0
    result = session.execute(
        update(model)
        .where(model.lease_owner.in_(dead))
        .values(lease_owner=None, lease_expires=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@contextmanager
def heartbeat(
    db: Database, model: type[Clip] | type[Delivery], ids: list[int], owner: str, seconds: float
) -> Iterator[None]:
    """Keep `owner`'s lease on `ids` alive while the block runs (renewed every third of the lease): a job that
    makes progress keeps its rows however long it takes, and a crashed one lets them go when the lease ends."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(seconds / 3):
            try:
                with db.session() as session:
                    renew(session, model, ids, owner, seconds)
            except Exception:  # the store is briefly unavailable: the next beat tries again
                log.warning("could not renew a lease", exc_info=True)

    thread = threading.Thread(target=beat, name="paperdrop-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


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
    """Lease up to `limit` due rows matching `where` to `owner`; return their ids (oldest first).

    On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED: workers claiming at the same time
    each take rows the others are not taking, instead of queueing on the same rows and coming back empty.
    (SQLite has one writer at a time and ignores the clause.) The UPDATE checks the lease is still free."""
    now = utcnow()
    free = free_condition(model, now)
    candidates = (
        select(model.id)
        .where(where, due_condition(model, now))
        .order_by(model.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=model)
    )
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
