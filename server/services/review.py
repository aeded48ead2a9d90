"""Review: a person settles a clip PaperDrop was not sure about, by choosing its paper or dismissing it.

A chosen id is looked up on arXiv first (through the deployment's one gate): an unknown id is refused with a
clear message instead of becoming a clip that fails later, and the paper found is stored, so the resolve job
that follows needs no request of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from paperdrop.server.store import lifecycle
from paperdrop.server.store.models import Clip, ClipState
from paperdrop.server.store.papers import upsert_paper
from paperdrop.sync.records import PaperRecord

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime


class ClipNotFound(LookupError):
    def __init__(self, clip_id: int):
        super().__init__(f"There is no clip {clip_id}.")
        self.clip_id = clip_id


class UnknownPaper(LookupError):
    """The chosen id is well formed but arXiv has no such paper."""

    FIX = "Check the id for a typo (arxiv.org/abs/<id> shows the paper); a withdrawn paper cannot be saved."

    def __init__(self, arxiv_id: str):
        super().__init__(f"arXiv has no paper {arxiv_id}.")
        self.arxiv_id = arxiv_id


def choose_paper(
    rt: Runtime, clip_id: int, arxiv_id: str, *, only_in_review: bool = False, check: bool = False
) -> bool:
    """Make `arxiv_id` the paper of the clip and resolve it again; False when `only_in_review` and someone
    settled it meanwhile. Any clip may be corrected this way, not only those in review. `check`: look the id
    up on arXiv first; raises UnknownPaper for an id arXiv does not have (and TransientError, from sync, when
    arXiv cannot be asked now), changing nothing."""
    paper: PaperRecord | None = None
    if check:
        with rt.db.reading() as session:  # a missing or settled clip is answered before arXiv is asked
            status = _get(session, clip_id).status
        if only_in_review and status != ClipState.NEEDS_REVIEW:
            return False
        paper = rt.arxiv.lookup(arxiv_id)
        if paper is None:
            raise UnknownPaper(arxiv_id)
    with rt.db.session() as session:
        clip = _get(session, clip_id)
        if only_in_review and clip.status != ClipState.NEEDS_REVIEW:
            return False
        if paper is not None:
            upsert_paper(session, paper)  # the resolve job finds it in the paper cache
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
