"""Review page: clips arXiv could not settle, with ranked candidates; choose one, enter an id, or dismiss."""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from paperdrop.server.dashboard.blueprint import back, bp, rt
from paperdrop.server.services.library import review_clips
from paperdrop.server.services.review import ClipNotFound, UnknownPaper, choose_paper, dismiss_clip
from paperdrop.sync.errors import TransientError
from paperdrop.sync.ids import normalize_arxiv_id

SHOWN = 100  # clips per page; the rest follow as these are settled


@bp.get("/review")
def review() -> str:
    with rt().db.reading() as session:
        clips, total = review_clips(session, limit=SHOWN)
        return render_template("dashboard/review.html", clips=clips, total=total)


@bp.post("/review/<id:clip_id>/choose")
def choose(clip_id: int) -> Response:
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
    try:
        chosen = choose_paper(rt(), clip_id, arxiv_id, only_in_review=True, check=True)
    except ClipNotFound as exc:
        abort(404, description=str(exc))
    except UnknownPaper as exc:
        return back("dashboard.review", f"{exc} {exc.FIX}", "error", anchor=f"clip-{clip_id}")
    except TransientError:
        message = (
            f"arXiv could not be asked whether {arxiv_id} exists just now; nothing changed. Try again in a minute."
        )
        return back("dashboard.review", message, "error", anchor=f"clip-{clip_id}")
    if not chosen:
        return back("dashboard.review", f"Clip {clip_id} was already settled.", "info")
    return back("dashboard.review", f"Clip {clip_id} will be saved as arXiv:{arxiv_id}.", "success")


@bp.post("/review/<id:clip_id>/dismiss")
def dismiss(clip_id: int) -> Response:
    try:
        dismissed = dismiss_clip(rt(), clip_id)
    except ClipNotFound as exc:
        abort(404, description=str(exc))
    if not dismissed:
        return back("dashboard.review", f"Clip {clip_id} was already settled.", "info")
    return back("dashboard.review", f"Clip {clip_id} dismissed: it will not be saved.", "success")
