"""The Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from paperdrop.server import dashboard, errors, security
from paperdrop.server.api import routes as api
from paperdrop.server.config import Settings, load_settings
from paperdrop.server.runtime import Runtime
from paperdrop.server.store.models import MAX_ID


class RowIdConverter(IntegerConverter):
    """`<id:clip_id>`: a row id, 1 to MAX_ID; anything else in the URL is a 404, never an overflow."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def create_app(settings: Settings | dict[str, Any] | None = None, *, runtime: Runtime | None = None) -> Flask:
    """Build the web app. `settings` may be loaded Settings or a dict of overrides (tests)."""
    if runtime is None:
        if not isinstance(settings, Settings):
            settings = load_settings(settings)
        runtime = Runtime(settings)
    app = Flask(__name__)
    app.url_map.converters["id"] = RowIdConverter
    app.config.update(
        MAX_CONTENT_LENGTH=runtime.settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        PAPERDROP_SETTINGS=runtime.settings,
        PAPERDROP_TOKEN=runtime.settings.token or security.load_or_create_token(runtime.home),
    )
    app.config["PAPERDROP_TOKEN_STAMP"] = security.token_stamp(runtime.home)
    app.extensions["paperdrop"] = runtime

    def settings_changed(settings: Settings) -> None:
        app.config.update(
            MAX_CONTENT_LENGTH=settings.max_body_bytes,
            PAPERDROP_SETTINGS=settings,
            PAPERDROP_TOKEN=settings.token or security.load_or_create_token(runtime.home),
        )

    def look_at_config() -> None:
        runtime.reload_if_changed()  # an edited paperdrop.toml takes effect without a restart

    runtime.on_reload(settings_changed)
    app.before_request(look_at_config)
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(api.bp)
    dashboard.init_app(app)
    return app
