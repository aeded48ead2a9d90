"""Targets page: each target's reachability and, for each problem, the fix."""

from __future__ import annotations

from flask import render_template, request
from werkzeug.wrappers import Response

from paperdrop.server.dashboard.blueprint import back, bp, rt
from paperdrop.server.services.outcome import target_label
from paperdrop.server.services.requeue import retry_missing
from paperdrop.server.services.targets import list_targets


@bp.get("/targets")
def targets():
    listing = list_targets(rt())
    return render_template("dashboard/targets.html", targets=listing["targets"], default=listing["default"])


@bp.post("/targets/missing")
def write_missing() -> Response:
    """ "Write them again": the copies removed from a target are checked there and written back."""
    target = request.form.get("target", "")
    with rt().db.session() as session:
        targets = retry_missing(session, target)
    if not targets:
        return back("dashboard.library", "Nothing to write again: no copy is missing there (any more).")
    rt().queue.enqueue_deliver_many(targets)  # after the commit
    return back("dashboard.library", f"Writing the missing papers to {target_label(target)} again.", "success")
