"""Run work in the foreground until given clips settle (`paperdrop import --wait`, `paperdrop resolve`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.jobs.sweep import due_targets
from paperdrop.server.store.models import (
    CLIP_DISMISSED,
    CLIP_FAILED,
    CLIP_NEEDS_REVIEW,
    CLIP_RESOLVED,
    DELIVERY_DELIVERED,
    DELIVERY_FAILED,
    Clip,
    Paper,
    utcnow,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload


@dataclass
class ClipResult:
    clip_id: int
    arxiv_id: str | None
    title: str | None
    target: str
    outcome: str  # delivered | already_present | needs_review | failed | waiting | pending
    detail: str = ""

    @property
    def settled(self) -> bool:
        return self.outcome != "pending"


@dataclass
class Progress:
    results: list[ClipResult] = field(default_factory=list)
    next_due: datetime | None = None

    @property
    def settled(self) -> int:
        return sum(r.settled for r in self.results)

    @property
    def done(self) -> bool:
        return all(r.settled for r in self.results)


def _delivery_result(clip: Clip) -> tuple[str, str, datetime | None]:
    delivery = next((d for d in clip.paper.deliveries if d.target == clip.target), None)
    if delivery is None:
        return "pending", "", None
    if delivery.state == DELIVERY_DELIVERED and not delivery.needs_update:
        outcome = "already_present" if delivery.already_present else "delivered"
        return outcome, delivery.remote_key or "", None
    if delivery.state == DELIVERY_FAILED:
        return "failed", delivery.last_error or "", None
    if delivery.waiting_reason:
        return "waiting", delivery.waiting_reason, None
    return "pending", delivery.last_error or "", delivery.next_attempt_at


def clip_results(rt, clip_ids: list[int]) -> Progress:
    progress = Progress()
    with rt.db.reading() as session:
        clips = session.scalars(
            select(Clip)
            .options(selectinload(Clip.paper).selectinload(Paper.deliveries))
            .where(Clip.id.in_(clip_ids))
            .order_by(Clip.id)
        )
        for clip in clips:
            due = clip.next_attempt_at
            if clip.status == CLIP_RESOLVED and clip.paper is not None:
                outcome, detail, due = _delivery_result(clip)
            elif clip.status == CLIP_NEEDS_REVIEW:
                outcome, detail = "needs_review", clip.last_error or ""
            elif clip.status in (CLIP_FAILED, CLIP_DISMISSED):
                outcome, detail = "failed", clip.last_error or clip.status
            else:
                outcome, detail = "pending", clip.last_error or ""
            title = clip.paper.title if clip.paper else clip.title
            arxiv_id = clip.paper.arxiv_id if clip.paper else clip.arxiv_id
            progress.results.append(ClipResult(clip.id, arxiv_id, title, clip.target, outcome, detail))
            if outcome == "pending" and due and (progress.next_due is None or due < progress.next_due):
                progress.next_due = due
    return progress


def run_until_settled(
    rt,
    clip_ids: list[int],
    *,
    on_progress: Callable[[Progress], None] | None = None,
    timeout: float | None = None,
    poll: float = 0.5,
) -> Progress:
    """Resolve and deliver due work in this process until every clip settles (or `timeout` passes)."""
    deadline = time.monotonic() + timeout if timeout else None
    while True:
        resolve_clips(rt, clip_ids)
        with rt.db.reading() as session:
            targets = due_targets(session)
        for target in targets:
            deliver_target(rt, target)
        progress = clip_results(rt, clip_ids)
        if on_progress:
            on_progress(progress)
        if progress.done or (deadline and time.monotonic() >= deadline):
            return progress
        wait = poll
        if progress.next_due is not None:
            wait = max(poll, min((progress.next_due - utcnow()).total_seconds(), 5.0))
        time.sleep(wait)
