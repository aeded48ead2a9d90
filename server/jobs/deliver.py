"""The deliver job: write due deliveries of one target through its sink, exactly once.

A batch is claimed (leased), handed to the sink with a DeliveryRun, and finished row by row as outcomes arrive:
the sink reports each outcome the moment it knows it (`progress`), so a crash or a dropped connection later in
the batch redoes only what is unknown. A throttle (Retry-After, Backoff, a busy lock) is a wait: short ones
are waited here, in the worker thread, with the leases renewed, and the same batch goes on; longer ones set
the next attempt time to exactly the hint. Neither spends an attempt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from paperdrop.server.services.outcome import target_label
from paperdrop.server.store import leases, lifecycle
from paperdrop.server.store.models import Clip, Delivery, DeliveryState
from paperdrop.server.store.papers import to_record
from paperdrop.sync.errors import ConfigurationError, PermanentError, ThrottledError, TransientError
from paperdrop.sync.records import ClipContext, DeliveryOutcome, DeliveryRequest
from paperdrop.sync.targets import DeliveryRun, parse_target_spec

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
    throttled: int = 0
    waited: float = 0.0  # seconds waited in place for throttles


def has_work() -> ColumnElement[bool]:
    """Deliveries with work to do: pending, waiting for a setup fix (looked at again when due), and delivered
    ones whose paper changed (updated in place) or that were saved again (checked at the target)."""
    return or_(
        Delivery.state.in_((DeliveryState.PENDING, DeliveryState.WAITING_FOR_SETUP)),
        and_(Delivery.state == DeliveryState.DELIVERED, or_(Delivery.needs_update, Delivery.recheck)),
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


def deliver_job(rt: Runtime, target: str) -> DeliverReport:
    """The queued job: one batch for `target`, then the rest queued behind whatever else waits, so one big
    target cannot keep the job threads from the others."""
    report = DeliverReport()
    if _deliver_batch(rt, target, and_(Delivery.target == target, has_work()), report):
        rt.queue.enqueue_deliver(target)
    return report


@dataclass
class _Batch:
    """One claimed batch on its way through the sink."""

    rt: Runtime
    target: str
    ids: list[int]
    owner: str
    report: DeliverReport
    finished: set[int] = field(default_factory=set)

    def finish(self, finish: Finish, only: set[int] | None = None) -> None:
        """Apply `finish` to the rows still owned and not finished yet (or only to `only`)."""
        todo = [i for i in self.ids if i not in self.finished and (only is None or i in only)]
        leases.finish_owned(self.rt.db, Delivery, todo, self.owner, lambda _session, d: finish(d))
        self.finished.update(todo)

    def progress(self, outcomes: list[DeliveryOutcome]) -> None:
        by_id = {o.delivery_id: o for o in outcomes}
        self.finish(lambda d: _apply(self.rt, d, by_id[d.id], self.report), only=set(by_id))

    def wait(self, seconds: float) -> bool:
        if seconds > self.rt.settings.throttle_wait:
            return False
        with self.rt.db.session() as session:  # keep the rows while waiting
            leases.renew(session, Delivery, self.ids, self.owner, self.rt.settings.lease_seconds + seconds)
        log.info("%s asked to wait %.1f s; waiting", self.target, seconds)
        self.rt.activity.waiting(f"{target_label(self.target)} asked for a pause", seconds)
        time.sleep(seconds)
        self.report.waited += seconds
        return True

    def missing(self, keys: list[str]) -> None:
        with self.rt.db.session() as session:
            gone = session.scalars(
                select(Delivery).where(
                    Delivery.target == self.target,
                    Delivery.remote_key.in_(keys),
                    Delivery.state == DeliveryState.DELIVERED,
                )
            )
            for delivery in gone:
                lifecycle.delivery_missing(delivery)

    def run(self) -> DeliveryRun:
        return DeliveryRun(progress=self.progress, wait=self.wait, missing=self.missing)


def _deliver_batch(rt: Runtime, target: str, where: ColumnElement[bool], report: DeliverReport) -> bool:
    owner = leases.new_owner()
    with rt.db.session() as session:
        leases.reap(session, Delivery)  # rows of a killed process on this machine are taken over at once
        ids = leases.claim(session, Delivery, where, owner=owner, lease_seconds=rt.settings.lease_seconds, limit=BATCH)
    # Loading happens outside the write transaction: SQLite has one writer, and the web threads need it.
    with rt.db.reading() as session:
        deliveries = leases.owned(session, Delivery, ids, owner, lock=False, options=[selectinload(Delivery.paper)])
        contexts, versions = _clip_facts(session, {d.paper_id for d in deliveries}, target)
        requests = [_request(d, contexts.get(d.paper_id, []), versions.get(d.paper_id, [])) for d in deliveries]
    if not requests:
        return False
    batch = _Batch(rt, target, ids, owner, report)
    with leases.heartbeat(rt.db, Delivery, ids, owner, rt.settings.lease_seconds):
        return _write(rt, batch, requests)


def _write(rt: Runtime, batch: _Batch, requests: list[DeliveryRequest]) -> bool:
    """Hand the batch to the sink and finish its rows; True when there may be more to do at once."""
    target, ids, owner, report = batch.target, batch.ids, batch.owner, batch.report
    sink = rt.sink(parse_target_spec(target))
    try:
        keys = sink.prepare(requests)
        _persist_keys(rt, ids, owner, keys)  # before the write: a retry reuses them (exactly once)
        for request in requests:
            request.remote_key = keys.get(request.delivery_id, request.remote_key)
        outcomes = sink.deliver(requests, batch.run())
    except ThrottledError as exc:  # longer than a wait in place: the next attempt at exactly the hint
        throttle = exc
        batch.finish(lambda d: _throttled(d, throttle, report))
        return False
    except ConfigurationError as exc:
        setup = exc
        batch.finish(lambda d: _wait_for_setup(d, setup, report))
        return False
    except TransientError as exc:
        outage = exc
        batch.finish(lambda d: _retry(rt, d, outage, outage.retry_after, report))
        return False
    except PermanentError as exc:
        refusal = exc
        batch.finish(lambda d: _fail(d, refusal, report))
        return True
    except Exception as exc:  # a bug or an unexpected library error: recorded on the rows, retried later
        log.exception("delivery to %s failed unexpectedly", target)
        problem = f"Unexpected error: {exc!r}"
        batch.finish(lambda d: _retry(rt, d, problem, None, report))
        return False
    by_id = {o.delivery_id: o for o in outcomes}
    batch.finish(lambda d: _apply(rt, d, by_id.get(d.id), report))
    return not any(o.status == "retry" for o in outcomes)


def _clip_facts(
    session: Session, paper_ids: set[int], target: str
) -> tuple[dict[int, list[ClipContext]], dict[int, list[int]]]:
    """Where each paper was found (every clip that pointed at it), for notes in the target; and the arXiv
    versions the clips for this target linked to."""
    contexts: dict[int, list[ClipContext]] = {}
    versions: dict[int, list[int]] = {}
    if not paper_ids:
        return contexts, versions
    for clip in session.scalars(select(Clip).where(Clip.paper_id.in_(paper_ids)).order_by(Clip.id)):
        if clip.paper_id is None:
            continue
        if clip.source_url or clip.extra:
            context = ClipContext(clip.source_url, clip.source_site, dict(clip.extra), clip.created_at)
            contexts.setdefault(clip.paper_id, []).append(context)
        if clip.arxiv_version and clip.target == target:
            versions.setdefault(clip.paper_id, [])
            if clip.arxiv_version not in versions[clip.paper_id]:
                versions[clip.paper_id].append(clip.arxiv_version)
    return contexts, versions


def _request(delivery: Delivery, contexts: list[ClipContext], versions: list[int]) -> DeliveryRequest:
    delivered = delivery.state == DeliveryState.DELIVERED
    return DeliveryRequest(
        delivery_id=delivery.id,
        paper=to_record(delivery.paper),
        contexts=contexts,
        remote_key=delivery.remote_key,
        remote_version=delivery.remote_version,
        update=delivered and delivery.needs_update,
        recheck=delivered and delivery.recheck,
        versions=versions,
    )


def _persist_keys(rt: Runtime, ids: list[int], owner: str, keys: dict[int, str]) -> None:
    """Keys the sink chose before writing (a new Zotero item key, or a fresh one to recreate a deleted item)."""
    if not keys:
        return
    with rt.db.session() as session:
        for delivery_id, key in keys.items():
            if delivery_id in ids:
                session.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery_id, Delivery.lease_owner == owner)
                    .values(remote_key=key)
                    .execution_options(synchronize_session=False)
                )


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


def _throttled(delivery: Delivery, problem: ThrottledError, report: DeliverReport) -> None:
    lifecycle.delivery_throttled(delivery, problem)
    report.throttled += 1


def _fail(delivery: Delivery, problem: lifecycle.Problem, report: DeliverReport) -> None:
    lifecycle.delivery_failed(delivery, problem)
    report.failed += 1


def _wait_for_setup(delivery: Delivery, problem: lifecycle.Problem, report: DeliverReport) -> None:
    lifecycle.delivery_waits_for_setup(delivery, problem)
    report.waiting += 1
