"""Work on given clips in this process until each one settles (`paperdrop import --wait`, `paperdrop resolve`).

Only the given clips and their deliveries are worked on: other due work in the store is left to the worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.services.library import clips_with_delivery
from paperdrop.server.services.outcome import DONE_KINDS, Links, Outcome, clip_outcome
from paperdrop.server.store.models import utcnow

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime


@dataclass
class ClipResult:
    clip_id: int
    arxiv_id: str | None
    title: str | None
    target: str
    outcome: Outcome

    @property
    def settled(self) -> bool:
        return self.outcome.settled

    @property
    def done(self) -> bool:
        return self.outcome.kind in DONE_KINDS


@dataclass
class Progress:
    results: list[ClipResult] = field(default_factory=list)  # in the order the clip ids were given
    next_due: datetime | None = None
    deliveries: dict[str, list[int]] = field(default_factory=dict)  # target -> delivery ids still open

    @property
    def settled(self) -> int:
        return sum(r.settled for r in self.results)

    @property
    def done(self) -> bool:
        return all(r.settled for r in self.results)


def clip_results(rt: Runtime, clip_ids: list[int], links: Links | None = None) -> Progress:
    """Where each of `clip_ids` stands, in the given order."""
    progress = Progress()
    by_id = {}
    with rt.db.reading() as session:
        for clip, delivery in clips_with_delivery(session, clip_ids):
            outcome = clip_outcome(clip, delivery, links=links)
            paper = clip.paper
            by_id[clip.id] = ClipResult(
                clip.id,
                paper.arxiv_id if paper else clip.arxiv_id,
                paper.title if paper else clip.title,
                clip.target,
                outcome,
            )
            due = delivery.next_attempt_at if delivery is not None else clip.next_attempt_at
            if not outcome.settled and due and (progress.next_due is None or due < progress.next_due):
                progress.next_due = due
            if delivery is not None and not outcome.settled:
                progress.deliveries.setdefault(delivery.target, []).append(delivery.id)
    progress.results = [by_id[i] for i in dict.fromkeys(clip_ids) if i in by_id]
    return progress


def run_until_settled(
    rt: Runtime,
    clip_ids: list[int],
    *,
    on_progress: Callable[[Progress], None] | None = None,
    timeout: float | None = None,
    poll: float = 0.5,
) -> Progress:
    """Resolve and deliver the given clips in this process until every one settles (or `timeout` passes)."""
    deadline = time.monotonic() + timeout if timeout else None
    progress = clip_results(rt, clip_ids)
    while True:
        resolve_clips(rt, [r.clip_id for r in progress.results if not r.settled], whole=True)
        for target, delivery_ids in clip_results(rt, clip_ids).deliveries.items():
            deliver_target(rt, target, delivery_ids)
        progress = clip_results(rt, clip_ids)
        if on_progress:
            on_progress(progress)
        if progress.done or (deadline and time.monotonic() >= deadline):
            return progress
        wait = poll
        if progress.next_due is not None:
            wait = max(poll, min((progress.next_due - utcnow()).total_seconds(), 5.0))
        time.sleep(wait)
