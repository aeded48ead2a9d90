"""Work on given clips in this process until each one settles (`paperdrop import --wait`, `paperdrop resolve`).

Only the given clips and their deliveries are worked on: other due work in the store is left to the worker.
While the work runs, a watcher thread reads where the clips stand a few times a second and hands it to
`on_progress`, so a progress bar moves per paper looked up and per paper delivered (both are committed as
they happen) and says what the run waits for when it does not move.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.services.library import clips_with_delivery
from paperdrop.server.services.outcome import DONE_KINDS, Links, Outcome, clip_outcome
from paperdrop.server.store.leases import HOST, owner_alive
from paperdrop.server.store.models import CLIP_OPEN, Clip, Delivery, utcnow

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime

log = logging.getLogger(__name__)
WATCH_SECONDS = 0.25  # how often the watcher reads progress while the work runs


@dataclass
class ClipResult:
    clip_id: int
    arxiv_id: str | None
    title: str | None
    target: str
    outcome: Outcome
    looked_up: bool = False  # arXiv has answered for it (found, not found, or a person must choose)
    rewritten: bool = False  # written again after the copy had been removed
    held_by: str | None = None  # "pid 4242", "on laptop": another live process holds its clip or delivery

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
    pause: str | None = None  # what this process is pausing for right now (Runtime.activity)

    @property
    def settled(self) -> int:
        return sum(r.settled for r in self.results)

    @property
    def done(self) -> bool:
        return all(r.settled for r in self.results)

    @property
    def steps(self) -> int:
        """Steps finished out of `2 × len(results)`: one when a paper is looked up, one when it is settled."""
        return sum(r.looked_up or r.settled for r in self.results) + self.settled

    def waiting_for(self) -> str | None:
        """Why the run is not moving, in a few words, when it waits for something; None while it works."""
        if self.pause:
            return self.pause
        open_results = [r for r in self.results if not r.settled]
        held = [r for r in open_results if r.held_by]
        if held:
            return f"another PaperDrop process ({held[0].held_by}) is working on {len(held)} of them"
        retrying = [r for r in open_results if r.outcome.kind == "retrying"]
        if retrying and len(retrying) == len(open_results) and self.next_due is not None:
            seconds = round((self.next_due - utcnow()).total_seconds())
            return f"next try in {_duration(seconds)}" if seconds > 0 else "trying again"
        return None


def clip_results(rt: Runtime, clip_ids: list[int], links: Links | None = None) -> Progress:
    """Where each of `clip_ids` stands, in the given order."""
    progress = Progress(pause=rt.activity.current())
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
                looked_up=clip.status not in CLIP_OPEN,
                rewritten=bool(delivery is not None and delivery.written_again and outcome.kind == "saved"),
                held_by=None if outcome.settled else _held_by(clip, delivery),
            )
            due = delivery.next_attempt_at if delivery is not None else clip.next_attempt_at
            if not outcome.settled and due and (progress.next_due is None or due < progress.next_due):
                progress.next_due = due
            if delivery is not None and not outcome.settled:
                progress.deliveries.setdefault(delivery.target, []).append(delivery.id)
    progress.results = [by_id[i] for i in dict.fromkeys(clip_ids) if i in by_id]
    return progress


def _held_by(clip: Clip, delivery: Delivery | None) -> str | None:
    """ "pid 4242" (or "on laptop") when a live process other than this one holds a lease on the rows."""
    now = utcnow()
    for row in (clip, delivery):
        if row is None or not row.lease_owner or row.lease_expires is None or row.lease_expires <= now:
            continue
        host, _, rest = row.lease_owner.partition(":")
        pid = rest.partition(":")[0]
        if host == HOST and pid == str(os.getpid()):
            continue  # this process: the work under way here
        if not owner_alive(row.lease_owner):
            continue  # gone: its lease is taken over (leases.reap)
        return f"pid {pid}" if host == HOST else f"on {host}"
    return None


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def run_until_settled(
    rt: Runtime,
    clip_ids: list[int],
    *,
    on_progress: Callable[[Progress], None] | None = None,
    timeout: float | None = None,
    poll: float = 0.5,
) -> Progress:
    """Resolve and deliver the given clips in this process until every one settles (or `timeout` passes).
    `on_progress` is called from a watcher thread while the work runs, and once more at the end."""
    deadline = time.monotonic() + timeout if timeout else None
    stop = threading.Event()
    watcher = None
    if on_progress is not None:
        watcher = threading.Thread(target=_watch, args=(rt, clip_ids, on_progress, stop), daemon=True)
        watcher.start()
    try:
        progress = _work(rt, clip_ids, deadline, poll)
    finally:
        stop.set()
        if watcher is not None:
            watcher.join()
    if on_progress:
        on_progress(progress)
    return progress


def _work(rt: Runtime, clip_ids: list[int], deadline: float | None, poll: float) -> Progress:
    progress = clip_results(rt, clip_ids)
    while True:
        resolve_clips(rt, [r.clip_id for r in progress.results if not r.settled], whole=True)
        for target, delivery_ids in clip_results(rt, clip_ids).deliveries.items():
            deliver_target(rt, target, delivery_ids)
        progress = clip_results(rt, clip_ids)
        if progress.done or (deadline and time.monotonic() >= deadline):
            return progress
        wait = poll
        if progress.next_due is not None:
            wait = max(poll, min((progress.next_due - utcnow()).total_seconds(), 5.0))
        if deadline:
            wait = max(0.0, min(wait, deadline - time.monotonic()))
        time.sleep(wait)


def _watch(rt: Runtime, clip_ids: list[int], on_progress: Callable[[Progress], None], stop: threading.Event) -> None:
    while not stop.wait(WATCH_SECONDS):
        try:
            on_progress(clip_results(rt, clip_ids))
        except Exception:  # a busy store for a moment: the bar waits for the next look
            log.debug("progress read failed", exc_info=True)
