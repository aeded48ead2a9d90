"""The sweep: find due work in the store and enqueue it. It makes the queue disposable: a lost message, a
crashed worker or a restart only delays work until the next sweep."""

from __future__ import annotations

from dataclasses import dataclass

from paperdrop.server.jobs.deliver import due_deliveries_condition
from paperdrop.server.store.leases import due_condition
from paperdrop.server.store.models import CLIP_OPEN, DELIVERY_DELIVERED, DELIVERY_PENDING, Clip, Delivery, utcnow
from sqlalchemy import select


@dataclass
class SweepReport:
    clips: int
    targets: list[str]


def due_clip_ids(session, limit: int = 10_000) -> list[int]:
    stmt = select(Clip.id).where(Clip.status.in_(CLIP_OPEN), due_condition(Clip, utcnow())).order_by(Clip.id)
    return list(session.scalars(stmt.limit(limit)))


def due_targets(session) -> list[str]:
    now = utcnow()
    targets = session.scalars(
        select(Delivery.target)
        .distinct()
        .where(Delivery.state.in_((DELIVERY_PENDING, DELIVERY_DELIVERED)), due_condition(Delivery, now))
    )
    with_work = []
    for target in targets:
        has = session.scalar(
            select(Delivery.id).where(due_deliveries_condition(target), due_condition(Delivery, now)).limit(1)
        )
        if has is not None:
            with_work.append(target)
    return sorted(with_work)


def sweep(rt) -> SweepReport:
    with rt.db.reading() as session:
        clip_ids = due_clip_ids(session)
        targets = due_targets(session)
    if clip_ids:
        rt.queue.enqueue_resolve(clip_ids)
    rt.queue.enqueue_deliver_many(targets)
    return SweepReport(len(clip_ids), targets)
