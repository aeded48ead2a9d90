"""The deliver job: write due deliveries of one target through its sink, exactly once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from paperdrop.server.store import leases, lifecycle
from paperdrop.server.store.models import Clip, Delivery, DeliveryState
from paperdrop.server.store.papers import to_record
from paperdrop.sync.errors import ConfigurationError, PermanentError, TransientError
from paperdrop.sync.records import ClipContext, DeliveryOutcome, DeliveryRequest
from paperdrop.sync.targets import parse_target_spec

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 200  # deliveries per claim; sinks split further (Zotero: 50 objects per write)
Finish = Callable[[Delivery], None]


@dataclass
class DeliverReport:
    delivered: int = 0
    failed: int = 0
    retried: int = 0
    waiting: int = 0


def has_work() -> ColumnElement[bool]:
    """Deliveries with work to do: pending, waiting for a setup fix (looked at again when due), and delivered
    ones whose paper changed (updated in place)."""
    return or_(
        Delivery.state.in_((DeliveryState.PENDING, DeliveryState.WAITING_FOR_SETUP)),
        and_(Delivery.state == DeliveryState.DELIVERED, Delivery.needs_update.is_(True)),
    )


def deliver_target(rt: Runtime, target: str, delivery_ids: list[int] | None = None) -> DeliverReport:
    """Deliver everything due for `target` (or only `delivery_ids`), batch after batch, until nothing is left."""
    report = DeliverReport()
    where = and_(Delivery.target == target, has_work())
    if delivery_ids is not None:
        where = and_(where, Delivery.id.in_(delivery_ids))
    while _deliver_batch(rt, target, where, report):
        pass
    return report


def _deliver_batch(rt: Runtime, target: str, where: ColumnElement[bool], report: DeliverReport) -> bool:
    owner = leases.new_owner()
    with rt.db.session() as session:
        ids = leases.claim(session, Delivery, where, owner=owner, lease_seconds=rt.settings.lease_seconds, limit=BATCH)
    # Loading happens outside the write transaction: SQLite has one writer, and the web threads need it.
    with rt.db.reading() as session:
        deliveries = leases.owned(session, Delivery, ids, owner, lock=False, options=[selectinload(Delivery.paper)])
        contexts = _contexts(session, [d.paper_id for d in deliveries])
        requests = [_request(d, contexts.get(d.paper_id, [])) for d in deliveries]
    if not requests:
        return False
    sink = rt.sink(parse_target_spec(target))
    try:
        keys = sink.prepare(requests)
        _persist_keys(rt, ids, owner, keys)  # before the write: a retry reuses them (exactly once)
        for request in requests:
            request.remote_key = keys.get(request.delivery_id, request.remote_key)
        outcomes = sink.deliver(requests)
    except ConfigurationError as exc:
        setup = exc
        _finish_all(rt, ids, owner, lambda d: _wait(d, setup, report))
        return False
    except TransientError as exc:
        outage = exc
        _finish_all(rt, ids, owner, lambda d: _retry(rt, d, outage, outage.retry_after, report))
        return False
    except PermanentError as exc:
        refusal = exc
        _finish_all(rt, ids, owner, lambda d: _fail(d, refusal, report))
        return True
    except Exception as exc:  # a bug or an unexpected library error: recorded on the rows, retried later
        log.exception("delivery to %s failed unexpectedly", target)
        problem = f"Unexpected error: {exc!r}"
        _finish_all(rt, ids, owner, lambda d: _retry(rt, d, problem, None, report))
        return False
    by_id = {o.delivery_id: o for o in outcomes}
    _finish_all(rt, ids, owner, lambda d: _apply(rt, d, by_id.get(d.id), report))
    return not any(o.status == "retry" for o in outcomes)


def _contexts(session: Session, paper_ids: list[int]) -> dict[int, list[ClipContext]]:
    """Where each paper was found (every clip that pointed at it), for notes in the target."""
    contexts: dict[int, list[ClipContext]] = {}
    if not paper_ids:
        return contexts
    for clip in session.scalars(select(Clip).where(Clip.paper_id.in_(set(paper_ids))).order_by(Clip.id)):
        if clip.paper_id is not None and (clip.source_url or clip.extra):
            contexts.setdefault(clip.paper_id, []).append(
                ClipContext(
                    source_url=clip.source_url,
                    source_site=clip.source_site,
                    extra=dict(clip.extra),
                    clipped_at=clip.created_at,
                )
            )
    return contexts


def _request(delivery: Delivery, contexts: list[ClipContext]) -> DeliveryRequest:
    return DeliveryRequest(
        delivery_id=delivery.id,
        paper=to_record(delivery.paper),
        contexts=contexts,
        remote_key=delivery.remote_key,
        remote_version=delivery.remote_version,
        update=delivery.state == DeliveryState.DELIVERED and delivery.needs_update,
    )


def _persist_keys(rt: Runtime, ids: list[int], owner: str, keys: dict[int, str]) -> None:
    if not keys:
        return
    with rt.db.session() as session:
        for delivery in leases.owned(session, Delivery, ids, owner):
            if delivery.id in keys and not delivery.remote_key:
                delivery.remote_key = keys[delivery.id]


def _finish_all(rt: Runtime, ids: list[int], owner: str, finish: Finish) -> None:
    leases.finish_owned(rt.db, Delivery, ids, owner, lambda _session, delivery: finish(delivery))


def _apply(rt: Runtime, delivery: Delivery, outcome: DeliveryOutcome | None, report: DeliverReport) -> None:
    if outcome is None:
        _retry(rt, delivery, "The sink returned no result for this paper.", None, report)
    elif outcome.status == "delivered":
        lifecycle.delivery_delivered(delivery, outcome)
        report.delivered += 1
    elif outcome.status == "retry":
        _retry(rt, delivery, outcome.error or "Temporary failure.", outcome.retry_after, report)
    else:
        _fail(delivery, outcome.error or "The target refused this paper.", report)


def _retry(
    rt: Runtime, delivery: Delivery, problem: lifecycle.Problem, retry_after: float | None, report: DeliverReport
) -> None:
    if lifecycle.delivery_retry_later(delivery, rt.policy, problem, retry_after):
        report.retried += 1
    else:
        report.failed += 1


def _fail(delivery: Delivery, problem: lifecycle.Problem, report: DeliverReport) -> None:
    lifecycle.delivery_failed(delivery, problem)
    report.failed += 1


def _wait(delivery: Delivery, problem: lifecycle.Problem, report: DeliverReport) -> None:
    lifecycle.delivery_waits_for_setup(delivery, problem)
    report.waiting += 1
