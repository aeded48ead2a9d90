"""Review: a person settles a clip PaperDrop was not sure about, by choosing its paper or dismissing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from paperdrop.server.store import lifecycle
from paperdrop.server.store.models import Clip, ClipState

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime


class ClipNotFound(LookupError):
    def __init__(self, clip_id: int):
        super().__init__(f"There is no clip {clip_id}.")
        self.clip_id = clip_id


def choose_paper(rt: Runtime, clip_id: int, arxiv_id: str, *, only_in_review: bool = False) -> bool:
    """Make `arxiv_id` the paper of the clip and resolve it again; False when `only_in_review` and someone
    settled it meanwhile. Any clip may be corrected this way, not only those in review."""
    with rt.db.session() as session:
        clip = _get(session, clip_id)
        if only_in_review and clip.status != ClipState.NEEDS_REVIEW:
            return False
        lifecycle.clip_chosen(clip, arxiv_id)
    rt.queue.enqueue_resolve([clip_id])  # after the commit
    return True


def dismiss_clip(rt: Runtime, clip_id: int) -> bool:
    """Dismiss a clip in review; False when someone settled it meanwhile."""
    with rt.db.session() as session:
        clip = _get(session, clip_id)
        if clip.status != ClipState.NEEDS_REVIEW:
            return False
        lifecycle.clip_dismissed(clip)
    return True


def _get(session: Session, clip_id: int) -> Clip:
    clip = session.get(Clip, clip_id)
    if clip is None:
        raise ClipNotFound(clip_id)
    return clip
