"""Sign-in with the token (once per browser, then a session cookie) and sign-out."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from paperdrop.server.dashboard import session_auth
from paperdrop.server.dashboard.blueprint import back, bp, local_path
from paperdrop.server.invocation import command
from paperdrop.server.security import current_token, token_matches


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_path = local_path(request.values.get("next"), url_for("dashboard.library"))
    if request.method == "GET":
        if session_auth.is_signed_in():
            return redirect(next_path)
        return render_template("dashboard/sign_in.html", next=next_path)
    given = request.form.get("token", "").strip()
    # Constant-time comparison: response times say nothing about how much of a guess was right.
    if not given or not token_matches(given, current_token()):
        error = f"That is not this server's token. Run {command('token')} and paste what it prints."
        return render_template("dashboard/sign_in.html", next=next_path, error=error), 401
    session_auth.sign_in()
    return redirect(next_path, code=303)


@bp.post("/sign-out")
def sign_out():
    session_auth.sign_out()
    return back("dashboard.sign_in", "Signed out.")
