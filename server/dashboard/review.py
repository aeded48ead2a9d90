"""Review page: clips arXiv could not settle, with ranked candidates; choose one, enter an id, or dismiss."""

from __future__ import annotations

from flask import abort, render_template, request
from paperdrop.server.dashboard.blueprint import back, bp, rt
from paperdrop.server.jobs.resolve import settle_review
from paperdrop.server.services.library import review_clips
from paperdrop.server.store.models import CLIP_DISMISSED, CLIP_NEEDS_REVIEW, Clip
from paperdrop.sync.ids import normalize_arxiv_id

SHOWN = 100  # clips per page; the rest follow as these are settled


@bp.get("/review")
def review():
    with rt().db.reading() as session:
        clips, total = review_clips(session, limit=SHOWN)
        return render_template("dashboard/review.html", clips=clips, total=total)


def _open_clip(session, clip_id: int) -> Clip | None:
    """The clip if it still needs review; None (with a message) if someone settled it meanwhile."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        abort(404, description=f"There is no clip {clip_id}.")
    return clip if clip.status == CLIP_NEEDS_REVIEW else None


@bp.post("/review/<int:clip_id>/choose")
def choose(clip_id: int):
    given = request.form.get("arxiv_id", "")
    arxiv_id = normalize_arxiv_id(given)
    if not arxiv_id:
        return back(
            "dashboard.review",
            f"{given.strip() or 'An empty value'} is not an arXiv id. Enter an id like "
            "2403.12943 or an arxiv.org/abs/ link.",
            "error",
            anchor=f"clip-{clip_id}",
        )
    with rt().db.session() as session:
        clip = _open_clip(session, clip_id)
        if clip is not None:
            settle_review(clip, arxiv_id)
    if clip is None:
        return back("dashboard.review", f"Clip {clip_id} was already settled.", "info")
    rt().queue.enqueue_resolve([clip_id])  # after the commit
    return back("dashboard.review", f"Clip {clip_id} will be saved as arXiv:{arxiv_id}.", "success")


@bp.post("/review/<int:clip_id>/dismiss")
def dismiss(clip_id: int):
    with rt().db.session() as session:
        clip = _open_clip(session, clip_id)
        if clip is not None:
            dismiss_clip(clip)
    if clip is None:
        return back("dashboard.review", f"Clip {clip_id} was already settled.", "info")
    return back("dashboard.review", f"Clip {clip_id} dismissed: it will not be saved.", "success")


def dismiss_clip(clip: Clip) -> None:
    """A person decided this clip names no paper worth saving: it leaves review and is never worked on."""
    clip.status = CLIP_DISMISSED
    clip.last_error = "Dismissed on the review page."
    clip.next_attempt_at = None
