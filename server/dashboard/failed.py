"""Failed page: clips that could not become papers, each with its error, the fix, and a retry.

A failed clip has no paper (an unknown id, a title arXiv has nothing close to, a retry budget spent on an
outage), so the library, which lists papers, cannot show it: it is listed here instead.
"""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from paperdrop.server.dashboard.blueprint import back, bp, rt
from paperdrop.server.services.library import failed_clips
from paperdrop.server.services.requeue import retry_failed
from paperdrop.server.services.review import ClipNotFound, UnknownPaper, choose_paper
from paperdrop.server.store.models import Clip, ClipState
from paperdrop.sync.errors import TransientError
from paperdrop.sync.ids import normalize_arxiv_id

SHOWN = 100  # clips per page; the rest follow as these are retried


@bp.get("/failed")
def failed() -> str:
    with rt().db.reading() as session:
        clips, total = failed_clips(session, limit=SHOWN)
        return render_template("dashboard/failed.html", clips=clips, total=total)


@bp.post("/failed/<id:clip_id>/retry")
def retry_clip(clip_id: int) -> Response:
    with rt().db.session() as session:
        clip = session.get(Clip, clip_id)
        if clip is None:
            abort(404, description=f"There is no clip {clip_id}.")
        if clip.status != ClipState.FAILED:
            return back("dashboard.failed", f"Clip {clip_id} has not failed (any more): nothing to retry.", "info")
        clip_ids, targets = retry_failed(session, [clip_id])
    _enqueue(clip_ids, targets)
    return back("dashboard.failed", f"Trying clip {clip_id} again.", "success")


@bp.post("/failed/retry")
def retry_all() -> Response:
    with rt().db.session() as session:
        clips, _ = failed_clips(session, limit=SHOWN)
        clip_ids, targets = retry_failed(session, [c.id for c in clips])
    _enqueue(clip_ids, targets)
    count = len(clip_ids)
    return back("dashboard.failed", f"Trying {count} clip{'' if count == 1 else 's'} again.", "success")


@bp.post("/failed/<id:clip_id>/choose")
def correct_clip(clip_id: int) -> Response:
    """A clip that failed on a wrong id: a person gives the right one (checked on arXiv first)."""
    given = request.form.get("arxiv_id", "")
    arxiv_id = normalize_arxiv_id(given)
    anchor = f"clip-{clip_id}"
    if not arxiv_id:
        return back("dashboard.failed", f"{given.strip() or 'An empty value'} is not an arXiv id.", "error", anchor)
    try:
        choose_paper(rt(), clip_id, arxiv_id, check=True)
    except ClipNotFound as exc:
        abort(404, description=str(exc))
    except UnknownPaper as exc:
        return back("dashboard.failed", f"{exc} {exc.FIX}", "error", anchor)
    except TransientError:
        message = f"arXiv could not be asked whether {arxiv_id} exists just now; nothing changed. Try again soon."
        return back("dashboard.failed", message, "error", anchor)
    return back("dashboard.failed", f"Clip {clip_id} will be saved as arXiv:{arxiv_id}.", "success")


def _enqueue(clip_ids: list[int], targets: list[str]) -> None:
    """After the commit: a job never sees the old state."""
    rt().queue.enqueue_resolve(clip_ids)
    rt().queue.enqueue_deliver_many(targets)
