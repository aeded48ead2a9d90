"""Pairing the browser extension in one click: a signed-in user confirms, and the page hands the token over.

GET /pair shows a confirm button (sign-in first: the blueprint's guard redirects there and back). POST /pair
(CSRF-checked) renders the page again with the token in a hidden element that only the extension's pairing
content script reads (extension/src/content/pair.js, which the manifest runs on /pair of 127.0.0.1 and
localhost only); the page's Content-Security-Policy lets no other script run on it. Copy-paste of the token
into the extension's options stays the fallback.
"""

from __future__ import annotations

from flask import render_template, request

from paperdrop.server.dashboard.blueprint import bp
from paperdrop.server.security import current_token


@bp.route("/pair", methods=["GET", "POST"])
def pair():
    if request.method == "GET":
        return render_template("dashboard/pair.html", token=None)
    return render_template("dashboard/pair.html", token=current_token(), server=request.host_url.rstrip("/"))
