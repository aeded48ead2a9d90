"""Requeue failed work: deliveries of a paper, or everything failed (CLI, API, dashboard)."""

from __future__ import annotations

from paperdrop.server.store.models import CLIP_FAILED, CLIP_RECEIVED, DELIVERY_FAILED, DELIVERY_PENDING, Clip, Delivery
from sqlalchemy import select
from sqlalchemy.orm import Session


def _reopen_delivery(delivery: Delivery) -> None:
    delivery.state = DELIVERY_PENDING
    delivery.attempts, delivery.next_attempt_at = 0, None
    delivery.lease_owner = delivery.lease_expires = None


def _reopen_clip(clip: Clip) -> None:
    clip.status = CLIP_RECEIVED
    clip.attempts, clip.next_attempt_at = 0, None
    clip.lease_owner = clip.lease_expires = None


def retry_paper(session: Session, paper_id: int) -> list[str]:
    """Requeue the failed deliveries of one paper; returns their targets."""
    deliveries = session.scalars(
        select(Delivery).where(Delivery.paper_id == paper_id, Delivery.state == DELIVERY_FAILED)
    )
    targets = []
    for delivery in deliveries:
        _reopen_delivery(delivery)
        targets.append(delivery.target)
    return sorted(set(targets))


def retry_failed(session: Session, clip_ids: list[int] | None = None) -> tuple[list[int], list[str]]:
    """Requeue failed clips and deliveries (all, or those of the given clips). Returns (clip ids, targets)."""
    clip_stmt = select(Clip).where(Clip.status == CLIP_FAILED)
    delivery_stmt = select(Delivery).where(Delivery.state == DELIVERY_FAILED)
    if clip_ids is not None:
        clip_stmt = clip_stmt.where(Clip.id.in_(clip_ids))
        papers = select(Clip.paper_id).where(Clip.id.in_(clip_ids), Clip.paper_id.isnot(None))
        delivery_stmt = delivery_stmt.where(Delivery.paper_id.in_(papers))
    reopened = []
    for clip in session.scalars(clip_stmt):
        _reopen_clip(clip)
        reopened.append(clip.id)
    targets = set()
    for delivery in session.scalars(delivery_stmt):
        _reopen_delivery(delivery)
        targets.add(delivery.target)
    return reopened, sorted(targets)
