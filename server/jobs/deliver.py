"""The deliver job: write due deliveries of one target through its sink, exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from paperdrop.server.store import leases as work
from paperdrop.server.store.models import DELIVERY_DELIVERED, DELIVERY_FAILED, DELIVERY_PENDING, Clip, Delivery, utcnow
from paperdrop.server.store.papers import to_record
from paperdrop.sync.errors import ConfigurationError, PermanentError, TransientError
from paperdrop.sync.records import ClipContext, DeliveryOutcome, DeliveryRequest
from paperdrop.sync.targets import parse_target_spec
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

log = logging.getLogger(__name__)

BATCH = 200  # deliveries per claim; sinks split further (Zotero: 50 objects per write)
CONFIG_RECHECK_SECONDS = 120.0  # a wrong setup is looked at again this often, without spending attempts


@dataclass
class DeliverReport:
    delivered: int = 0
    failed: int = 0
    retried: int = 0
    waiting: int = 0


def due_deliveries_condition(target: str):
    """Pending deliveries, and delivered ones whose paper changed (updated in place)."""
    return and_(
        Delivery.target == target,
        or_(
            Delivery.state == DELIVERY_PENDING,
            and_(Delivery.state == DELIVERY_DELIVERED, Delivery.needs_update.is_(True)),
        ),
    )


def deliver_target(rt, target: str) -> DeliverReport:
    """Deliver everything due for `target`, batch after batch, until nothing is left to claim."""
    report = DeliverReport()
    while _deliver_batch(rt, target, report):
        pass
    return report


def _deliver_batch(rt, target: str, report: DeliverReport) -> bool:
    owner = work.new_owner()
    with rt.db.session() as session:
        ids = work.claim(
            session,
            Delivery,
            due_deliveries_condition(target),
            owner=owner,
            lease_seconds=rt.settings.lease_seconds,
            limit=BATCH,
        )
    # Loading happens outside the write transaction: SQLite has one writer, and the web threads need it.
    with rt.db.reading() as session:
        deliveries = work.owned(session, Delivery, ids, owner, lock=False, options=[selectinload(Delivery.paper)])
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
        _finish_all(rt, ids, owner, _waiter(str(exc), report))
        return False
    except TransientError as exc:
        _finish_all(rt, ids, owner, _retrier(rt, str(exc), exc.retry_after, report))
        return False
    except PermanentError as exc:
        _finish_all(rt, ids, owner, _failer(str(exc), report))
        return True
    except Exception as exc:  # a bug or an unexpected library error: recorded on the rows, retried later
        log.exception("delivery to %s failed unexpectedly", target)
        _finish_all(rt, ids, owner, _retrier(rt, f"Unexpected error: {exc!r}", None, report))
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
        if clip.source_url or clip.extra:
            contexts.setdefault(clip.paper_id, []).append(
                ClipContext(
                    source_url=clip.source_url,
                    source_site=clip.source_site,
                    extra=dict(clip.extra),
                    clipped_at=clip.created_at,
                )
            )
    return contexts


def _waiter(message: str, report: DeliverReport):
    return lambda delivery: _wait(delivery, message, report)


def _retrier(rt, message: str, retry_after: float | None, report: DeliverReport):
    return lambda delivery: _retry(rt, delivery, message, retry_after, report)


def _failer(message: str, report: DeliverReport):
    return lambda delivery: _fail(delivery, message, report)


def _request(delivery: Delivery, contexts: list[ClipContext]) -> DeliveryRequest:
    return DeliveryRequest(
        delivery_id=delivery.id,
        paper=to_record(delivery.paper),
        contexts=contexts,
        remote_key=delivery.remote_key,
        remote_version=delivery.remote_version,
        update=delivery.state == DELIVERY_DELIVERED and delivery.needs_update,
    )


def _persist_keys(rt, ids: list[int], owner: str, keys: dict[int, str]) -> None:
    if not keys:
        return
    with rt.db.session() as session:
        for delivery in work.owned(session, Delivery, ids, owner):
            if delivery.id in keys and not delivery.remote_key:
                delivery.remote_key = keys[delivery.id]


def _finish_all(rt, ids: list[int], owner: str, finish) -> None:
    work.finish_owned(rt.db, Delivery, ids, owner, lambda _session, delivery: finish(delivery))


def _apply(rt, delivery: Delivery, outcome: DeliveryOutcome | None, report: DeliverReport) -> None:
    if outcome is None:
        _retry(rt, delivery, "The sink returned no result for this paper.", None, report)
    elif outcome.status == "delivered":
        delivery.state = DELIVERY_DELIVERED
        delivery.remote_key = outcome.remote_key or delivery.remote_key
        delivery.remote_version = outcome.remote_version
        delivery.already_present = delivery.already_present or outcome.already_present
        delivery.needs_update, delivery.waiting_reason, delivery.last_error = False, None, None
        delivery.next_attempt_at = None
        delivery.delivered_at = delivery.delivered_at or utcnow()
        work.release(delivery)
        report.delivered += 1
    elif outcome.status == "retry":
        _retry(rt, delivery, outcome.error or "Temporary failure.", outcome.retry_after, report)
    else:
        _fail(delivery, outcome.error or "The target refused this paper.", report)


def _retry(rt, delivery: Delivery, error: str, retry_after: float | None, report: DeliverReport) -> None:
    delivery.waiting_reason = None
    if work.schedule_retry(delivery, rt.policy, error, retry_after):
        report.retried += 1
    else:
        _fail(delivery, error, report)


def _fail(delivery: Delivery, error: str, report: DeliverReport) -> None:
    # An update that cannot be written leaves the delivered copy as it was: still delivered.
    if delivery.state != DELIVERY_DELIVERED:
        delivery.state = DELIVERY_FAILED
    delivery.needs_update = False
    delivery.last_error = error
    delivery.next_attempt_at = None
    work.release(delivery)
    report.failed += 1


def _wait(delivery: Delivery, message: str, report: DeliverReport) -> None:
    delivery.waiting_reason = message
    work.wait_for_fix(delivery, message, CONFIG_RECHECK_SECONDS)
    report.waiting += 1
