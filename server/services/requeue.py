"""Requeue work by hand: the failed deliveries of a paper, or every failure (CLI, API, dashboard).

Deliveries waiting for a setup fix are woken too: asking to retry means "I fixed it, try now".
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paperdrop.server.store import lifecycle
from paperdrop.server.store.models import Clip, ClipState, Delivery, DeliveryState

REQUEUED_STATES = (DeliveryState.FAILED, DeliveryState.WAITING_FOR_SETUP)


def retry_paper(session: Session, paper_id: int) -> list[str]:
    """Requeue the failed (or waiting) deliveries of one paper; returns their targets."""
    deliveries = session.scalars(
        select(Delivery).where(Delivery.paper_id == paper_id, Delivery.state.in_(REQUEUED_STATES))
    )
    targets = set()
    for delivery in deliveries:
        lifecycle.delivery_reopened(delivery)
        targets.add(delivery.target)
    return sorted(targets)


def retry_failed(session: Session, clip_ids: list[int] | None = None) -> tuple[list[int], list[str]]:
    """Requeue failed clips and failed or waiting deliveries (all, or those of the given clips).
    Returns (clip ids, targets)."""
    clip_stmt = select(Clip).where(Clip.status == ClipState.FAILED)
    delivery_stmt = select(Delivery).where(Delivery.state.in_(REQUEUED_STATES))
    if clip_ids is not None:
        clip_stmt = clip_stmt.where(Clip.id.in_(clip_ids))
        papers = select(Clip.paper_id).where(Clip.id.in_(clip_ids), Clip.paper_id.isnot(None))
        delivery_stmt = delivery_stmt.where(Delivery.paper_id.in_(papers))
    reopened = []
    for clip in session.scalars(clip_stmt):
        lifecycle.clip_reopened(clip)
        reopened.append(clip.id)
    targets = set()
    for delivery in session.scalars(delivery_stmt):
        lifecycle.delivery_reopened(delivery)
        targets.add(delivery.target)
    return reopened, sorted(targets)
