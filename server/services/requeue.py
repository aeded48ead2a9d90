"""Requeue work by hand: the failed deliveries of a paper, or every failure (CLI, API, dashboard).

Asking to retry means "I fixed it, try now": deliveries waiting for a setup fix are woken too, and a copy
PaperDrop noticed gone from its target (or any delivered copy of the clips named) is checked and written again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paperdrop.server.store import lifecycle
from paperdrop.server.store.leases import free_condition
from paperdrop.server.store.models import Clip, ClipState, Delivery, DeliveryState

REQUEUED_STATES = (DeliveryState.FAILED, DeliveryState.WAITING_FOR_SETUP)


def retry_paper(session: Session, paper_id: int) -> list[str]:
    """Requeue the failed (or waiting) deliveries of one paper, and check its copies noticed missing; returns
    the targets with work."""
    targets = set()
    for delivery in session.scalars(select(Delivery).where(Delivery.paper_id == paper_id)):
        if _retry(delivery, recheck=delivery.missing_at is not None):
            targets.add(delivery.target)
    return sorted(targets)


def _retry(delivery: Delivery, *, recheck: bool) -> bool:
    if delivery.state in REQUEUED_STATES:
        lifecycle.delivery_reopened(delivery)
        return True
    return recheck and lifecycle.delivery_recheck(delivery)


def retry_failed(session: Session, clip_ids: list[int] | None = None) -> tuple[list[int], list[str]]:
    """Requeue failed clips and failed or waiting deliveries, and check copies noticed missing (all, or
    everything of the given clips, their delivered copies included). Returns (clip ids, targets)."""
    clip_stmt = select(Clip).where(Clip.status == ClipState.FAILED)
    delivery_stmt = select(Delivery).where(
        Delivery.state.in_(REQUEUED_STATES) | Delivery.missing_at.isnot(None), free_condition(Delivery)
    )
    if clip_ids is not None:
        clip_stmt = clip_stmt.where(Clip.id.in_(clip_ids))
        theirs = select(Clip.id).where(
            Clip.id.in_(clip_ids), Clip.paper_id == Delivery.paper_id, Clip.target == Delivery.target
        )
        delivery_stmt = select(Delivery).where(theirs.exists(), free_condition(Delivery))
    reopened = []
    for clip in session.scalars(clip_stmt):
        lifecycle.clip_reopened(clip)
        reopened.append(clip.id)
    targets = set()
    for delivery in session.scalars(delivery_stmt):
        if _retry(delivery, recheck=True):
            targets.add(delivery.target)
    return reopened, sorted(targets)


def retry_missing(session: Session, target: str | None = None) -> list[str]:
    """Write back the copies noticed missing (at `target`, or everywhere): each is checked at its target and
    written again if it is still gone. Returns the targets with work."""
    stmt = select(Delivery).where(Delivery.missing_at.isnot(None), free_condition(Delivery))
    if target is not None:
        stmt = stmt.where(Delivery.target == target)
    targets = {d.target for d in session.scalars(stmt) if lifecycle.delivery_recheck(d)}
    return sorted(targets)
