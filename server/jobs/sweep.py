"""The sweep: find due work in the store and enqueue it. It makes the queue disposable: a lost message, a
crashed worker or a restart only delays work until the next sweep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from paperdrop.server.jobs.deliver import has_work
from paperdrop.server.jobs.resolve import BATCH
from paperdrop.server.store import leases
from paperdrop.server.store.leases import due_condition
from paperdrop.server.store.models import CLIP_OPEN, Clip, Delivery, utcnow

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime

MAX_CLIPS_PER_SWEEP = 10_000  # the rest waits for the next sweep


@dataclass
class SweepReport:
    clips: int
    targets: list[str]


def due_clip_ids(session: Session, limit: int = MAX_CLIPS_PER_SWEEP) -> list[int]:
    stmt = select(Clip.id).where(Clip.status.in_(CLIP_OPEN), due_condition(Clip, utcnow())).order_by(Clip.id)
    return list(session.scalars(stmt.limit(limit)))


def due_targets(session: Session) -> list[str]:
    stmt = select(Delivery.target).distinct().where(has_work(), due_condition(Delivery, utcnow()))
    return sorted(session.scalars(stmt))


def sweep(rt: Runtime) -> SweepReport:
    with rt.db.session() as session:  # leases of processes that died on this machine end now
        leases.reap(session, Clip)
        leases.reap(session, Delivery)
    with rt.db.reading() as session:
        clip_ids = due_clip_ids(session)
        targets = due_targets(session)
    for start in range(0, len(clip_ids), BATCH):  # one resolve job per batch it can claim
        rt.queue.enqueue_resolve(clip_ids[start : start + BATCH])
    rt.queue.enqueue_deliver_many(targets)
    return SweepReport(len(clip_ids), targets)
