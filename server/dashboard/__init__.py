"""The dashboard: server-rendered pages to see, review, import and fix the library in a browser."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from paperdrop.server.dashboard import filters, session_auth
from paperdrop.server.dashboard.blueprint import bp

# Importing the view modules registers their routes on `bp`.
from paperdrop.server.dashboard import failed, imports, pair, papers, review, signin, targets  # noqa: E402,F401  isort: skip

SESSION_DAYS = 30  # sign in once per browser; the token itself never expires


def init_app(app: Flask) -> None:
    """Register the dashboard at `/` with a per-data-directory session secret and strict cookies."""
    runtime = app.extensions["paperdrop"]
    app.config.update(
        SECRET_KEY=session_auth.load_or_create_secret(runtime.home),
        SESSION_COOKIE_NAME="paperdrop_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Strict: a request started by another site never carries the session (with the CSRF token, the
        # second guard against any web page posting to localhost).
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(days=SESSION_DAYS),
    )
    app.config.setdefault("PAPERDROP_DASHBOARD_POLL_MS", 1000)
    filters.init_app(app)
    app.register_blueprint(bp)
