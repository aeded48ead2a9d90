"""The dashboard blueprint: sign-in and CSRF guards, security headers, error pages, shared view helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from paperdrop.server.dashboard import session_auth
from paperdrop.server.dashboard.csrf import check_csrf, csrf_token
from paperdrop.server.errors import error_response
from paperdrop.server.invocation import command
from paperdrop.server.runtime import Runtime
from paperdrop.server.services.library import MissingCopies, clip_counts, missing_copies
from paperdrop.server.store.models import ClipState

bp = Blueprint("dashboard", __name__)

PUBLIC_ENDPOINTS = {"dashboard.sign_in"}
# A saved digest page (Hugging Face keeps every paper's JSON in it) easily passes the API's 1 MB body limit.
UPLOAD_ENDPOINTS = {"dashboard.import_submit"}
UPLOAD_MAX_BYTES = 20_000_000
PASTE_MAX_BYTES = 5_000_000
JSON_ENDPOINTS = {"dashboard.import_progress"}

# Pages render only our own markup: no inline script, no framing, forms post only to us. Titles and abstracts
# come from the web, so even an escaping mistake could not run a script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: with it Chromium posts forms with `Origin: null`, which the Origin check must refuse.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def rt() -> Runtime:
    runtime: Runtime = current_app.extensions["paperdrop"]
    return runtime


@bp.before_request
def _guard():
    if request.endpoint in UPLOAD_ENDPOINTS and session_auth.is_signed_in():
        request.max_content_length = UPLOAD_MAX_BYTES  # per request: Flask >= 3.1
        request.max_form_memory_size = PASTE_MAX_BYTES
    check_csrf()  # before sign-in too: the sign-in form itself carries a token (no login CSRF)
    if request.endpoint in PUBLIC_ENDPOINTS or session_auth.is_signed_in():
        return None
    if request.endpoint in JSON_ENDPOINTS:
        return error_response(401, "unauthorized", "Sign in to the dashboard first.", ["Open /sign-in."])
    return redirect(url_for("dashboard.sign_in", next=request.full_path.rstrip("?")))


@bp.after_request
def _headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.record_once
def _globals(state) -> None:
    # A global, not a context variable: imported macros (forms) see it too.
    state.app.jinja_env.globals["csrf_token"] = csrf_token


@bp.app_context_processor
def _template_globals():
    return {
        "review_count": _review_count,
        "failed_count": _failed_count,
        "missing_copies": _missing_copies,
        "paperdrop_command": command,
    }


def _review_count() -> int:
    with rt().db.reading() as session:
        return clip_counts(session)[ClipState.NEEDS_REVIEW]


def _failed_count() -> int:
    with rt().db.reading() as session:
        return clip_counts(session)[ClipState.FAILED]


def _missing_copies() -> list[MissingCopies]:
    with rt().db.reading() as session:
        return missing_copies(session, shown=0)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    title, message = exc.name, exc.description
    if exc.code == 400 and exc.description == "csrf":
        title = "Form expired"
        message = "This form was not sent by this dashboard or has expired. Reload the page and try again."
    return render_template(
        "dashboard/error.html", title=title, message=message, signed_in=session_auth.is_signed_in()
    ), exc.code


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a path on this server (a safe redirect after sign-in), else `default`."""
    if not target:
        return default
    if any(ord(char) < 32 or ord(char) == 127 for char in target) or len(target) > 2000:
        return default  # a header cannot carry it (CR/LF injection), and no page of ours is named so
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def back(endpoint: str, message: str | None = None, category: str = "info", anchor: str | None = None, **values):
    """Post/redirect/get: flash the outcome and send the browser to a page (303 so reloading does not resend)."""
    if message:
        flash(message, category)
    return redirect(url_for(endpoint, _anchor=anchor, **values), code=303)
