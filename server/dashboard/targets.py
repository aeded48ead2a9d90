"""Targets page: each target's reachability and, for each problem, the fix."""

from __future__ import annotations

from flask import render_template

from paperdrop.server.dashboard.blueprint import bp, rt
from paperdrop.server.services.targets import list_targets


@bp.get("/targets")
def targets():
    listing = list_targets(rt())
    return render_template("dashboard/targets.html", targets=listing["targets"], default=listing["default"])
